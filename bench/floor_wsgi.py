"""The framework floor for bench/pages.py: the smallest Django application that returns the same bytes.

No database, no middleware, no templates: one view that answers every path with the body saved for
it in ``$FLOOR_DIR`` (``<path>/index.html``, as bench/pages.py writes them for nginx too). Run under
the same gunicorn settings as the project, so the ratio "page / floor" is what the project itself costs.
"""

import os
from pathlib import Path

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-floor-only",  # noqa: S106 - a throw-away process on loopback
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_I18N=False,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse, HttpResponseNotFound  # noqa: E402
from django.urls import re_path  # noqa: E402

FLOOR_DIR = Path(os.environ["FLOOR_DIR"])
BODIES = {
    "/" + str(path.parent.relative_to(FLOOR_DIR)).strip(".") + ("/" if path.parent != FLOOR_DIR else ""): path
    for path in FLOOR_DIR.rglob("index.html")
}
BODIES = {url.replace("//", "/"): path.read_bytes() for url, path in BODIES.items()}


def page(request):
    body = BODIES.get(request.path)
    if body is None:
        return HttpResponseNotFound()
    return HttpResponse(body, content_type="text/html; charset=utf-8")


urlpatterns = [re_path(r"", page)]

application = get_wsgi_application()
