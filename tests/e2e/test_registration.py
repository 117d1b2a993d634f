"""Residents register for the demo workshop in a real browser: from the news article to the
per-session outcome, the waitlist of a full session, the cancel link from the confirmation mail,
a keyboard-only registration with an error round, and axe scans of every state of the page.

The caches are on (tests/e2e/conftest.py): after every registration and cancellation the workshop
page and the news article, loaded anew, must show the places left as they are now."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .helpers import (
    MOBILE,
    assert_focus_visible,
    assert_mobile_friendly,
    assert_no_axe_violations,
    expect_upcoming_places,
    expect_workshop_places,
    save_screenshots,
)

RESIDENT = {"full_name": "Maria Kowalska", "email": "maria.kowalska@example.org"}
SOCIAL, ECONOMIC = "Obszar społeczny", "Obszar gospodarczy"
CANCEL_LINK = re.compile(r"https?://[^\s\"'<>]+/rejestracja/anuluj/[^\s\"'<>/]+/")


def session(workshop, title):
    return workshop.sessions.get(title=title)


def places_left(workshop, title):
    """(places left, capacity) of a session, from the database."""
    current = session(workshop, title)
    return current.capacity - current.registrations.filter(status="confirmed").count(), current.capacity


def register_in_db(workshop, title, full_name, email):
    from forms.workshops import services

    (outcome,) = services.register(workshop, sessions=[session(workshop, title)], full_name=full_name, email=email)
    return outcome.registration


def fill_registration(page, full_name, email, sessions):
    page.get_by_label("Imię i nazwisko").fill(full_name)
    page.get_by_label("Adres e-mail").fill(email)
    for title in sessions:
        page.get_by_role("checkbox", name=re.compile(re.escape(title))).check()
    consent(page).check()


def consent(page):
    return page.get_by_role("checkbox", name=re.compile("zgodę na przetwarzanie", re.IGNORECASE))


def submit(page):
    page.get_by_role("button", name="Zapisz się", exact=True).click()


def outcome_of(page, title):
    return page.locator(".registration-outcome").filter(has=page.get_by_role("heading", name=title))


def cancel_link(mailoutbox, registration):
    """The cancel link from the resident's confirmation mail (sent inline: Q_CLUSTER sync in tests)."""
    for message in reversed(mailoutbox):
        if registration.email in message.to:
            bodies = [message.body, *(content for content, _ in getattr(message, "alternatives", []))]
            for body in bodies:
                match = CANCEL_LINK.search(body)
                if match:
                    return match.group(0)
    pytest.fail(f"no mail with a cancel link was sent to {registration.email}")


def scan(page, name, screenshot_dir, url=None):
    """axe at 1280 and 360 px, the 360 px rules, screenshots: for a page reachable by GET."""
    url = url or page.url
    save_screenshots(page, url, name, screenshot_dir)
    page.set_viewport_size(MOBILE)
    page.goto(url)
    assert_mobile_friendly(page)
    assert_no_axe_violations(page, label=f"{name} @ 360 px")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)
    assert_no_axe_violations(page, label=f"{name} @ 1280 px")


def test_resident_registers_for_two_sessions_from_the_news_article(page, demo_site, workshop, screenshot_dir):
    from forms.models import Registration

    article_url, workshop_url = demo_site.url(demo_site.pages["news_article"]), demo_site.url(workshop)
    before = {title: places_left(workshop, title) for title in (SOCIAL, ECONOMIC)}
    # The article goes into the page cache; its list of upcoming workshops is fetched live.
    expect_upcoming_places(page, article_url, SOCIAL, *before[SOCIAL])
    page.get_by_role("link", name="Zapisz się na warsztaty").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(workshop.title)
    scan(page, "workshop-open", screenshot_dir)

    fill_registration(page, sessions=[SOCIAL, ECONOMIC], **RESIDENT)
    submit(page)

    # The same answer whatever happened (issue 13): the result and the cancel links are in the mail.
    expect(page.get_by_role("heading", level=1)).to_have_text("Dziękujemy za zapis")
    expect(page.get_by_role("status")).to_contain_text("Wysłaliśmy wiadomość na podany adres e-mail")
    for title in (SOCIAL, ECONOMIC):
        expect(outcome_of(page, title)).to_contain_text("Szczegóły są w wiadomości.")
    assert_no_axe_violations(page, label="confirmation page")
    page.set_viewport_size(MOBILE)
    assert_mobile_friendly(page)
    page.screenshot(path=str(screenshot_dir / "workshop-confirmation-360.png"), full_page=True)

    statuses = Registration.objects.filter(email=RESIDENT["email"]).values_list("session__title", "status")
    assert sorted(statuses) == [(ECONOMIC, "confirmed"), (SOCIAL, "confirmed")]

    # Loaded anew, the workshop page and the cached article show one place less in each session.
    for title in (SOCIAL, ECONOMIC):
        left, capacity = before[title]
        expect_workshop_places(page, workshop_url, title, left - 1, capacity)
        expect_upcoming_places(page, article_url, title, left - 1, capacity)


