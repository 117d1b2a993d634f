import datetime
import xml.etree.ElementTree as ET

import pytest

from .conftest import make_news

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def three_news(news_index):
    make_news(news_index, "Starsza", datetime.date(2024, 5, 17))
    make_news(news_index, "Najnowsza", datetime.date(2025, 1, 8), tags=["warsztaty"])
    make_news(news_index, "Środkowa", datetime.date(2024, 5, 18))


def test_rss_feed_is_valid_xml_newest_first(client, news_index, three_news):
    response = client.get(news_index.url + "feed/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314 - our own response
    assert channel.findtext("title") == "Aktualności"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Najnowsza", "Środkowa", "Starsza"]
    assert items[0].findtext("link").endswith("/aktualnosci/najnowsza/")
    assert items[0].findtext("category") == "warsztaty"
    assert "08 Jan 2025" in items[0].findtext("pubDate")


def test_atom_feed_is_valid_xml_newest_first(client, news_index, three_news):
    response = client.get(news_index.url + "feed/atom/")
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert feed.tag == f"{ATOM}feed"
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert titles == ["Najnowsza", "Środkowa", "Starsza"]


def test_pages_link_the_feeds_in_head(client, home, news_index):
    html = client.get(home.url).content.decode()
    head = html.split("</head>", 1)[0]
    assert f'type="application/rss+xml" title="Aktualności (RSS)" href="{news_index.url}feed/rss/"' in head
    assert f'type="application/atom+xml" title="Aktualności (Atom)" href="{news_index.url}feed/atom/"' in head


# Issue 16, point 3: read by a feed parser (feedparser), as feed readers do.


def test_atom_feed_names_its_author(client, news_index, three_news):
    import feedparser

    feed = feedparser.parse(client.get(news_index.url + "feed/atom/").content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.author_detail.name == "Urząd Miasta i Gminy Konstancin-Jeziorna"  # the site settings' default
    assert feed.feed.author_detail.href.startswith("http")


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_plain_text_lead_reaches_feed_readers_as_text(client, news_index, kind):
    import html

    import feedparser

    lead = '"><img src=x onerror=alert(1)> & <b>nie pogrubione</b>'
    make_news(news_index, "Zaczepka", datetime.date(2025, 2, 1), intro=lead)
    feed = feedparser.parse(client.get(news_index.url + f"feed/{kind}/").content)
    assert not feed.bozo, feed.bozo_exception
    (entry,) = feed.entries
    # feedparser hands the summary on as HTML: it must hold no element, and unescaped it is the lead.
    assert "<img" not in entry.summary and "<b>" not in entry.summary
    assert html.unescape(entry.summary) == lead
