"""Issue 14, points 9–13, in the browser, each as its role (never a superuser), by clicking:

- a form administrator ("Administratorzy formularzy") creates a workshop page with three sessions typed
  in Polish ("17.01.2027 17:00"), gets an error for an unreadable time (what was typed stays), previews the
  workshop (sessions and places), publishes it, and walks the participation menu, snippets and settings;
- an editor ("Redaktorzy") writes a news article, previews it, schedules it (go-live typed in Polish),
  previews a workshop page, and walks the page explorer, the editor's panels and menus, images,
  documents, the search results and the reports;
- a working group's reviewer walks the screens of that role.

Every screen, menu and side panel on the way goes through ``assert_no_english``-style checks: the walk
collects all leftovers and fails once with the whole list, and saves a screenshot of each screen.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .helpers import log_in_as_member
from .polish import english_leftovers, screen_text

pytestmark = pytest.mark.browser

SESSIONS = [
    ("Sesja poranna", "17.01.2027 9:00", "17.01.2027 10:30", "20"),
    ("Sesja popołudniowa", "17.01.2027 17:00", "17.01.2027 18:45", "15"),
    ("Sesja wieczorna", "17.01.2027 19:15", "17.01.2027 20:30", "10"),
]


class Walk:
    """Saves a screenshot of each screen and collects its English leftovers (``tests/e2e/polish.py``)."""

    def __init__(self, page, screenshot_dir, role):
        self.page, self.screenshot_dir, self.role = page, screenshot_dir, role
        self.found = {}
        self.count = 0

    def check(self, name, selector="body"):
        self.count += 1
        # Not "networkidle": the editor keeps polling (editing sessions, preview).
        self.page.wait_for_load_state()
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(self.screenshot_dir / f"polish-{self.role}-{self.count:02d}-{name}.png"))
        leftovers = english_leftovers(screen_text(self.page, selector))
        if leftovers:
            self.found[f"{name} ({self.page.url})"] = leftovers

    def assert_polish(self):
        assert self.count, "nothing was checked"
        report = "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in self.found.items())
        assert not self.found, f"English or broken Polish on the screens of {self.role}:\n{report}"


def sidebar(page):
    return page.locator("#wagtail-sidebar")


def open_page_listing(page, walk, title):
    """The sidebar's "Strony", the tree below the home page, then ``title``'s listing of subpages."""
    sidebar(page).get_by_role("button", name="Strony").click()
    explorer = page.locator(".c-page-explorer")
    explorer.get_by_role("link", name=re.compile("^Wyświetl podstrony dla 'Strategia")).click()
    walk.check("page-explorer-menu")
    explorer.get_by_role("link", name=re.compile("^" + re.escape(title))).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    walk.check(f"listing-{title.split()[0].lower()}")


def open_side_panel(page, name):
    page.get_by_role("button", name=name).click()


def preview_frame(page):
    open_side_panel(page, "Przełącz podgląd")
    return page.frame_locator("#w-preview-iframe")


def more_actions(page):
    page.get_by_role("button", name="Więcej akcji").click()


def fill_session(page, number, title, starts, ends, capacity):
    child = page.locator("[data-inline-panel-child]").filter(has=page.get_by_role("heading", name=f"Sesja {number}"))
    child.get_by_role("textbox", name=re.compile("^Tytuł lub temat")).fill(title)
    child.get_by_role("textbox", name=re.compile("^Początek")).fill(starts)
    child.get_by_role("textbox", name=re.compile("^Koniec")).fill(ends)
    child.get_by_role("spinbutton", name=re.compile("^Liczba miejsc")).fill(capacity)
    # The date pickers close when the field loses focus; what was typed stays as typed.
    page.keyboard.press("Tab")
    return child


def test_form_administrator_creates_previews_and_publishes_a_workshop_typing_polish_dates(
    page, demo_site, screenshot_dir
):
    from forms.models import WorkshopPage

    log_in_as_member(page, demo_site, "administratorka", "Administratorzy formularzy")
    walk = Walk(page, screenshot_dir, "administrator-formularzy")
    walk.check("dashboard")
    open_page_listing(page, walk, "Ankiety")

    page.get_by_role("link", name="Dodaj stronę podrzędną").first.click()
    walk.check("page-type-choice")
    page.get_by_role("link", name="Strona warsztatów", exact=True).click()
    page.locator("#id_title").fill("Warsztaty o transporcie")
    page.get_by_role("textbox", name=re.compile("^Miejsce")).fill("Hala sportowa, ul. Sportowa 1")
    for number, session in enumerate(SESSIONS, start=1):
        if number > 1:
            page.get_by_role("button", name="Dodaj sesję").click()
        fill_session(page, number, *session)
    # The time of the last session mistyped: an error, and the field keeps the text.
    fill_session(page, 3, "Sesja wieczorna", "17.01.2027 19:75", "17.01.2027 20:30", "10")
    walk.check("new-workshop-filled")
    # The last field's date picker stays open over the save button until the field loses focus.
    page.locator("#id_title").click()
    page.get_by_role("button", name="Zapisz szkic").click()
    expect(page.get_by_text("Nie można utworzyć strony: formularz ma błędy.")).to_be_visible()
    last = page.locator("[data-inline-panel-child]").filter(has=page.get_by_role("heading", name="Sesja 3"))
    error = "Nie rozpoznano daty i godziny. Wpisz je w formacie DD.MM.RRRR GG:MM, np. 17.01.2027 17:00."
    expect(last.get_by_text(error)).to_be_visible()
    expect(last.get_by_role("textbox", name=re.compile("^Początek"))).to_have_value("17.01.2027 19:75")
    assert not WorkshopPage.objects.filter(title="Warsztaty o transporcie").exists()
    walk.check("unreadable-time-error")

    last.get_by_role("textbox", name=re.compile("^Początek")).fill("17.01.2027 19:15")
    page.keyboard.press("Tab")
    frame = preview_frame(page)
    summary = frame.locator(".session-summary")
    for title, _starts, _ends, capacity in SESSIONS:
        expect(summary.locator("li").filter(has_text=title)).to_contain_text(f"z {capacity} miejsc", timeout=20_000)
    expect(summary).to_contain_text("17 stycznia 2027, 17:00")
    walk.check("workshop-preview")
    open_side_panel(page, "Przełącz status")
    walk.check("status-panel")

    more_actions(page)
    walk.check("more-actions-menu")
    page.get_by_role("button", name="Opublikuj").click()
    expect(page.locator(".messages")).to_contain_text("Warsztaty o transporcie")
    walk.check("published")
    workshop = WorkshopPage.objects.get(title="Warsztaty o transporcie")
    assert workshop.live
    starts = sorted(timezone.localtime(s.starts_at).strftime("%d.%m.%Y %H:%M") for s in workshop.sessions.all())
    assert starts == ["17.01.2027 09:00", "17.01.2027 17:00", "17.01.2027 19:15"]

    # The rest of the role's screens: the participation menu, snippets, settings, images.
    sidebar(page).get_by_role("button", name="Partycypacja").click()
    walk.check("participation-menu")
    menu_items = [name.strip() for name in sidebar(page).locator("[role=menu] a, .sidebar-sub-menu-panel a")
                  .all_inner_texts() if name.strip()]
    assert menu_items, "the participation menu lists nothing"
    for name in menu_items:
        link = sidebar(page).get_by_role("link", name=name, exact=True)
        if not link.is_visible():
            sidebar(page).get_by_role("button", name="Partycypacja").click()
        link.click()
        walk.check("participation-" + re.sub(r"\W+", "-", name.lower()).strip("-"))
    sidebar(page).get_by_role("link", name="Snippety").click()
    walk.check("snippets")
    sidebar(page).get_by_role("button", name="Ustawienia").click()
    walk.check("settings-menu")
    sidebar(page).get_by_role("link").filter(has_text="Wnioski dotyczące danych osobowych").first.click()
    walk.check("personal-data-requests")
    walk.assert_polish()


def test_editor_writes_previews_and_schedules_an_article_and_previews_a_workshop(page, demo_site, screenshot_dir):
    from strategy_pages.models import NewsPage

    title = "Zaproszenie na spotkanie o transporcie"
    log_in_as_member(page, demo_site, "redaktorka", "Redaktorzy")
    walk = Walk(page, screenshot_dir, "redaktor")
    walk.check("dashboard")
    open_page_listing(page, walk, "Aktualności")

    page.get_by_role("link", name="Dodaj stronę podrzędną").first.click()
    if page.get_by_role("link", name="Aktualność", exact=True).count():
        page.get_by_role("link", name="Aktualność", exact=True).click()
    page.locator("#id_title").fill(title)
    page.get_by_role("textbox", name=re.compile("^Lead")).fill("Zapraszamy mieszkańców na spotkanie o komunikacji.")
    walk.check("new-article")
    expect(preview_frame(page).get_by_role("heading", level=1)).to_have_text(title, timeout=20_000)
    walk.check("article-preview")

    # Scheduled publishing: the status panel's schedule, go-live typed in Polish.
    open_side_panel(page, "Przełącz status")
    page.get_by_role("button", name="Ustaw plan").click()
    dialog = page.get_by_role("dialog")
    walk.check("schedule-dialog")
    dialog.get_by_role("textbox").first.fill("17.01.2030 17:15")
    # The date picker may stay open over the button: save from the keyboard, as many editors do.
    dialog.get_by_role("button", name="Zapisz plan").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(title)
    walk.check("saved-with-schedule")
    open_side_panel(page, "Przełącz status")
    walk.check("status-with-schedule")
    more_actions(page)
    walk.check("more-actions-menu")
    page.get_by_role("button", name="Zaplanuj publikację").click()
    expect(page.locator(".messages")).to_contain_text("została zaplanowana do publikacji")
    walk.check("scheduled")
    article = NewsPage.objects.get(title=title)
    go_live = article.get_latest_revision().approved_go_live_at
    assert timezone.localtime(go_live).replace(tzinfo=None) == datetime.datetime(2030, 1, 17, 17, 15)
    assert not article.live

    # A workshop page: the editor previews it (sessions and places) without editing its sessions.
    open_page_listing(page, walk, "Ankiety")
    page.get_by_role("link", name=re.compile("^Warsztaty diagnostyczne")).first.click()
    walk.check("workshop-editor")
    summary = preview_frame(page).locator(".session-summary")
    places = re.compile(r"zosta(ło|ły) \d+ z \d+ miejsc|Brak wolnych miejsc")
    expect(summary.locator("li").first).to_contain_text(places, timeout=20_000)
    walk.check("workshop-preview")
    open_side_panel(page, "Pokaż lub ukryj sprawdzenie treści")
    walk.check("checks-panel")
    open_side_panel(page, "Przełącz komentarze")
    walk.check("comments-panel")

    # Images, documents, the search results (with their pages) and the reports.
    sidebar(page).get_by_role("link", name="Obrazy").click()
    walk.check("images")
    sidebar(page).get_by_role("link", name="Dokumenty").click()
    walk.check("documents")
    sidebar(page).get_by_role("button", name="Szukaj").click()
    page.keyboard.type("a")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Szukaj")
    walk.check("search-results")
    sidebar(page).get_by_role("button", name="Raporty").click()
    walk.check("reports-menu")
    sidebar(page).get_by_role("link", name="Zablokowane strony").click()
    walk.check("locked-pages")
    walk.assert_polish()


def test_reviewer_walks_the_screens_of_the_role(page, demo_site, screenshot_dir):
    from forms.models import WorkingGroup

    group = WorkingGroup.objects.filter(reviewers__isnull=False).first()
    reviewer = log_in_as_member(page, demo_site, "recenzentka", "Recenzenci grup roboczych")
    reviewer.groups.add(group.reviewers)  # the reviewers of one working group, as the demo's "recenzent"
    page.reload()
    walk = Walk(page, screenshot_dir, "recenzent")
    walk.check("dashboard")
    sidebar(page).get_by_role("button", name="Partycypacja").click()
    walk.check("participation-menu")
    sidebar(page).get_by_role("link").filter(has_text=re.compile("Zgłoszenia do konsultacji")).first.click()
    walk.check("submissions")
    page.locator("main table a").first.click()
    walk.check("submission")
    walk.assert_polish()
