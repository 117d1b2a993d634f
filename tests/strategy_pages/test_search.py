import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_search_finds_news_by_a_word_from_its_body(client, news_article, strategy_page):
    assert reverse("search") == "/szukaj/"
    response = client.get(reverse("search"), {"q": "interesariuszami"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 wynik dla „interesariuszami”" in html
    results = html.split('class="search-results"', 1)[1].split("</ol>", 1)[0]
    assert f'href="{news_article.url}"' in results
    assert strategy_page.title not in results


def test_search_without_results_and_without_query(client, news_article):
    html = client.get(reverse("search"), {"q": "zzzyxw"}).content.decode()
    assert "0 wyników dla „zzzyxw”" in html
    assert news_article.title not in html
    empty = client.get(reverse("search"))
    assert empty.status_code == 200
    assert 'class="search-results"' not in empty.content.decode()


def test_search_leaves_out_unpublished_pages(client, news_article):
    news_article.unpublish()
    html = client.get(reverse("search"), {"q": "interesariuszami"}).content.decode()
    assert f'href="{news_article.url}"' not in html
