"""The render path's optimisations never change what is served (issue 18).

The home, news index, news, strategy and workshop pages are rendered with every cache off (page cache,
fragment cache and routing memo) and with the caches on, and their HTML is compared with a normalised
reference kept in ``reference/`` (made before the optimisations): CSRF tokens, database ids and the
dates and times that depend on the day the test runs are replaced by placeholders, nothing else (with
the page cache on, the cacheable pages defer places left to the browser: a reference of their own).
With every cache off, each page view also stays at 12 SQL queries at most.

To write the references again (only when a page's output is meant to change):
``UPDATE_REFERENCE_HTML=1 .venv/bin/python -m pytest tests/performance/test_same_bytes.py``.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from strategy_pages import caching
from strategy_pages.routing import forget_routes

REFERENCE_DIR = Path(__file__).parent / "reference"
PAGES = ["home", "news_index", "news", "strategy", "workshop"]
MAX_QUERIES = 12

_MONTHS = (
    "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia|"
    "styczeń|luty|marzec|kwiecień|maj|czerwiec|lipiec|sierpień|wrzesień|październik|listopad|grudzień"
)
_WEEKDAYS = "poniedziałek|wtorek|środa|czwartek|piątek|sobota|niedziela|pon|wt|śr|czw|pt|sob|niedz?"
_NORMALISE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    # Database ids: sessions, groups, pages (they differ between databases and runs).
    (re.compile(r'((?:value|data-[\w-]+|id|for)="(?:[\w-]*?[_-])?)\d+(")'), r"\1ID\2"),
    # Ids inside names and references: the tags made per news page, a session's places.
    (re.compile(r"\b(temat|session)-\d+"), r"\1-ID"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?)?"), "DATE"),
    (re.compile(rf"\b\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?", re.IGNORECASE), "DATE"),
    (re.compile(rf"\b(?:{_WEEKDAYS})\b\.?,?", re.IGNORECASE), "DAY"),
    (re.compile(r"\b\d{1,2}:\d{2}\b"), "TIME"),
]


def normalise(html):
    for pattern, replacement in _NORMALISE:
        html = pattern.sub(replacement, html)
    return html


@pytest.fixture(params=["every cache off", "caches on"])
def cache_setting(request, settings):
    if request.param == "every cache off":
        settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS, settings.ROUTE_MEMO = 0, 0, False
    else:
        settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS, settings.ROUTE_MEMO = 300, 3600, True
    forget_routes()
    caching.clear()
    yield request.param
    forget_routes()
    cache.clear()


def get(url):
    response = Client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.mark.parametrize("page_name", PAGES)
def test_each_page_serves_the_reference_html(site_pages, cache_setting, page_name):
    url = site_pages[page_name].url
    get(url)  # the site's first view of the page makes its image renditions, once in a site's life
    caching.clear()
    views = [get(url), get(url), get(url)]  # built, then from whatever cache is on
    # With the page cache on, the cacheable pages leave places left to the browser (forms.workshops.fragments).
    reference = REFERENCE_DIR / f"{page_name}{'' if cache_setting == 'every cache off' else '.cached'}.html"
    if os.environ.get("UPDATE_REFERENCE_HTML") == "1":
        REFERENCE_DIR.mkdir(exist_ok=True)
        reference.write_text(normalise(views[0]))
    expected = reference.read_text()
    for number, html in enumerate(views):
        assert normalise(html) == expected, f"{page_name}, {cache_setting}, view {number + 1} differs from {reference}"


@pytest.mark.parametrize("page_name", PAGES)
def test_each_page_needs_at_most_12_queries_with_every_cache_off(site_pages, settings, page_name):
    settings.PAGE_CACHE_SECONDS, settings.FRAGMENT_CACHE_SECONDS, settings.ROUTE_MEMO = 0, 0, False
    forget_routes()
    url = site_pages[page_name].url
    get(url)  # renditions made once
    with CaptureQueriesContext(connection) as captured:
        get(url)
    assert len(captured) <= MAX_QUERIES, f"{page_name}: {len(captured)} queries:\n" + "\n".join(
        query["sql"][:300] for query in captured.captured_queries
    )
