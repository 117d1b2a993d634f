"""The render path with every cache off after issue 18's second round (docs/performance.md).

Each page keeps the query count this round brought it to, and the narrow rows it loads never fall
back to loading a deferred field in a query of its own (Wagtail's ``specific_deferred`` does that for
every field of a page loaded with ``.only()``: one query each).
"""

import re
from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from django.test.utils import CaptureQueriesContext

from strategy_pages import caching
from strategy_pages.routing import forget_routes

# With every cache off, on the test site of conftest.site_pages (the demo content needs as many).
MAX_QUERIES = {"home": 9, "news_index": 9, "news": 10, "strategy": 8, "workshop": 9}
# A deferred field loaded on its own: SELECT of the primary key and one column, by primary key.
DEFERRED_LOAD = re.compile(r'^SELECT "\w+"\."\w+", "\w+"\."\w+" FROM "\w+" WHERE "\w+"\."\w+" = \S+ LIMIT 21$')


@pytest.fixture
def every_cache_off(settings):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS, settings.ROUTE_MEMO = 0, 0, False
    forget_routes()
    caching.clear()
    yield
    forget_routes()


def queries_of_a_view(url):
    client = Client()
    assert client.get(url).status_code == 200  # renditions made once in a site's life
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("page_name", sorted(MAX_QUERIES))
def test_each_page_keeps_its_query_count(site_pages, every_cache_off, page_name):
    queries = queries_of_a_view(site_pages[page_name].url)
    assert len(queries) <= MAX_QUERIES[page_name], "\n".join(sql[:200] for sql in queries)


@pytest.mark.parametrize("page_name", sorted(MAX_QUERIES))
def test_no_deferred_field_is_loaded_on_its_own(site_pages, every_cache_off, page_name):
    queries = queries_of_a_view(site_pages[page_name].url)
    assert not [sql for sql in queries if DEFERRED_LOAD.match(sql)], queries


def test_news_cards_find_their_renditions_without_a_query_per_image(site_pages, every_cache_off):
    queries = queries_of_a_view(site_pages["news_index"].url)
    renditions = [sql for sql in queries if 'FROM "wagtailimages_rendition"' in sql]
    # One query for the renditions of every card on the page (the cards show three images).
    assert len(renditions) == 1, renditions


def test_upcoming_workshops_make_no_group_by_of_page_columns(site_pages, every_cache_off):
    queries = queries_of_a_view(site_pages["home"].url)
    workshop_pages = [sql for sql in queries if 'FROM "strategy_forms_workshoppage"' in sql]
    assert workshop_pages, queries
    assert not [sql for sql in workshop_pages if "GROUP BY" in sql], workshop_pages


# SELECTs still compiled by the ORM on a repeated view with every cache off; the others run from SQL
# compiled once per process (strategy_pages.prepared). What is left: the news index's count, the news
# page's tags, the strategy page's documents (StreamField).
MAX_COMPILED = {"home": 0, "news_index": 1, "news": 1, "strategy": 1, "workshop": 0}


@pytest.mark.parametrize("page_name", sorted(MAX_COMPILED))
def test_a_repeated_view_compiles_almost_no_sql(site_pages, every_cache_off, page_name):
    url = site_pages[page_name].url
    client = Client()
    assert client.get(url).status_code == 200  # the first view of a process compiles its queries
    compiled = []
    original = SQLCompiler.as_sql

    def spy(compiler, *args, **kwargs):
        sql, params = original(compiler, *args, **kwargs)
        compiled.append(sql)
        return sql, params

    with mock.patch.object(SQLCompiler, "as_sql", spy), CaptureQueriesContext(connection) as ran:
        assert client.get(url).status_code == 200
    assert len(compiled) <= MAX_COMPILED[page_name], "\n".join(sql[:200] for sql in compiled)
    assert len(ran.captured_queries) >= len(compiled) + 3  # the others did run: prepared, not skipped


def test_news_cards_load_only_the_renditions_their_picture_shows(site_pages, every_cache_off):
    from pathlib import Path

    from wagtail.images import get_image_model

    from strategy_pages.models import NewsPage

    card = Path(NewsPage.__module__.replace(".", "/")).parent / "templates/strategy_pages/includes/news_card.html"
    # The card's {% picture %} and the renditions the lists load are the same filters.
    assert f"{{% picture item.image {NewsPage.card_picture_spec} " in card.read_text()
    renditions = get_image_model().get_rendition_model().objects
    queries_of_a_view(site_pages["news"].url)  # the article's own picture: more renditions of its image
    made = renditions.count()
    queries = queries_of_a_view(site_pages["news_index"].url)
    cards = [sql for sql in queries if 'FROM "wagtailimages_rendition"' in sql]
    assert len(cards) == 1 and '"filter_spec" IN (' in cards[0], cards
    assert renditions.count() == made  # every rendition a card shows was found, none made again
