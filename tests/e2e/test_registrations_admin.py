"""Issue 14: a form administrator (not a superuser) runs a workshop from the Polish registrations admin
by clicking only: finds a person, opens them, moves them to another session, cancels one person, bulk
cancels through the confirmation, opens the attendance list, adds a phone registration answering the
extra questions and clears the "to call" task of a phone-only waiter who was promoted."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import log_in_as_member
from .polish import assert_no_english

SOCIAL, ECONOMIC = "Obszar społeczny", "Obszar gospodarczy"
QUESTION = "Z jaką częścią gminy jesteś związany/a?"


@pytest.fixture
def people(workshop):
    """The social session (3 places) full with three people; waiting: two with e-mail, then one with a
    phone only. Cleared of the demo's own registrations so the counts below are exact."""
    from forms.models import Registration
    from forms.workshops import services

    social = workshop.sessions.get(title=SOCIAL)
    Registration.objects.filter(session__page=workshop).delete()
    social.capacity = 3
    social.save()

    def add(name, email="", phone=""):
        return services.register(workshop, sessions=[social], full_name=name, email=email, phone=phone,
                                 enforce_window=False)[0].registration

    return {
        "adam": add("Adam Przenoszony", "adam@example.org"),
        "beata": add("Beata Rezygnująca", "beata@example.org"),
        "cezary": add("Cezary Hurtowy", "cezary@example.org"),
        "wanda": add("Wanda Czekająca", "wanda@example.org"),
        "witold": add("Witold Czekający", "witold@example.org"),
        "piotr": add("Piotr Bezmailowy", phone="601 202 303"),
    }


def shoot(page, screenshot_dir, name):
    page.screenshot(path=str(screenshot_dir / f"registrations-admin-{name}.png"), full_page=True)
    assert_no_english(page, label=name)


def open_row_menu(page, name):
    row = page.get_by_role("row").filter(has_text=name)
    row.get_by_role("button", name=re.compile("^Więcej opcji")).click()
    return row


def test_form_administrator_runs_the_registrations_by_clicking(page, demo_site, workshop, people, screenshot_dir):
    from forms.models import Registration

    log_in_as_member(page, demo_site, "urzedniczka", "Administratorzy formularzy")
    page.get_by_role("link", name="Zgłoszenia na warsztaty").click()
    expect(page).to_have_url(re.compile(r"/admin/registrations/$"))
    shoot(page, screenshot_dir, "01-list")

    # Find a person by name and open them.
    page.locator("#id_q").fill("Przenoszony")
    expect(page.get_by_role("row")).to_have_count(2)  # the heading row and Adam's
    page.get_by_role("link", name="Adam Przenoszony").click()
    expect(page.get_by_text("Odpowiedzi na dodatkowe pytania")).to_be_visible()
    expect(page.get_by_text("Historia zgłoszenia")).to_be_visible()
    shoot(page, screenshot_dir, "02-inspect")

    # Move them to another session from the inspect page's menu.
    page.get_by_role("button", name=re.compile("^(Akcje|Działania)$")).click()
    page.get_by_role("link", name="Przenieś na inną sesję").click()
    page.get_by_role("radio", name=re.compile(f"^{ECONOMIC}")).check()
    shoot(page, screenshot_dir, "03-move")
    page.get_by_role("button", name=re.compile("Przenieś")).click()
    expect(page.get_by_text(re.compile(f"Adam Przenoszony.*{ECONOMIC}")).first).to_be_visible()
    assert Registration.objects.get(full_name="Adam Przenoszony", status="confirmed").session.title == ECONOMIC
    assert Registration.objects.get(pk=people["wanda"].pk).status == "confirmed"  # promoted into the freed place

    # Cancel one person from their row's menu (the list is filtered to the social session now).
    open_row_menu(page, "Beata Rezygnująca")
    page.get_by_role("link", name="Anuluj w imieniu osoby").click()
    shoot(page, screenshot_dir, "04-cancel")
    page.get_by_role("button", name="Anuluj zgłoszenie").click()
    expect(page.get_by_text("Anulowano zgłoszenie: Beata Rezygnująca.")).to_be_visible()
    assert Registration.objects.get(pk=people["witold"].pk).status == "confirmed"

    # Bulk cancel: the confirmation lists who is cancelled, mailed and promoted; nothing happens before it.
    page.get_by_role("checkbox", name="Zaznacz: Cezary Hurtowy").check()
    page.get_by_label("Z zaznaczonymi osobami").select_option(label="Anuluj zgłoszenia")
    page.get_by_role("button", name="Wykonaj").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Zostanie anulowane 1 zgłoszenie")
    expect(main.get_by_role("row").filter(has_text="Cezary Hurtowy")).to_contain_text("cezary@example.org")
    expect(main).to_contain_text("Piotr Bezmailowy")
    expect(main).to_contain_text("brak adresu e-mail: trafi na listę osób do telefonu")
    assert Registration.objects.get(pk=people["cezary"].pk).status == "confirmed"
    shoot(page, screenshot_dir, "05-bulk-confirm")
    page.get_by_role("button", name="Anuluj te zgłoszenia").click()
    expect(page.get_by_text("Przeniesieni z listy rezerwowej: Piotr Bezmailowy.")).to_be_visible()
    assert Registration.objects.get(pk=people["cezary"].pk).status == "cancelled"

    # Per-session tools above the filtered list: the attendance list opens in a new tab.
    with page.expect_popup() as popup:
        page.get_by_role("row").filter(has_text=SOCIAL).get_by_role("link", name="Lista obecności (druk)").click()
    attendance = popup.value
    expect(attendance.get_by_text("Wanda Czekająca")).to_be_visible()
    expect(attendance.get_by_text("Cezary Hurtowy")).to_have_count(0)
    shoot(attendance, screenshot_dir, "06-attendance-list")
    attendance.close()

    # A phone registration, answering the extra question.
    page.get_by_role("link", name="Dodaj zgłoszenie (telefon, e-mail)").click()
    page.get_by_role("checkbox", name=re.compile(f"^{ECONOMIC}")).check()
    page.get_by_label("Imię i nazwisko").fill("Halina Telefoniczna")
    page.get_by_label("Numer telefonu").fill("602 303 404")
    page.get_by_label(QUESTION).select_option("Skolimów")
    page.get_by_role("checkbox", name=re.compile("^Osoba wyraziła zgodę")).check()
    shoot(page, screenshot_dir, "07-add")
    page.get_by_role("button", name="Dodaj zgłoszenie").click()
    expect(page.get_by_text(f"{ECONOMIC}: miejsce potwierdzone.")).to_be_visible()
    halina = Registration.objects.get(full_name="Halina Telefoniczna")
    assert halina.email == "" and "Skolimów" in halina.form_data.values()

    # The promoted phone-only person is a task: phone them, then clear it.
    page.get_by_role("link", name="Do telefonu (1)").click()
    row = page.get_by_role("row").filter(has_text="Piotr Bezmailowy")
    expect(row.get_by_role("link", name="601 202 303")).to_be_visible()
    shoot(page, screenshot_dir, "08-calls")
    row.get_by_role("button", name="Zadzwoniono").click()
    expect(page.get_by_text("Nie ma do kogo dzwonić.")).to_be_visible()
    shoot(page, screenshot_dir, "09-calls-done")
    assert not Registration.objects.get(pk=people["piotr"].pk).call_pending
