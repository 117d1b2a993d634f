from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from forms.privacy import admin as privacy_admin
from strategy_pages import page_editor
from strategy_pages import views as strategy_views


class StaticRedirectView(RedirectView):
    """To a static file, its URL resolved per request (the hashed name exists only after collectstatic)."""

    path = ""
    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static_url(self.path)


urlpatterns = [
    # Site history without entries about personal-data records the user may not see (forms.privacy.admin).
    *privacy_admin.site_history_urls(),
    # The "add page" form without autosave: no page exists until the editor saves it.
    *page_editor.admin_urls(),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("forms.urls")),
    path("szukaj/", strategy_views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", strategy_views.RobotsView.as_view(), name="robots_txt"),
    # Clients that ask for /favicon.ico without reading the page's <link rel="icon"> get the icon, not a 404.
    path("favicon.ico", StaticRedirectView.as_view(path="icons/favicon.ico")),
    path("apple-touch-icon.png", StaticRedirectView.as_view(path="icons/apple-touch-icon.png")),
]

if settings.DJANGO_ADMIN_ENABLED:
    # A second login form, and django-q2's schedule editor runs any importable function: only on request.
    urlpatterns.insert(0, path("django-admin/", admin.site.urls))

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving must stay last: it catches everything else.
urlpatterns += [path("", include(wagtail_urls))]
