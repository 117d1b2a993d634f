"""An editor's change reaches a resident reading cached pages at once: the news index and a news
article, kept in the page cache for anonymous visitors, show the article's new title as soon as the
editor publishes it in the admin (another browser, another person)."""

import re

from playwright.sync_api import expect

from .helpers import log_in_to_admin, publish_in_editor, textbox

NEW_TITLE = "Warsztaty diagnostyczne: burmistrz zaprasza mieszkańców wszystkich sołectw"


def test_published_title_reaches_a_resident_reading_cached_pages(page, other_page, demo_site):
    from strategy_pages.models import NewsPage

    resident, editor = page, other_page
    article = demo_site.pages["news_article"]
    old_title = article.title
    index_url, article_url = demo_site.url(demo_site.pages["news_index"]), demo_site.url(article)

    # 1. The resident reads the news index and the article: both go into the page cache.
    resident.goto(index_url)
    expect(resident.locator(".news-card").get_by_role("link", name=old_title, exact=True)).to_be_visible()
    resident.goto(article_url)
    expect(resident.get_by_role("heading", level=1)).to_have_text(old_title)

    # They are served from there: a title written past Wagtail (no publication, so no new cache
    # generation) does not show. Without the caches this test would prove nothing.
    NewsPage.objects.filter(pk=article.pk).update(title="Tytuł zapisany z pominięciem publikacji")
    resident.reload()
    expect(resident.get_by_role("heading", level=1)).to_have_text(old_title)
    resident.goto(index_url)
    expect(resident.locator(".news-card").get_by_role("link", name=old_title, exact=True)).to_be_visible()
    NewsPage.objects.filter(pk=article.pk).update(title=old_title)

    # 2. An editor changes the article's title in the admin and publishes it.
    log_in_to_admin(editor, demo_site, "redaktor-aktualnosci")
    editor.goto(demo_site.url(f"/admin/pages/{article.pk}/edit/"))
    expect(textbox(editor, "Tytuł")).to_have_value(old_title)
    textbox(editor, "Tytuł").fill(NEW_TITLE)
    publish_in_editor(editor)
    expect(editor.get_by_role("status")).to_contain_text(re.compile(f"{re.escape(NEW_TITLE)}.*opublikowana"))

    # 3. The resident reloads the news index and the article: the new title, the old one nowhere.
    resident.reload()
    card_link = resident.locator(".news-card").get_by_role("link", name=NEW_TITLE, exact=True)
    expect(card_link).to_be_visible()
    expect(resident.get_by_role("link", name=old_title, exact=True)).to_have_count(0)
    resident.goto(article_url)
    expect(resident.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(resident).to_have_title(re.compile(re.escape(NEW_TITLE)))
