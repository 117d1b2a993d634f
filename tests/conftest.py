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
