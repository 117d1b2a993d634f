"""Static files in production: the project's CSS minified, then content-hashed and compressed (WhiteNoise)."""

from pathlib import Path

import rcssmin
from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


def is_project_file(source_storage):
    """The project's own static files (not those of Wagtail or Django, which ship minified)."""
    location = Path(getattr(source_storage, "location", "") or "/").resolve()
    base = Path(settings.BASE_DIR).resolve()
    return location.is_relative_to(base) and not any(part in (".venv", "site-packages") for part in location.parts)


class MinifiedCompressedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """``collectstatic`` copies the files into STATIC_ROOT, then this minifies the project's CSS there
    before WhiteNoise hashes and compresses it (gzip, and Brotli where the brotli package is installed)."""

    def post_process(self, paths, dry_run=False, **options):
        if not dry_run:
            paths = dict(paths)
            for name, (source_storage, _source_path) in list(paths.items()):
                if name.endswith(".css") and not name.endswith(".min.css") and is_project_file(source_storage):
                    target = Path(self.path(name))
                    target.write_text(rcssmin.cssmin(target.read_text(encoding="utf-8")), encoding="utf-8")
                    # The hashing reads each file from where it was found: read the minified copy instead.
                    paths[name] = (self, name)
        yield from super().post_process(paths, dry_run=dry_run, **options)
