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


def test_news_article_is_created_and_published_in_the_admin(admin_client, news_index):
    """Validating a page that is not in the tree yet (its slug against its future siblings) must not use
    the navigation shortcut of ``NewsPage.get_parent``, which needs the page's place in the tree."""
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    from strategy_pages.models import NewsPage

    data = nested_form_data(
        {
            "title": "Nowy artykuł z panelu",
            "slug": "nowy-artykul-z-panelu",
            "date": "2025-02-01",
            "intro": "Wstęp nowego artykułu.",
            "body": streamfield([]),
            "action-publish": "action-publish",
        }
    )
    response = admin_client.post(f"/admin/pages/add/strategy_pages/newspage/{news_index.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = NewsPage.objects.get(slug="nowy-artykul-z-panelu")
    assert article.live and article.get_parent().pk == news_index.pk


def test_site_settings_edit_view_opens(admin_client, home):
    site = Site.objects.get(is_default_site=True)
    response = admin_client.get(f"/admin/settings/strategy_pages/sitesettings/{site.pk}/")
    assert response.status_code == 200
    assert "Strona z informacją o przetwarzaniu danych osobowych" in response.content.decode()
