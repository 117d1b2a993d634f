"""URLs of the site plus uploaded media, for the live test server (DEBUG is off in tests).

Images uploaded in a test (demo content, the editor's upload) must load in the browser, or the
screenshots and the layout checks would see broken images.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from cms.urls import urlpatterns as site_urlpatterns

media_prefix = settings.MEDIA_URL.lstrip("/")

urlpatterns = [
    re_path(rf"^{media_prefix}(?P<path>.*)$", lambda request, path: serve(request, path, settings.MEDIA_ROOT)),
    *site_urlpatterns,
]
