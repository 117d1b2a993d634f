"""Integration: a publication reaches every web process of the default (per-process) cache.

gunicorn runs 2 sync workers (separate processes) against the test database with the page cache and
the fragment cache on, and no ``CACHE_URL``: each worker keeps its own local-memory cache and its own
copies of hot pages, and only the generation row in the database (``strategy_pages.caching``) tells
it that they are outdated. Both workers serve the strategy page from their caches (a title changed
behind the caches' back, without any signal, is not shown); then the page is published with a new
title in this process, and within a few seconds — ``PAGE_CACHE_LOCAL_SECONDS`` = 1 — no worker shows
the old one any more.

Which worker answered is read from gunicorn's access log (its ``%(p)s`` atom, the worker's pid, next
to a request header naming the request), so the test knows that both workers held the page."""

import os
import re
import shlex
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from itertools import count

import pytest
from wagtail.models import Page, Site

from strategy_pages.models import HomePage, SiteSettings, StrategyPage

from .servers import Gunicorn, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OLD_TITLE = "Diagnoza strategiczna gminy"
HIDDEN_TITLE = "Tytul zmieniony bez sygnalu"
NEW_TITLE = "Kierunki rozwoju do 2035 roku"
TITLES = (OLD_TITLE, HIDDEN_TITLE, NEW_TITLE)
REQUESTS = 40
PROPAGATION_SECONDS = 5

# Imported by the workers instead of cms.settings.test, which turns both caches off for the suite.
SETTINGS = """\
from cms.settings.test import *  # noqa: F403

PAGE_CACHE_SECONDS = 300
FRAGMENT_CACHE_SECONDS = 3600
PAGE_CACHE_LOCAL_SECONDS = 1
assert CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache", CACHES  # noqa: F405
"""
# The access log: "<request number> <worker pid> <status>" per request.
ACCESS_LOG_FORMAT = "%({x-probe}i)s %(p)s %(s)s"
ACCESS_LINE = re.compile(r"^(\d+) <(\d+)> (\d+)$")


@pytest.fixture
def strategy_page(db):
    """Home page as the default site's root, with one published strategy page under it."""
    home = HomePage(title="Strategia", slug="strategia-procesy", intro="<p>Wstęp.</p>")
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    # As on a running site: created by the first request otherwise, which makes a new generation while
    # the workers fill their caches (and the check below would see a worker render the page again).
    SiteSettings.for_site(site)
    page = StrategyPage(title=OLD_TITLE, slug="diagnoza", intro="Wstęp do diagnozy.")
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def server(strategy_page, tmp_path):
    (tmp_path / "cache_across_processes_settings.py").write_text(SETTINGS)
    python_path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    access_log = tmp_path / "access.log"
    with Gunicorn(
        tmp_path / "gunicorn.log", workers=2, CACHE_URL=None, PYTHONPATH=python_path,
        DJANGO_SETTINGS_MODULE="cache_across_processes_settings",
        GUNICORN_CMD_ARGS=shlex.join(["--access-logfile", str(access_log), "--access-logformat", ACCESS_LOG_FORMAT]),
    ) as running:
        running.access_log = access_log
        running.error_log = tmp_path / "gunicorn.log"
        running.probes = count()
        yield running


def fetch(server, url, number):
    """One anonymous GET on a new connection (no cookies): (request number, status, title shown)."""
    request = urllib.request.Request(url, headers={"X-Probe": str(number)})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read().decode()
        status = response.status
    shown = [title for title in TITLES if f"<h1>{title}</h1>" in body]
    return number, status, shown[0] if len(shown) == 1 else f"unexpected page: {shown!r}"


def fetch_many(server, url, total, threads=8):
    """``total`` requests, ``threads`` at a time: [(request number, status, title)]."""
    numbers = [next(server.probes) for _ in range(total)]
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda number: fetch(server, url, number), numbers))


def workers_of(server, results):
    """The pid of the worker that answered each request of ``results``, from the access log."""
    wanted = {number for number, _status, _title in results}

    def logged():
        pids = {}
        for line in server.access_log.read_text().splitlines():
            if (match := ACCESS_LINE.match(line)) and int(match[1]) in wanted:
                pids[int(match[1])] = int(match[2])
        return pids if len(pids) == len(wanted) else None

    return wait_for(logged, timeout=10, message="the access log lines of the requests")


def titles_by_worker(server, url, rounds=10):
    """The titles each worker showed: ``REQUESTS`` requests, repeated (at most ``rounds`` times) until
    both workers have answered some — the kernel hands connections to either, not necessarily in turn,
    and the second worker may still be starting when the first one answers."""
    shown = {}
    for _round in range(rounds):
        results = fetch_many(server, url, REQUESTS)
        pids = workers_of(server, results)
        for number, status, title in results:
            assert status == 200, (number, status)
            shown.setdefault(pids[number], set()).add(title)
        if len(shown) >= 2:
            return shown
    raise AssertionError(f"only one worker answered {rounds} × {REQUESTS} requests: {shown}")


def test_publication_reaches_every_process_with_the_default_cache(server, strategy_page):
    url = server.url(strategy_page.url)
    try:
        # Both workers render the page once and then serve it from their own caches.
        warm = titles_by_worker(server, url)
        assert all(titles == {OLD_TITLE} for titles in warm.values()), warm

        # A change without any signal (no new generation) stays invisible: every worker answers from its
        # cache, well after PAGE_CACHE_LOCAL_SECONDS. (Without the caches the page would show it.)
        StrategyPage.objects.filter(pk=strategy_page.pk).update(title=HIDDEN_TITLE)
        time.sleep(1.5)
        cached = titles_by_worker(server, url)
        assert all(titles == {OLD_TITLE} for titles in cached.values()), cached

        # Published in this process (a third one): the generation row changes in the same transaction.
        strategy_page.title = NEW_TITLE
        strategy_page.save_revision().publish()
        published_at = time.monotonic()
        polls, first_new = 0, None
        while True:
            batch = fetch_many(server, url, 8)
            elapsed = time.monotonic() - published_at
            polls += 1
            titles = {title for _number, _status, title in batch}
            if first_new is None and NEW_TITLE in titles:
                first_new = elapsed
            if all(status == 200 and title == NEW_TITLE for _number, status, title in batch):
                break
            assert elapsed < PROPAGATION_SECONDS, f"still {titles} {elapsed:.2f} s after the publication"
        print(f"new title first {first_new:.2f} s, everywhere {elapsed:.2f} s after the publication ({polls} polls)")

        # From now on no worker serves its old copy.
        after = titles_by_worker(server, url)
        assert all(titles == {NEW_TITLE} for titles in after.values()), after
    except AssertionError:
        print(server.error_log.read_text()[-3000:])
        raise
