"""The editor's views of every page type and of the site settings open without errors."""

import pytest
from wagtail.models import Site

pytestmark = pytest.mark.django_db


def test_edit_views_of_each_page_type_open(admin_client, home, news_index, news_article, strategy_page):
    for page in (home, news_index, news_article, strategy_page):
        response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, page


def test_add_news_view_opens_under_the_news_index(admin_client, news_index):
    response = admin_client.get(f"/admin/pages/add/strategy_pages/newspage/{news_index.pk}/")
    assert response.status_code == 200
    assert "Tekst alternatywny zdjęcia" in response.content.decode()


def test_site_settings_edit_view_opens(admin_client, home):
    site = Site.objects.get(is_default_site=True)
    response = admin_client.get(f"/admin/settings/strategy_pages/sitesettings/{site.pk}/")
    assert response.status_code == 200
    assert "Strona z informacją o przetwarzaniu danych osobowych" in response.content.decode()
