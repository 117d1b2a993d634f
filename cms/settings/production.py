"""Production settings: everything secret or site-specific comes from the environment.

Meant for PostgreSQL (``DATABASE_URL``), Redis as the shared cache (``CACHE_URL``) and as the task
broker (``Q_BROKER=redis``, ``Q_REDIS_URL``), several gunicorn workers and qcluster processes on one or
more machines, static files served by WhiteNoise (or the front web server) from ``collectstatic``.
docs/deployment.md shows the process list, the variables and unit files.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, env_bool, env_list

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment for production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Persistent database connections (a new PostgreSQL connection per request costs more than most
# pages); checked before reuse (conn_health_checks in base.py). DB_CONN_MAX_AGE=0 closes after each request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))

# Compressed, content-hashed static files from STATIC_ROOT (manage.py collectstatic), served by
# WhiteNoise with far-future cache headers — or by nginx from the same directory (docs/deployment.md).
# The project's CSS is minified first (cms/storage.py).
STORAGES["staticfiles"]["BACKEND"] = "cms.storage.MinifiedCompressedManifestStaticFilesStorage"
WHITENOISE_MAX_AGE = int(os.environ.get("WHITENOISE_MAX_AGE", str(365 * 24 * 3600)))

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Wagtail's page preview shows the page in an iframe of the admin: same origin only, not DENY.
X_FRAME_OPTIONS = "SAMEORIGIN"

SILENCED_SYSTEM_CHECKS = [
    # X_FRAME_OPTIONS is SAMEORIGIN on purpose (the admin's preview frame), see above.
    "security.W019",
]
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' HSTS preload list is a decision for the owner of the whole domain
    # (every subdomain must serve HTTPS for years): off unless SECURE_HSTS_PRELOAD=1.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
