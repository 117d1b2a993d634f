"""The shortcuts that keep uncached pages at a few queries never change what is served: the remembered
routes (strategy_pages.routing), the view-restriction check made once per request and the navigation
built from one query (strategy_pages.navigation)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from strategy_pages.models import StrategyPage

from .conftest import count_queries


@pytest.fixture
def no_cache(settings):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 0, 0


def test_a_renamed_page_is_not_served_at_its_remembered_address(site_pages, no_cache, client):
    strategy = site_pages["strategy"]
    old_url = strategy.url
    assert client.get(old_url).status_code == 200  # remembered now
    strategy.slug = "nowa-strategia"
    strategy.save_revision().publish()
    strategy.refresh_from_db()
    response = client.get(old_url)
    assert response.status_code in (301, 404)  # Wagtail's redirect from the old address, or none
    assert response.status_code == 404 or response["Location"] == strategy.url
    assert client.get(strategy.url).status_code == 200


def test_a_moved_page_is_not_served_at_its_remembered_address(site_pages, no_cache, client):
    strategy = site_pages["strategy"]
    old_url = strategy.url
    assert client.get(old_url).status_code == 200  # remembered now
    section = StrategyPage(title="Diagnoza", slug="diagnoza", intro="Wstęp.")
    site_pages["home"].add_child(instance=section)
    section.save_revision().publish()
    strategy.move(section, pos="last-child")
    strategy = StrategyPage.objects.get(pk=strategy.pk)
    response = client.get(old_url)
    assert response.status_code in (301, 404)  # Wagtail's redirect from the old address, or none
    assert response.status_code == 404 or response["Location"] == strategy.url
    assert client.get(strategy.url).status_code == 200


def test_an_unpublished_remembered_page_is_not_served(site_pages, no_cache, client):
    news = site_pages["news"]
    assert client.get(news.url).status_code == 200
    news.unpublish()
    assert client.get(news.url).status_code == 404


def test_view_restrictions_are_enforced_without_any_cache(site_pages, no_cache, client):
    strategy = site_pages["strategy"]
    assert client.get(strategy.url).status_code == 200
    assert "O strategii" in client.get(site_pages["home"].url).content.decode()
    restriction = PageViewRestriction.objects.create(page=strategy, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Zespół"))
    assert client.get(strategy.url).status_code == 302  # to the login page
    # A private page leaves the menu of the public pages (the highlights are the editor's choice).
    site_pages["home"].highlights.all().delete()
    assert f'href="{strategy.url}"' not in client.get(site_pages["home"].url).content.decode()


def test_navigation_shows_the_menu_breadcrumbs_and_feed_links(site_pages, no_cache):
    _, response = count_queries(site_pages["news"].url)
    html = response.content.decode()
    index_url = site_pages["news_index"].url
    assert f'href="{index_url}feed/rss/"' in html and f'href="{index_url}feed/atom/"' in html
    assert f'<a href="{index_url}">Aktualności</a>' in html  # breadcrumbs and menu
    assert f'href="{index_url}?tag=warsztaty"' in html  # tag links to the parent


@pytest.mark.parametrize("cached", [False, True], ids=["every cache off", "fragment cache"])
def test_private_pages_stay_out_of_the_lists_once_any_page_is_private(site_pages, settings, client, cached):
    """The lists' queries are prepared only while no page is private (``caching.prepared_public_pages``):
    with a view restriction the latest news, the news index with its tags and the upcoming workshops
    leave out private pages, and show them again once the restriction is gone."""
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 0, 3600 if cached else 0
    home, news_index, article = site_pages["home"], site_pages["news_index"], site_pages["news"]
    article.tags.add("tylko-dla-zespolu")
    article.save_revision().publish()
    home_url, index_url = home.url, news_index.url

    def shown():
        home_html = client.get(home_url).content.decode()
        index_html = client.get(index_url).content.decode()
        return (
            f'href="{article.url}"' in home_html,  # the latest news
            f'href="{article.url}"' in index_html,  # the index's news
            "tag=tylko-dla-zespolu" in index_html,  # the index's tags
            f'href="{site_pages["workshop"].url}"' in home_html,  # the upcoming workshops
        )

    assert shown() == (True, True, True, True)
    restrictions = []
    for page in (article, site_pages["workshop"]):
        restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        restrictions.append(restriction)
    assert shown() == (False, False, False, False)
    for restriction in restrictions:
        restriction.delete()
    assert shown() == (True, True, True, True)
