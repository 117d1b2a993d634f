"""Issue 15.2 and 14.14 in a real browser, as a resident on a 360 px phone: register for three sessions,
land on the result page by a redirect, reload it (no error, nothing sent again), open "Moje zgłoszenie"
from the link in the one confirmation mail, cancel one session, download the calendar file."""

import re
from pathlib import Path

import icalendar
from playwright.sync_api import expect

from .helpers import MOBILE, assert_mobile_friendly, assert_no_axe_violations
from .polish import assert_no_english
from .test_registration import (
    fill_registration,
    outcome_of,
    submit,
)

RESIDENT = {"full_name": "Zofia Mobilna", "email": "zofia.mobilna@example.org"}
SESSIONS = ("Obszar społeczny", "Obszar gospodarczy", "Obszar środowiskowo-przestrzenny")
MANAGE_LINK = re.compile(r"https?://[^\s\"'<>]+/rejestracja/zgloszenie/[^\s\"'<>/]+/")


def check_screen(page, name, screenshot_dir):
    assert_no_axe_violations(page, label=f"{name} @ 360 px")
    assert_mobile_friendly(page)
    assert_no_english(page)
    page.screenshot(path=str(screenshot_dir / f"{name}-360.png"), full_page=True)


def test_resident_registers_for_three_sessions_and_manages_them_on_a_phone(
    page, demo_site, workshop, screenshot_dir, mailoutbox
):
    from forms.models import Registration

    titles = [session.title for session in workshop.sessions.order_by("sort_order")]
    assert sorted(titles) == sorted(SESSIONS), titles
    page.set_viewport_size(MOBILE)
    page.goto(demo_site.url(workshop))
    fill_registration(page, sessions=SESSIONS, **RESIDENT)
    submit(page)

    # Redirected (303) to a result page of its own: the same answer for every address.
    expect(page).to_have_url(re.compile(r"/rejestracja/wynik/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dziękujemy za zapis")
    for title in SESSIONS:
        expect(outcome_of(page, title)).to_contain_text("Szczegóły są w wiadomości.")
    check_screen(page, "submission-result", screenshot_dir)
    result_url = page.url
    page.reload()
    expect(page).to_have_url(result_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dziękujemy za zapis")
    expect(page.get_by_text("już zapisany")).to_have_count(0)
    assert Registration.objects.filter(email=RESIDENT["email"]).count() == 3

    # One confirmation for the three sessions, with the link to "Moje zgłoszenie".
    mine = [message for message in mailoutbox if message.to == [RESIDENT["email"]]]
    assert len(mine) == 1, [message.subject for message in mine]
    (link,) = set(MANAGE_LINK.findall(mine[0].body))
    assert link.startswith(demo_site.base_url)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Moje zgłoszenie")
    expect(page.locator(".registration-outcome--confirmed")).to_have_count(3)
    check_screen(page, "submission-manage", screenshot_dir)

    page.get_by_role("button", name=f"Anuluj tę sesję ({SESSIONS[0]})").click()
    expect(page.get_by_role("status")).to_contain_text(f"Anulowano: {SESSIONS[0]}.")
    expect(outcome_of(page, SESSIONS[0])).to_contain_text("anulowane")
    expect(page.locator(".registration-outcome--confirmed")).to_have_count(2)
    check_screen(page, "submission-manage-cancelled", screenshot_dir)
    assert Registration.objects.get(email=RESIDENT["email"], session__title=SESSIONS[0]).status == "cancelled"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Pobierz plik kalendarza (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "warsztaty.ics"
    calendar = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    summaries = sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))
    assert len(summaries) == 2 and not any(SESSIONS[0] in summary for summary in summaries), summaries
