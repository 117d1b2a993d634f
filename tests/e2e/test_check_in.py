"""Issue 15 point 3: a form administrator runs the door check-in of a session on a phone (360 px, touch)
reached by clicking from the admin: searches as she types, checks people in by keyboard and by tapping,
takes one back, registers a walk-in, and opens a person's check-in from the QR code of their mail."""

import io
import re
from datetime import timedelta

import zxingcpp
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from .helpers import MOBILE, assert_mobile_friendly, assert_no_axe_violations, log_in_as_member
from .polish import assert_no_english


def prepare_session(demo_site):
    """The demo workshop's first session starts within the hour (check-in is on the session's day),
    with three confirmed people."""
    from forms.models import WorkshopPage
    from forms.workshops import services

    workshop = WorkshopPage.objects.get(pk=demo_site.pages["workshop"].pk)
    session = workshop.sessions.order_by("starts_at").first()
    session.starts_at = timezone.now() + timedelta(minutes=30)
    session.ends_at = session.starts_at + timedelta(hours=2)
    session.capacity = 4
    session.save()
    people = [
        services.register(workshop, sessions=[session], full_name=name, email=f"osoba{i}@example.org")[0].registration
        for i, name in enumerate(["Anna Nowak", "Bogdan Wiśniewski", "Celina Kowalczyk"])
    ]
    return workshop, session, people


def check_screen(page, label):
    assert_mobile_friendly(page)
    assert_no_axe_violations(page, label=label)
    assert_no_english(page, label=label)


def test_form_administrator_runs_the_door_on_a_phone(new_context, demo_site, screenshot_dir):
    from forms.workshops import tokens

    workshop, session, people = prepare_session(demo_site)
    anna, bogdan, celina = people
    page = new_context(has_touch=True, is_mobile=True, viewport=MOBILE).new_page()
    page.set_default_timeout(10_000)
    log_in_as_member(page, demo_site, "odprawa", "Administratorzy formularzy")

    # By clicking: the menu, the workshops and their sessions, the session's check-in.
    page.get_by_role("button", name="Rozszerzanie bocznej nawigacji").tap()
    page.get_by_role("link", name="Zgłoszenia na warsztaty").tap()
    page.get_by_role("button", name="Działania").tap()  # the listing's header menu (⋮)
    page.get_by_role("link", name="Warsztaty i sesje").tap()
    row = page.get_by_role("row").filter(has_text=session.title)
    row.get_by_role("link", name="Odprawa przy wejściu").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Odprawa")
    counts = page.locator("[data-check-in-counts]")
    expect(counts).to_have_text("Obecni: 0 z 3 potwierdzonych")
    page.screenshot(path=str(screenshot_dir / "check-in-360.png"), full_page=True)
    check_screen(page, "check-in screen")

    # Keyboard: type a name, the list follows; Tab to the person's button, Enter checks in.
    search = page.get_by_role("searchbox", name="Szukaj po imieniu i nazwisku lub kodzie odprawy")
    search.focus()
    page.keyboard.type("wiśniew")
    expect(page.locator(".check-in__person")).to_have_count(1)
    expect(page.locator(".check-in__person")).to_contain_text("Bogdan Wiśniewski")
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Odpraw: Bogdan Wiśniewski")).to_be_focused()
    page.keyboard.press("Enter")
    expect(counts).to_have_text("Obecni: 1 z 3 potwierdzonych")
    expect(page.get_by_role("button", name="Cofnij: Bogdan Wiśniewski")).to_be_focused()
    expect(page.locator("[data-check-in-status]")).to_contain_text("Odprawiono: Bogdan Wiśniewski.")

    # Touch: search by the code from the mail (typed in lower case), tap to check in, tap to undo.
    search.fill(anna.check_in_code.lower())
    expect(page.locator(".check-in__person")).to_have_count(1)
    page.get_by_role("button", name="Odpraw: Anna Nowak").tap()
    expect(counts).to_have_text("Obecni: 2 z 3 potwierdzonych")
    page.get_by_role("button", name="Cofnij: Anna Nowak").tap()
    expect(counts).to_have_text("Obecni: 1 z 3 potwierdzonych")
    page.get_by_role("button", name="Odpraw: Anna Nowak").tap()
    expect(counts).to_have_text("Obecni: 2 z 3 potwierdzonych")
    page.screenshot(path=str(screenshot_dir / "check-in-360-after-taps.png"), full_page=True)
    check_screen(page, "check-in screen after check-ins")

    # A walk-in takes the last free place and is checked in at once.
    page.get_by_role("textbox", name=re.compile("^Imię i nazwisko")).fill("Damian Z Ulicy")
    page.get_by_role("textbox", name=re.compile("^Numer telefonu")).fill("600 700 800")
    page.get_by_role("checkbox", name=re.compile("^Osoba wyraziła zgodę")).tap()
    page.get_by_role("button", name="Zapisz i odpraw").tap()
    expect(page.get_by_text("Zapisano przy wejściu i odprawiono: Damian Z Ulicy.")).to_be_visible()
    expect(counts).to_have_text("Obecni: 3 z 4 potwierdzonych")
    # The session is now full: the next walk-in is told so, and what was typed stays.
    page.get_by_role("textbox", name=re.compile("^Imię i nazwisko")).fill("Ewa Spóźniona")
    page.get_by_role("textbox", name=re.compile("^Numer telefonu")).fill("600 700 900")
    page.get_by_role("checkbox", name=re.compile("^Osoba wyraziła zgodę")).tap()
    page.get_by_role("button", name="Zapisz i odpraw").tap()
    expect(page.get_by_role("alert")).to_contain_text("nie ma już wolnych miejsc")
    expect(page.get_by_role("textbox", name=re.compile("^Imię i nazwisko"))).to_have_value("Ewa Spóźniona")
    page.screenshot(path=str(screenshot_dir / "check-in-360-walk-in-full.png"), full_page=True)
    check_screen(page, "check-in screen, walk-in refused")

    # The phone's camera reads the QR code of Celina's mail: her check-in opens.
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(tokens.check_in_qr_png(celina))))[0].text
    assert decoded.endswith(f"/admin/registrations/check-in/{celina.check_in_code}/")
    page.goto(demo_site.url(decoded[decoded.index("/admin/"):]))
    expect(page.locator(".check-in__person")).to_have_count(1)
    page.get_by_role("button", name="Odpraw: Celina Kowalczyk").tap()
    expect(counts).to_have_text("Obecni: 4 z 4 potwierdzonych")
    check_screen(page, "check-in opened from the QR code")

    for person in (anna, bogdan, celina):
        person.refresh_from_db()
        assert person.attended is True
