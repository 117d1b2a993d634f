"""The page cache and the fragment cache: what is kept, for whom, and when it is thrown away (issue 8).

Cached anonymous pages are invalidated when a page is published, unpublished or moved; remaining
places are never stale (counted per request, or fetched fresh by the browser on cached pages);
workshop pages, signed-in users and responses that set cookies are never cached."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import models
from django.test import Client
from wagtail.models import Page

from forms.workshops import services
from strategy_pages import caching
from strategy_pages.models import StrategyPage

from .conftest import count_queries


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.FRAGMENT_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fragment_cache_only(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 3600
    cache.clear()
    yield
    cache.clear()


def places_text(html):
    return re.findall(r'class="status-badge[^"]*">([^<]+)<', html)


# Not "page": that name is pytest-playwright's browser-page fixture, and a test that names it is
# parametrized over the browsers (and grouped with the browser tests).
@pytest.mark.parametrize("page_name", ["home", "news_index", "news", "strategy"])
def test_second_anonymous_view_is_served_from_the_cache_without_queries(site_pages, page_cache, page_name):
    url = site_pages[page_name].url
    _, first = count_queries(url)
    queries, second = count_queries(url)
    assert queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_cached_response_keeps_security_headers(site_pages, page_cache):
    url = site_pages["news"].url
    first = Client().get(url)
    second = Client().get(url)
    for header in ("X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"):
        assert second.get(header) == first.get(header)


def test_publishing_invalidates_every_cached_page(site_pages, page_cache, django_capture_on_commit_callbacks):
    news, index = site_pages["news"], site_pages["news_index"]
    count_queries(news.url), count_queries(index.url), count_queries(site_pages["home"].url)
    news.title = "Nowy tytuł po publikacji"
    with django_capture_on_commit_callbacks(execute=True):
        news.save_revision().publish()
    for url in (news.url, index.url, site_pages["home"].url):
        queries, response = count_queries(url)
        assert queries > 0, url
        assert "Nowy tytuł po publikacji" in response.content.decode(), url


def test_unpublishing_invalidates(site_pages, page_cache):
    news, index = site_pages["news"], site_pages["news_index"]
    assert news.title in count_queries(index.url)[1].content.decode()
    assert Client().get(news.url).status_code == 200
    news.unpublish()
    assert Client().get(news.url).status_code == 404
    assert news.title not in Client().get(index.url).content.decode()


def test_moving_a_page_invalidates(site_pages, page_cache):
    strategy, home = site_pages["strategy"], site_pages["home"]
    child = StrategyPage(title="Podstrona strategii", slug="podstrona", show_in_menus=True)
    strategy.add_child(instance=child)
    child.save_revision().publish()
    old_url = child.url
    assert Client().get(old_url).status_code == 200
    assert "Podstrona strategii" not in Client().get(home.url).content.decode()  # not in the main menu yet
    child.move(home, pos="last-child")
    child.refresh_from_db()
    moved = Client().get(old_url)  # Wagtail leaves a redirect to the new address, or nothing
    assert moved.status_code == 404 or (moved.status_code == 301 and moved["Location"].endswith(child.url))
    assert Client().get(child.url).status_code == 200
    assert "Podstrona strategii" in Client().get(home.url).content.decode()


def test_saving_site_settings_invalidates(site_pages, page_cache):
    from wagtail.models import Site

    from strategy_pages.models import SiteSettings

    url = site_pages["strategy"].url
    Client().get(url)
    settings_row = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings_row.municipality_name = "Urząd Gminy Nowa Nazwa"
    settings_row.save()
    assert "Urząd Gminy Nowa Nazwa" in Client().get(url).content.decode()


def test_workshop_pages_are_never_cached_and_show_current_places(site_pages, page_cache):
    workshop = site_pages["workshop"]
    session = workshop.sessions.get()
    first_queries, first = count_queries(workshop.url)
    services.register(workshop, sessions=[session], full_name="Ala", email="ala@example.org")
    queries, second = count_queries(workshop.url)
    assert queries > 0
    assert places_text(first.content.decode()) != places_text(second.content.decode())
    assert "2 z 3" in " ".join(places_text(second.content.decode())) or "2 of 3" in second.content.decode()


def test_cached_home_loads_places_from_an_uncached_fragment(site_pages, page_cache):
    workshop, home = site_pages["workshop"], site_pages["home"]
    session = workshop.sessions.get()
    Client().get(home.url)
    cached = Client().get(home.url).content.decode()
    assert "data-live-fragment" in cached
    assert places_text(cached) == []  # no places in the cached HTML: they could go stale
    fragment_url = re.search(r'data-live-fragment="([^"]+)"', cached).group(1).replace("&amp;", "&")

    def fragment():
        response = Client().get(fragment_url, HTTP_X_LIVE_FRAGMENT="1")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        return places_text(response.content.decode())

    before = fragment()
    services.register(workshop, sessions=[session], full_name="Ala", email="ala@example.org")
    after = fragment()
    assert before and after and before != after
    # Without JavaScript, the placeholder's link opens the same fresh list as a whole page.
    page = Client().get(fragment_url)
    assert "<html" in page.content.decode() and places_text(page.content.decode()) == after


def test_fragment_cache_renders_places_fresh_on_every_request(site_pages, fragment_cache_only):
    workshop, home, news = site_pages["workshop"], site_pages["home"], site_pages["news"]
    session = workshop.sessions.get()
    before = {url: places_text(Client().get(url).content.decode()) for url in (home.url, news.url)}
    services.register(workshop, sessions=[session], full_name="Ala", email="ala@example.org")
    after = {url: places_text(Client().get(url).content.decode()) for url in (home.url, news.url)}
    for url in (home.url, news.url):
        assert before[url] and after[url] and before[url] != after[url], url
        assert "data-live-fragment" not in Client().get(url).content.decode()


def test_signed_in_users_and_unknown_parameters_bypass_the_page_cache(site_pages, page_cache):
    url = site_pages["strategy"].url
    count_queries(url)
    user = get_user_model().objects.create_superuser("redaktor", "r@example.org", "haslo-testowe-123")
    client = Client()
    client.force_login(user)
    _, response = count_queries(url, client)
    assert [template.name for template in response.templates][:1] == ["strategy_pages/strategy_page.html"]
    # Rendered (the fragment cache may answer every query of it), not answered by the page cache.
    _, response = count_queries(url + "?utm_source=newsletter")
    assert [template.name for template in response.templates][:1] == ["strategy_pages/strategy_page.html"]


def test_responses_that_set_cookies_are_not_stored(site_pages, page_cache, rf):
    from django.http import HttpResponse

    request = rf.get(site_pages["strategy"].url)
    request._wagtail_route_for_request = (site_pages["strategy"], (), {})
    response = HttpResponse("x")
    assert caching._may_store(request, response)
    response.set_cookie("csrftoken", "abc")
    assert not caching._may_store(request, response)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not caching._may_store(request, HttpResponse("x"))


def test_generation_survives_a_lost_row(db, page_cache):
    from strategy_pages.models import CacheGeneration

    first = caching.current_generation()
    caching.invalidate()
    assert caching.current_generation() > first
    second = caching.current_generation()
    time.sleep(0.01)
    CacheGeneration.objects.all().delete()  # a flushed table: restarts from the clock, never from an old number
    caching.forget_local_state()
    assert caching.current_generation() > second


def test_a_change_made_by_another_process_reaches_this_one(site_pages, page_cache, settings):
    """The generation is read from the database: a publication in another process (here: rows changed
    without this process's signals) is seen here once ``PAGE_CACHE_LOCAL_SECONDS`` have passed."""
    from strategy_pages.models import CacheGeneration

    strategy = site_pages["strategy"]
    assert "O strategii" in Client().get(strategy.url).content.decode()
    Page.objects.filter(pk=strategy.pk).update(title="Nowy tytuł strategii")
    # Still within this process's reuse period: the cached page.
    assert "O strategii" in Client().get(strategy.url).content.decode()
    CacheGeneration.objects.filter(pk=1).update(value=models.F("value") + 1)  # the other process's commit
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    assert "Nowy tytuł strategii" in Client().get(strategy.url).content.decode()


def csrf_value(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_workshop_content_is_reused_with_fresh_places_and_each_visitors_own_token(site_pages, fragment_cache_only):
    from forms.models import Registration

    workshop = site_pages["workshop"]
    session = workshop.sessions.get()
    first_visitor = Client(enforce_csrf_checks=True)
    first = first_visitor.get(workshop.url)
    services.register(workshop, sessions=[session], full_name="Ala", email="ala@example.org")
    second_visitor = Client(enforce_csrf_checks=True)
    queries, second = count_queries(workshop.url, second_visitor)
    first_html, second_html = first.content.decode(), second.content.decode()
    # Reused: no query for the form builder's fields; the places are counted again.
    assert queries <= 3, queries
    assert places_text(first_html) != places_text(second_html)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert "strategia-live" not in second_html
    response = second_visitor.post(workshop.url, {
        "csrfmiddlewaretoken": csrf_value(second_html), "full_name": "Ola", "email": "ola@example.org",
        "sessions": [str(session.pk)], "consent": "on",
    })
    assert response.status_code == 303, response.content.decode()[:500]  # to the result page
    assert Registration.objects.filter(email="ola@example.org", session=session).exists()


def test_a_form_with_errors_is_never_reused_for_the_next_visitor(site_pages, fragment_cache_only):
    workshop = site_pages["workshop"]
    Client().get(workshop.url)
    rejected = Client().post(workshop.url, {"full_name": "Tajne Nazwisko", "email": "zly-adres"})
    assert rejected.status_code == 400 and "Tajne Nazwisko" in rejected.content.decode()
    following = Client().get(workshop.url).content.decode()
    assert "Tajne Nazwisko" not in following and "form-field--error" not in following


def test_workshop_content_follows_the_registration_window(site_pages, fragment_cache_only):
    from datetime import timedelta
    from unittest import mock

    workshop = site_pages["workshop"]
    assert 'name="full_name"' in Client().get(workshop.url).content.decode()
    # Time passes (no content change, so no new generation): the window closes.
    later = workshop.registration_closes_at + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        html = Client().get(workshop.url).content.decode()
    assert 'name="full_name"' not in html
    assert "Zapisy zakończyły się" in html or "Registration closed on" in html


def test_front_cache_header_only_on_responses_the_page_cache_keeps(site_pages, page_cache, settings):
    settings.EDGE_CACHE_SECONDS = 30
    news = Client().get(site_pages["news"].url)
    assert news["X-Accel-Expires"] == "30"
    assert Client().get(site_pages["news"].url)["X-Accel-Expires"] == "30"  # the copy from the cache too
    assert "X-Accel-Expires" not in Client().get(site_pages["workshop"].url)  # places must stay live
    settings.EDGE_CACHE_SECONDS = 0
    caching.clear()
    assert "X-Accel-Expires" not in Client().get(site_pages["news"].url)