def test_full_session_offers_the_waitlist_and_a_cancellation_confirms_the_first_waiter(
    page, demo_site, workshop, screenshot_dir, mailoutbox
):
    from forms.models import Registration

    social = session(workshop, SOCIAL)
    social.capacity = social.registrations.filter(status="confirmed").count() + 1
    social.save()
    holder = register_in_db(workshop, SOCIAL, "Jan Nowak", "jan.nowak@example.org")
    assert holder.status == "confirmed", "the holder takes the last place"
    capacity = social.capacity
    article_url, workshop_url = demo_site.url(demo_site.pages["news_article"]), demo_site.url(workshop)
    expect_upcoming_places(page, article_url, SOCIAL, 0, capacity)

    page.goto(workshop_url)
    social_choice = page.get_by_role("checkbox", name=re.compile(SOCIAL))
    expect(social_choice).to_be_enabled()
    expect(page.locator(".session-choices li").filter(has=social_choice)).to_contain_text("listę rezerwową")
    scan(page, "workshop-full", screenshot_dir)
    expect_workshop_places(page, workshop_url, SOCIAL, 0, capacity)

    fill_registration(page, sessions=[SOCIAL], **RESIDENT)
    submit(page)
    expect(outcome_of(page, SOCIAL)).to_contain_text("Szczegóły są w wiadomości.")
    assert_no_axe_violations(page, label="confirmation page, waitlisted")
    waiter = Registration.objects.get(email=RESIDENT["email"])
    assert waiter.status == "waitlisted"
    # A place on the waitlist takes none: the session is still full.
    expect_workshop_places(page, workshop_url, SOCIAL, 0, capacity)

    # The person holding the place cancels with the link from their confirmation mail.
    link = cancel_link(mailoutbox, holder)
    assert link.startswith(demo_site.base_url), f"the mail links to another site: {link}"
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Anulowanie zgłoszenia")
    assert_no_axe_violations(page, label="cancel page")
    page.get_by_role("button", name="Anuluj moje zgłoszenie").click()
    expect(page.get_by_role("status")).to_contain_text("zostało anulowane")
    assert_no_axe_violations(page, label="cancel page, cancelled")

    holder.refresh_from_db()
    waiter.refresh_from_db()
    assert holder.status == "cancelled"
    assert waiter.status == "confirmed"
    # The freed place went to the first waiter at once: the session is still full.
    expect_workshop_places(page, workshop_url, SOCIAL, 0, capacity)
    expect_upcoming_places(page, article_url, SOCIAL, 0, capacity)

    # The promoted resident cannot come after all and cancels with the link from their mail: with nobody
    # waiting, the place is free, on the workshop page and in the cached article's list alike.
    page.goto(cancel_link(mailoutbox, waiter))
    page.get_by_role("button", name="Anuluj moje zgłoszenie").click()
    expect(page.get_by_role("status")).to_contain_text("zostało anulowane")
    waiter.refresh_from_db()
    assert waiter.status == "cancelled"
    expect_workshop_places(page, workshop_url, SOCIAL, 1, capacity)
    expect_upcoming_places(page, article_url, SOCIAL, 1, capacity)


def test_closed_workshop_page_says_so_and_passes_axe(page, demo_site, workshop, screenshot_dir):
    type(workshop).objects.filter(pk=workshop.pk).update(
        registration_opens_at=timezone.now() - datetime.timedelta(days=10),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    page.goto(demo_site.url(workshop))
    expect(page.get_by_text("Zapisy na te warsztaty są obecnie zamknięte.")).to_be_visible()
    expect(page.get_by_role("button", name="Zapisz się", exact=True)).to_have_count(0)
    scan(page, "workshop-closed", screenshot_dir)


def tab_to(page, locator, max_presses=80):
    """Presses Tab until ``locator`` has focus; every stop on the way must show where focus is."""
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        if focused.count():
            assert_focus_visible(focused)
        if locator.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"{locator} never received focus after {max_presses} Tab presses")


