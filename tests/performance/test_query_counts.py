"""SQL queries per anonymous page view: at most 12 for every page type, with or without the fragment
cache, and the same number whatever the number of news items, tags, images or workshop sessions (issue 8).

Measured with the page cache off, with and without the fragment cache, on the first request after the
cache is cleared ("cold": every fragment built) and on the next one ("warm")."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .conftest import add_news, add_sessions, count_queries

MAX_QUERIES = 12
PAGES = ["home", "news_index", "news", "strategy", "workshop"]


def cold_and_warm(url):
    """Queries of the first view after the cache is cleared and of the next one. A view before makes
    the image renditions, created once in a site's life, not on every view."""
    count_queries(url)
    cache.clear()
    cold, _ = count_queries(url)
    warm, _ = count_queries(url)
    return cold, warm


@pytest.mark.parametrize("page_name", PAGES)
def test_each_page_type_needs_at_most_12_queries(site_pages, settings, page_name):
    """Default configuration with the page cache off (the fragment cache on): a page view, once its
    shared fragments are built (the first view after each publication builds them)."""
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 0, 3600
    cold, warm = cold_and_warm(site_pages[page_name].url)
    assert warm <= MAX_QUERIES, f"{page_name}: {warm} queries"
    assert warm <= cold


@pytest.mark.parametrize("page_name", PAGES)
def test_each_page_type_needs_at_most_12_queries_without_any_cache(site_pages, settings, page_name):
    """Both caches off (PAGE_CACHE_SECONDS=0 FRAGMENT_CACHE_SECONDS=0): every page view, after the first
    one of the process (which teaches the router where the page is, strategy_pages.routing)."""
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 0, 0
    url = site_pages[page_name].url
    # Wagtail's own use of the local-memory cache (site root paths, renditions) stays, as in a process.
    first, _ = count_queries(url)
    with CaptureQueriesContext(connection) as captured:
        queries, _ = count_queries(url)
    assert queries <= MAX_QUERIES, f"{page_name}: {queries} queries:\n" + "\n".join(
        query["sql"][:300] for query in captured.captured_queries
    )
    assert queries <= first


def test_the_fragment_cache_leaves_few_queries(site_pages, settings):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS = 0, 3600
    warm = {page: cold_and_warm(site_pages[page].url)[1] for page in PAGES}
    # Routing below the home page and the places left are the only queries of a cacheable page.
    assert warm["home"] <= 2 and warm["strategy"] <= 3 and warm["news_index"] <= 3 and warm["news"] <= 5, warm


def urls(site_pages):
    index = site_pages["news_index"].url
    return {
        "home": site_pages["home"].url,
        "news_index": index,
        "news_index_page_2": index + "?page=2",
        "news_index_tag": index + "?tag=warsztaty",
        "news": site_pages["news"].url,
        "strategy": site_pages["strategy"].url,
    }


def test_queries_do_not_grow_with_news_items_tags_and_images(site_pages, cache_mode):
    before = {name: cold_and_warm(url) for name, url in urls(site_pages).items()}
    assert len(site_pages["news_items"]) == 10
    add_news(site_pages["news_index"], 490, start=10, images=site_pages["images"], tags_per_item=3)
    after = {name: cold_and_warm(url) for name, url in urls(site_pages).items()}
    assert after == before


def test_workshop_page_queries_do_not_grow_with_sessions(site_pages, cache_mode):
    workshop = site_pages["workshop"]
    before = cold_and_warm(workshop.url), cold_and_warm(site_pages["home"].url)
    add_sessions(workshop, 40)
    after = cold_and_warm(workshop.url), cold_and_warm(site_pages["home"].url)
    assert after == before
