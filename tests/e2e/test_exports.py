"""A form administrator (not a superuser) filters the workshop registrations by session in the Polish
admin, downloads the XLSX and the CSV by clicking, and the files hold what the list shows: local times
(the 17:00 Warsaw session reads 17:00), the extra answers under their questions' labels, hostile names
neutralised and a control character harmless (issue 14, points 3 and 4)."""

import csv
import datetime
import io
import re

import openpyxl
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from .helpers import log_in_as_member
from .polish import assert_no_english

SESSION = "Obszar społeczny"
HOSTILE = ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "Jan;=1+1;"]
HELP_LABEL = "Czy potrzebujesz pomocy, aby wziąć udział?"


def register_residents(workshop):
    from forms.workshops import services

    session = workshop.sessions.get(title=SESSION)
    help_field = workshop.form_fields.get(label=HELP_LABEL).clean_name
    for index, name in enumerate(HOSTILE):
        services.register(workshop, sessions=[session], full_name=name, email=f"wrogi{index}@example.org",
                          form_data={help_field: f"pętla indukcyjna\x0b{index}\x1b"})
    # Someone in another session, whom the session filter leaves out.
    other = workshop.sessions.exclude(pk=session.pk).first()
    services.register(workshop, sessions=[other], full_name="Osoba Spoza Filtra", email="inna@example.org")
    return session


def session_label(session):
    from forms.workshops.admin import _session_label

    return _session_label(session)


def download(page, name, path, screenshot=None):
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("^(Działania|Akcje)$")).click()
        if screenshot:
            page.screenshot(path=str(screenshot), full_page=True)
            assert_no_english(page, label="registrations list, export menu")
        page.get_by_role("link", name=name).click()
    info.value.save_as(path)
    page.keyboard.press("Escape")  # the menu stays open after a download
    expect(page.get_by_role("link", name=name)).to_be_hidden()
    return path.read_bytes()


def test_form_administrator_filters_and_exports_registrations(page, demo_site, screenshot_dir):
    workshop = demo_site.pages["workshop"]
    session = register_residents(workshop)
    starts = datetime.datetime.combine(session.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=1)))
                                       .date(), datetime.time(17, 0))

    log_in_as_member(page, demo_site, "urzedniczka", "Administratorzy formularzy")
    page.get_by_role("button", name="Partycypacja").click()
    page.get_by_role("link", name="Zgłoszenia na warsztaty").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Zgłoszenia")
    page.screenshot(path=str(screenshot_dir / "exports-registrations-list.png"), full_page=True)
    assert_no_english(page, label="registrations list")
    # Filter by session, by clicking, as the list offers it.
    page.get_by_role("button", name="Pokaż filtry").click()
    page.get_by_role("button", name="Sesja", exact=True).click()
    page.get_by_role("combobox", name="Sesja").select_option(label=session_label(session))
    expect(page.get_by_role("row").filter(has_text="Osoba Spoza Filtra")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="Jan;=1+1;")).to_have_count(1)
    page.get_by_role("button", name="Pokaż filtry").click()  # closes the filter menu
    expect(page.get_by_role("combobox", name="Sesja")).to_be_hidden()
    page.screenshot(path=str(screenshot_dir / "exports-registrations-filtered.png"), full_page=True)
    assert_no_english(page, label="filtered registrations list")

    # The files are kept with the screenshots, to be opened by hand.
    xlsx = download(page, "Pobierz XLSX", screenshot_dir / "exports-rejestracje.xlsx",
                    screenshot=screenshot_dir / "exports-registrations-export-menu.png")
    csv_data = download(page, "Pobierz CSV", screenshot_dir / "exports-rejestracje.csv")
    expected_rows = session.registrations.count()

    # XLSX: a named sheet, local 17:00 as a real date cell, the extra answer under its label.
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert sheet.title == "Rejestracje" and sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[2] == "Początek sesji" and HELP_LABEL in header
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == expected_rows
    assert {row[2] for row in rows} == {starts}
    assert "Osoba Spoza Filtra" not in {row[3] for row in rows}
    by_name = {row[3]: row for row in rows}
    answer = header.index(HELP_LABEL)
    assert by_name["Jan;=1+1;"][answer] == "pętla indukcyjna\ufffd4\ufffd"
    for name in HOSTILE:
        cell = next(row for row in sheet.iter_rows(min_row=2) if row[3].value == name)[3]
        assert cell.data_type == "s" and cell.quotePrefix == (name[0] in "=+-@")
    calamine = CalamineWorkbook.from_filelike(io.BytesIO(xlsx)).get_sheet_by_index(0).to_python()
    assert set(HOSTILE) <= {row[3] for row in calamine}

    # CSV for Polish Excel: BOM, ";", local time as text, every formula start neutralised.
    assert csv_data.startswith("\ufeff".encode())
    text = csv_data.decode("utf-8-sig")
    parsed = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert parsed[0] == header and len(parsed) == expected_rows + 1
    names = {row[3] for row in parsed[1:]}
    assert {"'=1+1", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3", "Jan;'=1+1;"} <= names
    assert {row[2] for row in parsed[1:]} == {starts.strftime("%d.%m.%Y 17:00")}
    for line in text.splitlines():
        for piece in line.split(";"):
            assert not piece.strip('"').startswith(("=", "+", "-", "@")), piece