def test_keyboard_only_registration_with_an_error_round(page, demo_site, workshop, screenshot_dir):
    from forms.models import Registration

    economic_left, economic_capacity = places_left(workshop, ECONOMIC)
    page.goto(demo_site.url(workshop))
    name = page.get_by_label("Imię i nazwisko")
    email = page.get_by_label("Adres e-mail")
    register_button = page.get_by_role("button", name="Zapisz się", exact=True)

    # First attempt: a name and a mistyped address, no session, no consent; Enter on the button.
    tab_to(page, name)
    page.keyboard.type(RESIDENT["full_name"])
    page.keyboard.press("Tab")
    page.keyboard.type("maria.kowalska@")
    tab_to(page, register_button)
    page.keyboard.press("Enter")

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Formularz zawiera błędy")
    # Focus moves to the error summary (forms/static/forms/error-focus.js, after DOMContentLoaded:
    # expect() waits for it), and the summary shows that it has focus.
    expect(page.locator("#form-errors")).to_be_focused()
    assert_focus_visible(page.locator("#form-errors"))
    # Each invalid field says so and points at its message.
    for field in (email, page.get_by_role("checkbox", name=re.compile("zgodę na przetwarzanie", re.IGNORECASE))):
        expect(field).to_have_attribute("aria-invalid", "true")
        described = field.evaluate(
            "el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)"
            ".map(id => document.getElementById(id)?.textContent || '').join(' ')"
        )
        assert described.strip(), f"{field} has no error message linked with aria-describedby"
    sessions_group = page.get_by_role("group", name=re.compile("Sesje"))
    expect(sessions_group).to_have_attribute("aria-describedby", re.compile(r"\S"))
    assert_no_axe_violations(page, label="workshop page, error state")
    page.screenshot(path=str(screenshot_dir / "workshop-error-1280.png"), full_page=True)

    # The summary links lead to the fields: Enter on the e-mail error goes to the e-mail field.
    tab_to(page, summary.get_by_role("link").filter(has_text="e-mail"))
    page.keyboard.press("Enter")
    expect(email).to_be_focused()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(RESIDENT["email"])

    # Space ticks the checkboxes: one session and the consent.
    tab_to(page, page.get_by_role("checkbox", name=re.compile(ECONOMIC)))
    page.keyboard.press("Space")
    tab_to(page, consent(page))
    page.keyboard.press("Space")
    expect(consent(page)).to_be_checked()
    tab_to(page, register_button)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Dziękujemy za zapis")
    expect(outcome_of(page, ECONOMIC)).to_contain_text("Szczegóły są w wiadomości.")
    registration = Registration.objects.get(email=RESIDENT["email"])
    assert (registration.session.title, registration.status) == (ECONOMIC, "confirmed")
    expect_workshop_places(page, demo_site.url(workshop), ECONOMIC, economic_left - 1, economic_capacity)


def test_form_index_and_survey_pages_pass_axe_in_every_state(page, demo_site, workshop, screenshot_dir):
    from forms.models import FormIndexPage, SurveyPage

    form_index = FormIndexPage.objects.live().first()
    survey = SurveyPage.objects.live().first()
    if survey is None:
        pytest.skip("the forms app's demo has no survey yet")
    scan(page, "form-index", screenshot_dir, url=demo_site.url(form_index))
    scan(page, "survey", screenshot_dir, url=demo_site.url(survey))

    # The survey's one required question left empty: the error state.
    page.get_by_role("button", name="Wyślij").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_axe_violations(page, label="survey, error state")
    page.set_viewport_size(MOBILE)
    assert_mobile_friendly(page)
    page.screenshot(path=str(screenshot_dir / "survey-error-360.png"), full_page=True)

    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Wyślij").click()
    expect(page.get_by_text("Dziękujemy za wypełnienie ankiety!")).to_be_visible()
    assert_no_axe_violations(page, label="survey, thank-you page")
    assert_mobile_friendly(page)
