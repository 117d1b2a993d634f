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


def _flushes_the_database(item):
    """Whether pytest-django runs ``item`` as a transactional test (``transaction=True``, ``reset_sequences``,
    ``transactional_db`` or ``live_server``), whose teardown empties every table; and whether it asked for
    ``serialized_rollback``. The same reading of the marker and fixtures as pytest-django's."""
    from pytest_django.fixtures import validate_django_db

    fixtures = getattr(item, "fixturenames", ())
    transaction = reset_sequences = serialized_rollback = False
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences, _databases, serialized_rollback, _apps = validate_django_db(marker)
    flushing_fixtures = {"transactional_db", "live_server", "django_db_reset_sequences"}
    transactional = bool(transaction or reset_sequences or flushing_fixtures & set(fixtures))
    serialized_rollback = bool(serialized_rollback or "django_db_serialized_rollback" in fixtures)
    return transactional, serialized_rollback


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test leaves the database as Wagtail's migrations made it, whatever runs next.

    Django's ``TransactionTestCase`` flushes every table after the test and, with ``serialized_rollback``,
    loads the post-migration snapshot back only at the *start* of the next such test. A test that runs in
    a transaction (``db``) after it would find no root page, no default site, no locale, no groups or
    permissions (Django's own runner avoids this only by running transactional tests last). So, once the
    flush has run (after every fixture of the test is torn down), the snapshot is loaded back here.
    Skipped when the next test is itself a serialized-rollback test (its set-up loads the snapshot) and
    after the last test (the test database is gone by then)."""
    result = yield
    if nextitem is None:
        return result
    transactional, serialized_rollback = _flushes_the_database(item)
    if not transactional:
        return result
    next_transactional, next_serialized = _flushes_the_database(nextitem)
    if next_transactional and next_serialized:
        return result
    _restore_migrated_contents(item.config, flushed_with_post_migrate=not serialized_rollback)
    return result


def _restore_migrated_contents(config, *, flushed_with_post_migrate):
    from django.core.management import call_command
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with config.stash[blocking_manager_key].unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is None:
                continue
            if flushed_with_post_migrate:
                # The flush re-created content types and permissions under new keys: empty the tables
                # again so the snapshot's own rows (with their keys) go back in.
                call_command("flush", verbosity=0, interactive=False, database=alias, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(contents)
            connection.close()


@pytest.fixture(autouse=True)
def _fresh_public_caches():
    """Each test starts with an empty cache and reads the cache generation anew (strategy_pages.caching):
    a rolled-back test leaves no page, fragment or generation behind for the next."""
    from strategy_pages import caching

    caching.clear()
    yield
    caching.clear()
