"""Settings for the test suite: SQLite file by default, PostgreSQL when DATABASE_URL is set."""

import os
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not :memory:, so parallel threads and the separate worker process of
# the integration tests see the same database with real SQLite locking.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    TEST_SQLITE_PATH = Path(os.environ.get("TEST_SQLITE_PATH", BASE_DIR / "var" / "test-db.sqlite3"))  # noqa: F405
    TEST_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)  # var/ is not in a fresh clone
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_SQLITE_PATH)}  # noqa: F405

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405

# Tasks run inline unless a test starts a real worker (Q_SYNC=0 in its environment).
Q_CLUSTER["sync"] = env_bool("Q_SYNC", True)  # noqa: F405

WAGTAILADMIN_BASE_URL = "http://testserver"

# Notifications: the integration tests' worker process delivers over SMTP to a loopback server
# (TEST_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend, EMAIL_HOST/EMAIL_PORT from base.py).
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", EMAIL_BACKEND)  # noqa: F405

# The per-client form rate limit (forms/abuse.py) is off for the suite, whose tests post many times from
# one address; tests/admin/test_abuse.py switches it on with its own limit.
FORM_RATE_LIMIT = os.environ.get("TEST_FORM_RATE_LIMIT", "0/0")

# The page and fragment caches (strategy_pages/caching.py) are off for the suite whatever the environment
# says; tests/performance switches them on where it tests them. Each test starts with an empty cache
# and re-reads the generation (tests/conftest.py), which then stays current within the test unless the
# test changes content or PAGE_CACHE_LOCAL_SECONDS: query counts do not depend on timing.
PAGE_CACHE_SECONDS = 0
FRAGMENT_CACHE_SECONDS = 0
PAGE_CACHE_LOCAL_SECONDS = 3600
