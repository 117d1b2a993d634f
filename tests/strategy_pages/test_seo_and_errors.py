import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemap_lists_published_pages(client, news_article, strategy_page):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]  # noqa: S314 - our own response
    assert any(location.endswith(news_article.url) for location in locations)
    assert any(location.endswith(strategy_page.url) for location in locations)


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_404_page_is_polish(client, home):
    response = client.get("/nie-ma-takiej-strony/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert "Nie znaleziono strony" in html
    assert 'href="/szukaj/"' in html


def test_500_page_is_static_polish_text(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert '<html lang="pl">' in html
    assert "Błąd serwera" in html


def test_search_is_noindex_and_not_disallowed_so_crawlers_see_the_noindex(client, home):
    """Issue 16, point 8: a Disallow would hide the noindex from crawlers (they would index the bare URL)."""
    robots = client.get("/robots.txt").content.decode()
    disallowed = [line.split(":", 1)[1].strip() for line in robots.splitlines() if line.startswith("Disallow:")]
    assert not any("/szukaj/".startswith(path) for path in disallowed if path), disallowed
    assert "/admin/" in disallowed  # the admin stays disallowed
    html = client.get("/szukaj/", {"q": "warsztaty"}).content.decode()
    assert '<meta name="robots" content="noindex">' in html
