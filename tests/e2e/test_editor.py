"""An editor uses the Polish Wagtail admin: uploads an image, writes a news article, is stopped
until the image has an alternative text, publishes, and a resident who had the news index open (kept
in the page cache) finds the article on it."""

import io
import re

from PIL import Image as PILImage
from playwright.sync_api import expect

from strategy_pages.models import NewsPage

from .helpers import log_in_to_admin, publish_in_editor, textbox

TITLE = "Warsztaty przyszłości: podsumowanie spotkania"
IMAGE_TITLE = "Uczestnicy warsztatów przy stole"
ALT_TEXT = "Kilkanaście osób przy długim stole pochylonych nad mapą gminy."


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 450), "#2f855a").save(buffer, "PNG")
    return buffer.getvalue()


def test_editor_publishes_a_news_article_with_an_image(page, other_page, demo_site):
    news_index = demo_site.pages["news_index"]
    # A resident, at another computer, reads the news index: it goes into the page cache.
    resident = other_page
    resident.goto(demo_site.url(news_index))
    expect(resident.locator(".news-card").first).to_be_visible()
    expect(resident.get_by_role("link", name=TITLE)).to_have_count(0)

    log_in_to_admin(page, demo_site, "redaktorka")

    # 1. The image goes into Wagtail's image library.
    page.goto(demo_site.url("/admin/images/add/"))
    page.get_by_label("Plik").set_input_files(
        files=[{"name": "warsztaty.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.get_by_label("Tytuł").fill(IMAGE_TITLE)
    page.locator("main form").get_by_role("button", name=re.compile("Prześlij|Zapisz")).click()
    expect(page.get_by_text(IMAGE_TITLE).first).to_be_visible()

    # 2. A new news article under the news index, with that image but no alternative text yet.
    page.goto(demo_site.url(f"/admin/pages/add/strategy_pages/newspage/{news_index.pk}/"))
    textbox(page, "Tytuł").fill(TITLE)
    textbox(page, "Lead (wstęp)").fill("Mieszkańcy rozmawiali o przyszłości gminy. Oto najważniejsze wnioski.")
    page.get_by_role("button", name="Wybierz obraz").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("link", name=IMAGE_TITLE).click()
    expect(chooser).to_be_hidden()
    expect(page.locator("[data-contentpath=image]").get_by_text(IMAGE_TITLE)).to_be_visible()

    publish_in_editor(page)
    alt_field = textbox(page, "Tekst alternatywny zdjęcia")
    expect(page.get_by_text("Wpisz tekst alternatywny opisujący zdjęcie.")).to_be_visible()
    assert not NewsPage.objects.filter(title=TITLE).exists()

    # 3. With the alternative text the article is published.
    alt_field.fill(ALT_TEXT)
    publish_in_editor(page)
    expect(page.get_by_role("status")).to_contain_text(re.compile(f"{re.escape(TITLE)}.*opublikowana"))

    # 4. The resident reloads the news index: the article comes first, with the image and its
    # alternative text (the publication made the cached page stale).
    resident.reload()
    first_card = resident.locator(".news-card").first
    expect(first_card.get_by_role("link", name=TITLE)).to_be_visible()
    expect(first_card.get_by_role("img", name=ALT_TEXT)).to_be_visible()
    first_card.get_by_role("link", name=TITLE).click()
    expect(resident.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(resident.get_by_role("img", name=ALT_TEXT)).to_be_visible()
