import datetime

import pytest

from .conftest import make_news

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve_news(news_index):
    start = datetime.date(2025, 1, 1)
    return [
        make_news(
            news_index, f"Wiadomość {day:02d}", start + datetime.timedelta(days=day - 1), tags=["nr-" + str(day % 2)]
        )
        for day in range(1, 13)
    ]


def test_news_index_lists_newest_first_ten_per_page(client, news_index, twelve_news):
    response = client.get(news_index.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Wiadomość 12") < html.index("Wiadomość 11") < html.index("Wiadomość 03")
    assert "Wiadomość 02" not in html
    assert 'aria-label="Stronicowanie"' in html
    assert 'href="?page=2" rel="next"' in html

    page_two = client.get(news_index.url, {"page": 2}).content.decode()
    assert "Wiadomość 02" in page_two and "Wiadomość 01" in page_two
    assert "Wiadomość 03" not in page_two
    assert 'aria-current="page"><span class="visually-hidden">Strona </span>2</a>' in page_two


def test_news_index_filters_by_tag_and_lists_tags(client, news_index, twelve_news):
    html = client.get(news_index.url, {"tag": "nr-0"}).content.decode()
    assert "Wiadomość 12" in html and "Wiadomość 02" in html
    assert "Wiadomość 11" not in html
    assert '?tag=nr-1"' in html  # the tag list offers the other tag
    assert 'href="?tag=nr-0&amp;page=' not in html  # six items fit on one page


def test_unknown_tag_is_not_found(client, news_index):
    assert client.get(news_index.url, {"tag": "nie-ma-takiego"}).status_code == 404


def test_unpublished_news_is_not_listed(client, news_index, news_article):
    news_article.unpublish()
    html = client.get(news_index.url).content.decode()
    assert news_article.title not in html
    assert "Nie ma jeszcze aktualności." in html
