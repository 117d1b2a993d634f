import os

import pytest
from django.conf import settings


def pytest_configure(config):
    # scripts/test sets REQUIRE_POSTGRES for its second run: if the database is
    # not really PostgreSQL the run fails instead of silently testing SQLite twice.
    if os.environ.get("REQUIRE_POSTGRES") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        raise pytest.UsageError("REQUIRE_POSTGRES is set but DATABASE_URL does not point at PostgreSQL.")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of one test never leak into another or into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keeps the post-migration snapshot (Wagtail's root page, locale, site) on the connection class.

    ``serialized_rollback`` restores it from the connection object, but Django's connections are
    context-local and Playwright's greenlets get objects of their own without the snapshot; on the
    class every connection object finds it.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _fresh_public_caches():
    """Each test starts with an empty cache and reads the cache generation anew (strategy_pages.caching):
    a rolled-back test leaves no page, fragment or generation behind for the next."""
    from strategy_pages import caching

    caching.clear()
    yield
    caching.clear()
