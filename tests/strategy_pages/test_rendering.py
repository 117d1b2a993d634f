import re

import pytest
from wagtail.models import Site

from strategy_pages.models import SiteSettings

from .conftest import make_news

pytestmark = pytest.mark.django_db


def html_of(client, page, **params):
    response = client.get(page.url, params)
    assert response.status_code == 200
    return response.content.decode()


def assert_common_head(html, title):
    assert '<html lang="pl">' in html
    assert f'<meta property="og:title" content="{title}">' in html
    assert '<meta property="og:locale" content="pl_PL">' in html
    assert re.search(r'<meta property="og:url" content="http://[^"]+/">', html)
    assert re.search(r'<link rel="canonical" href="http://[^"]+">', html)
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html


def test_home_page_renders_intro_menu_and_latest_news(client, home, news_article, strategy_page):
    html = html_of(client, home)
    assert_common_head(html, home.title)
    assert "Wstęp strony głównej." in html
    assert 'aria-label="Menu główne"' in html
    # Menu items are the site root's children with show_in_menus.
    assert f'href="{strategy_page.url}"' in html
    assert "Najnowsze aktualności" in html
    assert news_article.title in html
    assert '<meta property="og:type" content="website">' in html


def test_news_page_renders_fields_and_article_og_tags(client, news_article):
    html = html_of(client, news_article)
    assert_common_head(html, news_article.title)
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="description" content="Trwają prace nad strategią.">' in html
    assert re.search(r'<meta property="og:image" content="http://[^"]+\.jpg">', html)
    assert '<time datetime="2025-01-08">8 stycznia 2025</time>' in html
    assert "Warsztaty dla mieszkańców</h2>" in html
    assert "<blockquote><p>Razem zaplanujmy przyszłość.</p></blockquote>" in html
    assert "fot. Freepik.com" in html
    assert 'href="https://www.konstancinjeziorna.pl/news/burmistrz-zaprasza"' in html
    assert "?tag=warsztaty" in html
    # A responsive <picture> of renditions with the editor's alt text, never the original upload.
    assert "<picture>" in html and 'type="image/avif"' in html
    assert 'alt="Osoby przy stole podczas warsztatów"' in html
    assert "original_images" not in html


def test_news_page_breadcrumbs_mark_the_current_page(client, news_index, news_article):
    html = html_of(client, news_article)
    breadcrumbs = html.split('aria-label="Ścieżka nawigacji"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{news_index.url}"' in breadcrumbs
    assert f'href="{news_article.url}" aria-current="page"' in breadcrumbs


def test_latest_news_leaves_out_the_current_page(client, news_index, news_article):
    other = make_news(news_index, "Meteo alert pierwszego stopnia: Burze", news_article.date)
    html = html_of(client, news_article)
    sidebar = html.split('<aside class="sidebar"', 1)[1]
    assert other.title in sidebar
    assert news_article.title not in sidebar


def test_news_page_call_to_action_links_the_chosen_page(client, news_article, strategy_page):
    news_article.action_page = strategy_page
    news_article.action_label = "Zapisz się na warsztaty"
    news_article.save_revision().publish()
    html = html_of(client, news_article)
    assert f'<a class="button button--large" href="{strategy_page.url}">Zapisz się na warsztaty</a>' in html


def test_strategy_page_renders_schedule_and_contact(client, strategy_page):
    html = html_of(client, strategy_page)
    assert_common_head(html, strategy_page.title)
    assert "Nowa strategia będzie opracowywana we współpracy z mieszkańcami." in html
    assert "<h2>Harmonogram</h2>" in html
    assert '<span class="status-badge status-badge--done">Zakończony</span>' in html
    assert '<span class="status-badge status-badge--planned">Planowany</span>' in html


def test_strategy_page_hides_the_email_address_but_links_phone_numbers(client, strategy_page):
    html = html_of(client, strategy_page)
    assert "strategia@konstancinjeziorna.pl" not in html
    assert "mailto:" not in html
    assert "strategia [małpa] konstancinjeziorna [kropka] pl" in html
    assert 'href="tel:+48224842390"' in html
    assert 'href="tel:+48224842392"' in html


def test_footer_shows_site_settings(client, home, strategy_page):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.email = "kontakt@example.org"
    settings.privacy_page = strategy_page
    settings.save()
    html = html_of(client, home)
    footer = html.split('<footer class="site-footer">', 1)[1]
    assert "Urząd Miasta i Gminy Konstancin-Jeziorna" in footer
    assert "ul. Piaseczyńska 77<br>05-520 Konstancin-Jeziorna" in footer
    assert 'href="tel:+48224842300"' in footer
    assert "kontakt@example.org" not in footer
    assert f'href="{strategy_page.url}"' in footer
