"""Issue 15 points 1 and 6 in the browser, as a form administrator ("Administratorzy formularzy"), by
clicking through the Polish admin: move a session (a draft shows how many people will be told, then
publish: each gets a change notice with METHOD:REQUEST), show the public counts, then cancel a session
with a reason (METHOD:CANCEL). The resident's workshop page shows the counts, no names, at 360 px with
no axe-core violations."""

import re
from datetime import datetime, timedelta

import icalendar
from django.core import mail
from playwright.sync_api import expect

from .helpers import MOBILE, assert_mobile_friendly, assert_no_axe_violations, log_in_as_member, publish_in_editor
from .polish import assert_no_english

REASON = "Prowadząca zachorowała; nowy termin podamy na stronie."


def calendar_method(message):
    (attachment,) = [a for a in message.attachments if "text/calendar" in a.get_content_type()]
    return str(icalendar.Calendar.from_ical(attachment.get_payload(decode=True))["METHOD"])


def open_workshops_overview(page):
    """Menu "Zgłoszenia na warsztaty", then "Warsztaty i sesje" in the header's "Działania" menu."""
    page.get_by_role("link", name="Zgłoszenia na warsztaty").click()
    page.locator("#w-slim-header-buttons").get_by_role("button", name="Działania").click()
    page.get_by_role("link", name="Warsztaty i sesje").click()


def test_form_administrator_moves_and_cancels_sessions_and_residents_see_counts(
    page, other_page, demo_site, workshop, screenshot_dir
):
    from forms.workshops import services

    first, second = workshop.sessions.order_by("sort_order")[:2]
    for index in range(2):
        services.register(workshop, sessions=[first], full_name=f"Mieszkanka {index}", email=f"m{index}@example.org")
    services.register(workshop, sessions=[second], full_name="Mieszkaniec Drugi", email="drugi@example.org")
    mail.outbox.clear()

    log_in_as_member(page, demo_site, "koordynatorka", "Administratorzy formularzy")
    open_workshops_overview(page)
    assert_no_english(page)
    page.get_by_role("link", name="Zmień terminy i miejsce (edycja strony)").click()

    # Move the first session one hour later, save a draft: the editor says who will be told (counts).
    session_panel = page.get_by_role("region", name="Sesja 1")
    start_field = session_panel.get_by_role("textbox", name=re.compile("^Początek"))
    end_field = session_panel.get_by_role("textbox", name=re.compile("^Koniec"))
    new_start = datetime.strptime(start_field.input_value(), "%d.%m.%Y %H:%M") + timedelta(hours=1)
    new_end = datetime.strptime(end_field.input_value(), "%d.%m.%Y %H:%M") + timedelta(hours=1)
    end_field.fill(new_end.strftime("%d.%m.%Y %H:%M"))
    start_field.fill(new_start.strftime("%d.%m.%Y %H:%M"))
    page.get_by_role("checkbox", name=re.compile("pokazuj, ile miejsc jest zajętych", re.IGNORECASE)).check()
    page.get_by_role("button", name="Zapisz szkic").click()
    warning = page.locator("[data-session-changes]")
    expect(warning).to_contain_text(f"{first.title}: 2 osoby dostaną wiadomość z dawnym i nowym terminem")
    expect(warning).not_to_contain_text("Mieszkanka")
    warning.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / "session-change-draft-1280.png"), full_page=False)
    # Wagtail's own editor keeps some English ("Actions", "Toggle checks"): this feature's panel has none.
    assert_no_english(page, selector="[data-session-changes]")
    assert mail.outbox == []

    publish_in_editor(page)
    expect(page.get_by_role("status")).to_contain_text("opublikowana")
    notices = [m for m in mail.outbox if m.subject.startswith("Zmiana:")]
    assert sorted(m.to[0] for m in notices) == ["m0@example.org", "m1@example.org"]
    assert {calendar_method(m) for m in notices} == {"REQUEST"}
    assert f"jest {new_start:%H:%M}" in notices[0].body

    # The resident sees the counts, never names, on a phone.
    resident = other_page
    resident.set_viewport_size(MOBILE)
    resident.goto(demo_site.url(workshop))
    counts = resident.locator(".session-summary li").filter(has_text=first.title).locator(".session-counts")
    expect(counts).to_have_text(re.compile(r"Zajęte miejsca: 2 z \d+\. Lista oczekujących: 0 osób\."))
    expect(resident.locator("body")).not_to_contain_text("Mieszkanka")
    assert_no_axe_violations(resident, label="workshop page with public counts")
    assert_mobile_friendly(resident)
    resident.screenshot(path=str(screenshot_dir / "workshop-public-counts-360.png"), full_page=True)

    # Cancel the second session with a reason, from the overview.
    mail.outbox.clear()
    open_workshops_overview(page)
    row = page.get_by_role("row").filter(has_text=second.title)
    row.get_by_role("link", name="Odwołaj sesję").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Odwołaj sesję")
    expect(page.locator("main")).to_contain_text("1 osoba dostanie wiadomość z podanym powodem")
    page.get_by_role("button", name="Odwołaj sesję i powiadom").click()  # no reason yet
    expect(page.locator("main")).to_contain_text("Podaj powód: trafi do wszystkich zapisanych.")
    assert_no_english(page)
    page.get_by_role("textbox", name=re.compile("^Powód")).fill(REASON)
    page.screenshot(path=str(screenshot_dir / "session-cancel-1280.png"), full_page=True)
    page.get_by_role("button", name="Odwołaj sesję i powiadom").click()
    expect(page.get_by_text(re.compile("została odwołana; powiadomione osoby: 1"))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=second.title)).to_contain_text("odwołana")
    assert_no_english(page)
    page.screenshot(path=str(screenshot_dir / "workshops-overview-cancelled-1280.png"), full_page=True)
    (cancel_mail,) = mail.outbox
    assert cancel_mail.to == ["drugi@example.org"] and REASON in cancel_mail.body
    assert calendar_method(cancel_mail) == "CANCEL"
