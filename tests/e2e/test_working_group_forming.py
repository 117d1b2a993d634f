"""A form administrator ("Administratorzy formularzy", not a superuser) decides on working-group sign-ups
by clicking through the Polish admin: accepting tells nobody yet, one decision is undone, the group is
marked as formed through a confirmation step (then each accepted person is told exactly once, and a second
submit of the confirmation sends nothing) and the members are downloaded as XLSX and CSV."""

import csv
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from .helpers import admin_screenshot, log_in_as_member
from .polish import assert_no_english


def accepted_messages(group):
    from forms.working_groups import messages as wg_messages
    from notifications.models import Notification

    return Notification.objects.filter(kind=wg_messages.SIGNUP_ACCEPTED, object_id__in=group.signups.values("pk"))


def test_form_administrator_accepts_undoes_forms_the_group_and_exports_members(page, demo_site, screenshot_dir):
    from forms.models import WorkingGroup, WorkingGroupSignupPage
    from forms.working_groups import services

    signup_page = WorkingGroupSignupPage.objects.get()
    group = WorkingGroup.objects.get(page=signup_page, name="społeczna")
    group.minimum_members = 2
    group.save()
    services.sign_up(signup_page, groups=[group], full_name="Tomasz Próbny", email="tomasz.probny@example.org",
                     represents="mieszkaniec", motivation="Prowadzę klub seniora.")

    log_in_as_member(page, demo_site, "koordynatorka", "Administratorzy formularzy")
    page.get_by_role("button", name="Partycypacja").click()
    page.get_by_role("link", name="Grupy robocze: zgłoszenia").click()
    page.get_by_role("link", name="Grupy robocze", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grupy robocze")
    assert_no_english(page, label="working groups")
    admin_screenshot(page, screenshot_dir / "wg-groups-before-1280.png")

    def row(name):
        # The person's row in the group's own table (the people of a group follow its heading).
        return page.locator(f"#group-{group.pk} ~ table tr").filter(has_text=name).first

    for name in ("Anna Demo-Kowalska", "Katarzyna Demo-Lewandowska", "Tomasz Próbny"):
        row(name).get_by_role("button", name="Przyjmij").click()
        expect(page.locator(".messages")).to_contain_text("Nikt nie jest jeszcze powiadamiany")
    assert accepted_messages(group).count() == 0  # nothing in the outbox yet
    assert_no_english(page, label="after accepting")

    row("Tomasz Próbny").get_by_role("button", name="Cofnij decyzję").click()
    expect(page.locator(".messages")).to_contain_text("decyzja została cofnięta")
    expect(row("Tomasz Próbny")).to_contain_text("oczekuje na decyzję")
    summary = page.locator("table.listing").first.get_by_role("row").filter(has_text="społeczna")
    expect(summary).to_contain_text("przyjęto wystarczająco osób")
    admin_screenshot(page, screenshot_dir / "wg-groups-decided-1280.png")

    # A colleague (or a second tab) has the same confirmation open: sending it later must tell nobody again.
    with page.context.expect_page() as second_tab_info:
        page.get_by_role("link", name="Oznacz grupę jako utworzoną").click(modifiers=["ControlOrMeta"])
    second_tab = second_tab_info.value
    page.get_by_role("link", name="Oznacz grupę jako utworzoną").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Oznacz grupę „społeczna” jako utworzoną")
    told = page.get_by_role("table", name="Kto dostanie wiadomość")
    expect(told).to_contain_text("Anna Demo-Kowalska")
    expect(told).to_contain_text("Katarzyna Demo-Lewandowska")
    expect(told).not_to_contain_text("Tomasz Próbny")
    assert_no_english(page, label="confirm forming")
    admin_screenshot(page, screenshot_dir / "wg-form-confirm-1280.png")
    assert accepted_messages(group).count() == 0  # the confirmation screen changes nothing
    page.get_by_role("button", name="Tak, oznacz grupę jako utworzoną i powiadom osoby").click()
    expect(page.locator(".messages")).to_contain_text("2 przyjęte osoby dostaną wiadomość")
    assert sorted(accepted_messages(group).values_list("recipients", flat=True)) == [
        "anna.demo@example.org", "katarzyna.demo@example.org"
    ]
    expect(page.get_by_role("link", name="Oznacz grupę jako utworzoną")).to_have_count(0)
    expect(row("Anna Demo-Kowalska").get_by_role("button", name="Cofnij decyzję")).to_have_count(0)
    assert_no_english(page, label="group formed")
    admin_screenshot(page, screenshot_dir / "wg-group-formed-1280.png")

    # The confirmation sent a second time, from the tab opened before: nothing new.
    second_tab.get_by_role("button", name="Tak, oznacz grupę jako utworzoną i powiadom osoby").click()
    expect(second_tab.locator(".messages")).to_contain_text("nikt nie dostanie ponownej wiadomości")
    assert accepted_messages(group).count() == 2
    second_tab.close()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Członkowie (XLSX)").click()
    sheet = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read())).active  # noqa: SIM115
    rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert rows[0][:3] == ["Imię i nazwisko", "E-mail", "Telefon"]
    assert sorted(line[0] for line in rows[1:]) == ["Anna Demo-Kowalska", "Katarzyna Demo-Lewandowska"]

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Członkowie (CSV)").click()
    text = open(download_info.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert sorted(line[1] for line in lines[1:]) == ["anna.demo@example.org", "katarzyna.demo@example.org"]
    assert re.fullmatch(r"czlonkowie-grupy-\d+\.csv", download_info.value.suggested_filename)
