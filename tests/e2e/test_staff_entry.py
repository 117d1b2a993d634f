"""A form administrator ("Administratorzy formularzy", not a superuser) enters, by clicking through the
Polish admin, a working-group sign-up taken by phone from a person without e-mail and a consultation
submission delivered on paper with its scan; both screens are Polish all the way."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from .helpers import ADMIN_PASSWORD

# English texts of these screens that must never show (each has a Polish translation).
ENGLISH = ["Add a ", "Channel", "Date of arrival", "It arrived", "The data protection notice was", "by phone",
           "on paper", "read out", "Full name", "E-mail address", "Phone number", "Working groups", "Received",
           "Date of posting", "Attachment", "Cancel", "Thematic area", "Submit"]


def log_in_as_form_administrator(page, demo_site):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user("urzedniczka", "urzedniczka@example.org", ADMIN_PASSWORD,
                                                first_name="Ewa", last_name="Urzędnik")
    user.groups.add(Group.objects.get(name="Administratorzy formularzy"))
    page.goto(demo_site.url("/admin/login/"))
    page.get_by_label("Nazwa użytkownika").fill("urzedniczka")
    page.locator("#id_password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Zaloguj się").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    return user


def open_participation_menu_item(page, label):
    page.get_by_role("button", name="Partycypacja").click()
    page.get_by_role("link", name=label).click()


def assert_polish(page):
    text = page.locator("main").inner_text()
    for english in ENGLISH:
        assert english not in text, f"English text {english!r} on {page.url}"


def scan_file(tmp_path):
    path = tmp_path / "skan-listu.png"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_form_administrator_adds_a_phone_signup_by_clicking(page, demo_site, screenshot_dir):
    from forms.models import WorkingGroupSignup
    from notifications.models import Notification

    user = log_in_as_form_administrator(page, demo_site)
    open_participation_menu_item(page, "Grupy robocze: zgłoszenia")
    page.get_by_role("link", name="Grupy robocze", exact=True).click()
    page.get_by_role("link", name="Dodaj zgłoszenie otrzymane e-mailem, telefonicznie lub na papierze").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dodaj zgłoszenie do grupy roboczej")
    page.screenshot(path=str(screenshot_dir / "staff-add-signup-1280.png"), full_page=True)
    assert_polish(page)

    page.get_by_role("radio", name="telefonicznie").check()
    # Choosing the channel preselects the usual way the notice is given by phone.
    expect(page.get_by_role("radio", name="odczytana przez telefon")).to_be_checked()
    page.get_by_role("textbox", name=re.compile("^Imię i nazwisko")).fill("Janina Dzwoniąca")
    page.get_by_role("textbox", name=re.compile("^Numer telefonu")).fill("600 700 800")
    page.get_by_role("radio", name="mieszkaniec").check()
    page.get_by_role("checkbox", name="społeczna").check()
    page.get_by_role("textbox", name=re.compile("^Doświadczenie i motywacja")).fill("Prowadzę koło gospodyń.")
    page.get_by_role("checkbox", name=re.compile("^Osoba otrzymała klauzulę")).check()
    page.get_by_role("button", name="Dodaj zgłoszenie").click()

    expect(page.get_by_text("Janina Dzwoniąca – zgłoszenie do grup: społeczna.")).to_be_visible()
    task = re.compile("pracownicy dostali zadanie, by zadzwonić pod numer 600 700 800")
    expect(page.get_by_text(task)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Janina Dzwoniąca")
    expect(row).to_contain_text("telefonicznie")
    expect(row).to_contain_text("bez e-maila")
    page.screenshot(path=str(screenshot_dir / "staff-groups-after-add-1280.png"), full_page=True)
    assert_polish(page)

    signup = WorkingGroupSignup.objects.get(full_name="Janina Dzwoniąca")
    assert (signup.email, signup.phone_key, signup.channel, signup.entered_by_id) == ("", "600700800", "phone",
                                                                                       user.pk)
    assert Notification.objects.filter(kind="working_group_signup_phone_task", object_id=signup.pk).exists()


def test_form_administrator_adds_a_paper_submission_with_its_scan_by_clicking(page, demo_site, screenshot_dir,
                                                                              tmp_path):
    from forms.models import ConsultationSubmission

    log_in_as_form_administrator(page, demo_site)
    open_participation_menu_item(page, "Zgłoszenia do konsultacji")
    page.get_by_role("link", name="Dodaj zgłoszenie: Konsultacje społeczne projektu strategii").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dodaj zgłoszenie do konsultacji")
    assert_polish(page)

    page.get_by_role("radio", name="na papierze").check()
    expect(page.get_by_role("radio", name=re.compile("zawarta w formularzu papierowym"))).to_be_checked()
    page.get_by_role("textbox", name=re.compile("^Imię i nazwisko")).fill("Stefan Papierowy")
    page.get_by_role("textbox", name=re.compile("^Adres e-mail")).fill("stefan.papierowy@example.org")
    page.get_by_role("radio", name="stowarzyszenie").check()
    page.get_by_role("radio", name="przestrzenny").check()
    page.get_by_role("textbox", name=re.compile("^Tytuł")).fill("Chodnik do szkoły w Słomczynie")
    page.get_by_role("textbox", name=re.compile("^Potrzeba lub propozycja")).fill("Dzieci chodzą poboczem.")
    attachment = page.locator("input[type=file][name=attachment]")
    expect(page.get_by_text("Załącznik (np. skan formularza papierowego)")).to_be_visible()
    attachment.set_input_files(str(scan_file(tmp_path)))
    page.get_by_role("checkbox", name=re.compile("^Osoba otrzymała klauzulę")).check()
    page.screenshot(path=str(screenshot_dir / "staff-add-submission-1280.png"), full_page=True)
    page.get_by_role("button", name="Dodaj zgłoszenie").click()

    submission = ConsultationSubmission.objects.get(title="Chodnik do szkoły w Słomczynie")
    expect(page.get_by_text(f"Zgłoszenie {submission.reference} zostało wprowadzone i czeka na moderację.")
           ).to_be_visible()
    expect(page.locator("main")).to_contain_text("na papierze")
    expect(page.get_by_role("link", name="skan-listu.png")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "staff-submission-detail-1280.png"), full_page=True)
    assert_polish(page)
    assert (submission.status, submission.channel, submission.email) == ("new", "paper",
                                                                          "stefan.papierowy@example.org")

    page.get_by_role("link", name="Wszystkie zgłoszenia").click()
    row = page.get_by_role("row").filter(has_text=submission.reference)
    expect(row).to_contain_text("na papierze")
    page.screenshot(path=str(screenshot_dir / "staff-submissions-list-1280.png"), full_page=True)
