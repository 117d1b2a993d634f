"""Issue 15.4 in a real browser: a resident on a 360 px phone accepts a place offered from the waiting list by
the link in the offer mail; a form administrator confirms by clicking the offered place of a waiter without
e-mail who said yes on the phone."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import MOBILE, assert_mobile_friendly, assert_no_axe_violations, log_in_as_member
from .polish import assert_no_english

SOCIAL = "Obszar społeczny"
ACCEPT_LINK = re.compile(r"https?://[^\s\"'<>]+/rejestracja/miejsce/[^\s\"'<>/]+/")


@pytest.fixture
def offered(demo_site):
    """The social session (2 places, offers valid 48 h) full; a place freed and offered to Zofia (e-mail)
    and, with a second place freed, to Piotr (phone only)."""
    from forms.models import Registration
    from forms.workshops import services

    workshop = demo_site.pages["workshop"]
    Registration.objects.filter(session__page=workshop).delete()
    workshop.waitlist_offer_hours = 48
    workshop.save()
    social = workshop.sessions.get(title=SOCIAL)
    social.capacity = 2
    social.save()

    def add(name, email="", phone=""):
        return services.register(workshop, sessions=[social], full_name=name, email=email, phone=phone,
                                 enforce_window=False)[0].registration

    holders = [add("Adam Zajęty", "adam@example.org"), add("Beata Zajęta", "beata@example.org")]
    zofia, piotr = add("Zofia Czekająca", "zofia@example.org"), add("Piotr Bezmailowy", phone="601 202 303")
    services.cancel(holders[0])
    services.cancel(holders[1])
    return workshop, zofia, piotr


def test_resident_accepts_by_link_and_form_admin_confirms_a_phone_waiter(
        page, demo_site, offered, mailoutbox, screenshot_dir):
    from forms.models import Registration

    workshop, zofia, piotr = offered
    (mail,) = [message for message in mailoutbox
               if message.to == ["zofia@example.org"] and "Wolne miejsce dla Ciebie" in message.subject]
    (link,) = set(ACCEPT_LINK.findall(mail.body))

    page.set_viewport_size(MOBILE)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Miejsce dla Ciebie")
    expect(page.get_by_text("czeka na Ciebie do")).to_be_visible()
    assert_no_axe_violations(page, label="offer @ 360 px")
    assert_mobile_friendly(page)
    assert_no_english(page)
    page.screenshot(path=str(screenshot_dir / "waitlist-offer-360.png"), full_page=True)
    page.get_by_role("button", name="Przyjmij miejsce").click()
    expect(page.get_by_role("status")).to_contain_text("miejsce jest Twoje")
    assert_no_axe_violations(page, label="offer accepted @ 360 px")
    assert_mobile_friendly(page)
    assert_no_english(page)
    page.screenshot(path=str(screenshot_dir / "waitlist-offer-accepted-360.png"), full_page=True)
    assert Registration.objects.get(pk=zofia.pk).status == "confirmed"

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in_as_member(page, demo_site, "urzedniczka", "Administratorzy formularzy")
    page.get_by_role("link", name="Zgłoszenia na warsztaty").click()
    row = page.get_by_role("row").filter(has_text="Piotr Bezmailowy")
    expect(row).to_contain_text("zaproponowano miejsce do")
    assert_no_english(page, label="registrations with an offer")
    page.screenshot(path=str(screenshot_dir / "waitlist-offer-admin-list.png"), full_page=True)
    row.get_by_role("button", name=re.compile("^Więcej opcji")).click()
    page.get_by_role("link", name="Przyjmij miejsce w imieniu osoby").click()
    expect(page.get_by_role("main")).to_contain_text("czeka na osobę Piotr Bezmailowy")
    assert_no_english(page, label="accept on their behalf")
    page.screenshot(path=str(screenshot_dir / "waitlist-offer-admin-confirm.png"), full_page=True)
    page.get_by_role("button", name="Potwierdź miejsce").click()
    expect(page.get_by_text("Piotr Bezmailowy ma potwierdzone miejsce")).to_be_visible()
    assert_no_english(page, label="offer confirmed by staff")
    page.screenshot(path=str(screenshot_dir / "waitlist-offer-admin-done.png"), full_page=True)
    assert Registration.objects.get(pk=piotr.pk).status == "confirmed"
