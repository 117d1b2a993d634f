from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from forms.privacy import admin as privacy_admin
from strategy_pages import views as strategy_views

urlpatterns = [
    # Site history without entries about personal-data records the user may not see (forms.privacy.admin).
    *privacy_admin.site_history_urls(),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("forms.urls")),
    path("szukaj/", strategy_views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", strategy_views.RobotsView.as_view(), name="robots_txt"),
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
