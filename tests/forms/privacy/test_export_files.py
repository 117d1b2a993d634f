"""The exported files themselves (issue 14, points 3 and 4): local times, the complete registrations
export filtered like the list, formula-safe and control-character-safe cells, Polish-Excel CSV, the
XLSX layout; read back by independent readers (Python's csv, a naive split, calamine, LibreOffice)."""

import csv
import datetime
import io
import shutil
import subprocess
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook
from wagtail.log_actions import log

from forms.models import Registration, WorkshopFormField, WorkshopSession
from forms.privacy.exports import csv_text, write_xlsx
from forms.workshops import services

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")
HOSTILE = ["=1+1", "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3", "Jan;=1+1;", "Ala,=2+2", 'x;"=3+3']
CONTROL = "Jan\x0bKowal\x1bski"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(data):
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def assert_no_formula_however_split(data):
    """Split on ; or , with no CSV parsing at all (as a careless import does): no piece is a formula."""
    text = data.decode("utf-8-sig")
    for separator in (";", ","):
        for line in text.splitlines():
            for piece in line.split(separator):
                assert not piece.strip().strip('"').lstrip().startswith(FORMULA_START[:4]), (separator, piece)


def calamine_rows(data):
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.fixture
def evening_workshop(workshop):
    """A 17:00 Warsaw session (16:00 UTC) in winter, an extra question, and people in it."""
    WorkshopFormField.objects.create(page=workshop, sort_order=0, label="Potrzebna pomoc", field_type="multiline",
                                     required=False)
    session = WorkshopSession.objects.create(
        page=workshop, sort_order=5, title="Sesja wieczorna", capacity=1,
        starts_at=datetime.datetime(2027, 1, 17, 17, 0, tzinfo=WARSAW),
        ends_at=datetime.datetime(2027, 1, 17, 19, 0, tzinfo=WARSAW),
    )
    people = []
    for index, name in enumerate(["Anna Nowak", *HOSTILE, CONTROL]):
        outcome = services.register(workshop, sessions=[session], full_name=name, email=f"osoba{index}@example.org",
                                    form_data={"potrzebna_pomoc": f"pętla indukcyjna {index}\x0b"})[0]
        people.append(outcome.registration)
    # Someone in another session, which the session filter leaves out.
    other = workshop.sessions.exclude(pk=session.pk).first()
    services.register(workshop, sessions=[other], full_name="Inna Sesja", email="inna@example.org")
    return session, people


def test_registrations_xlsx_is_complete_local_and_filtered_like_the_list(client, form_admin, evening_workshop):
    session, people = evening_workshop
    client.force_login(form_admin)
    response = client.get("/admin/registrations/", {"session": session.pk, "export": "xlsx"})
    assert response.status_code == 200
    data = content(response)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "Rejestracje"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{len(people) + 1}"
    header = [cell.value for cell in sheet[1]]
    assert header == ["Warsztaty", "Sesja", "Początek sesji", "Imię i nazwisko", "E-mail", "Telefon", "Stan",
                      "Pozycja na liście rezerwowej", "Źródło", "Obecność", "Data zgłoszenia", "Anulowano",
                      "Potrzebna pomoc"]
    assert all(cell.font.b for cell in sheet[1])
    assert 10 <= sheet.column_dimensions["D"].width <= 60
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(people)
    by_name = {row[3].value: row for row in rows}
    assert "Inna Sesja" not in by_name
    first = by_name["Anna Nowak"]
    assert first[2].value == datetime.datetime(2027, 1, 17, 17, 0)
    assert first[2].number_format == "dd.mm.yyyy hh:mm"
    assert first[6].value == "potwierdzone" and first[7].value is None
    registered = timezone.localtime(people[0].submit_time).replace(tzinfo=None, second=0, microsecond=0)
    assert first[10].value == registered and first[10].number_format == "dd.mm.yyyy hh:mm"
    assert first[12].value == "pętla indukcyjna 0\ufffd"
    # The second and later people wait, numbered in order of arrival.
    assert [by_name[name][7].value for name in HOSTILE] == list(range(1, len(HOSTILE) + 1))
    # Hostile names are text cells shown as typed (no visible apostrophe), with Excel's quote prefix.
    for name in HOSTILE:
        cell = by_name[name][3]
        assert cell.data_type == "s" and cell.value == name
        assert cell.quotePrefix == name.startswith(FORMULA_START)
    assert "Jan\ufffdKowal\ufffdski" in by_name
    # An independent reader sees the same.
    values = calamine_rows(data)
    assert values[0] == header
    assert datetime.datetime(2027, 1, 17, 17, 0) in [row[2] for row in values[1:]]
    assert set(HOSTILE) <= {row[3] for row in values}


def test_registrations_csv_opens_in_polish_excel_and_never_splits_into_a_formula(client, form_admin,
                                                                                evening_workshop):
    session, people = evening_workshop
    client.force_login(form_admin)
    response = client.get("/admin/registrations/", {"session": session.pk, "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = content(response)
    rows = csv_rows(data)
    assert rows[0][2] == "Początek sesji" and rows[0][-1] == "Potrzebna pomoc"
    assert len(rows) == len(people) + 1
    by_name = {row[3]: row for row in rows[1:]}
    assert by_name["Anna Nowak"][2] == "17.01.2027 17:00"
    assert by_name["'=1+1"][7] == "1"
    assert {"'=1+1", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3", "Jan;'=1+1;", "Ala,'=2+2"} <= set(by_name)
    assert "Jan\ufffdKowal\ufffdski" in by_name
    assert "+00:00" not in data.decode("utf-8-sig")
    assert_no_formula_however_split(data)


def test_libreoffice_reads_the_xlsx_local_times_and_no_formula(tmp_path):
    # Debian's libreoffice-calc-nogui (installed by scripts/test).
    assert shutil.which("soffice"), "LibreOffice (libreoffice-calc-nogui) is needed to read the XLSX independently"
    moment = datetime.datetime(2027, 1, 17, 16, 0, 30, 123456, tzinfo=datetime.UTC)
    with open(tmp_path / "export.xlsx", "wb") as output:
        write_xlsx(output, ["Imię", "Początek"], [[name, moment] for name in [*HOSTILE, CONTROL]], title="Rejestracje")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):59,34,76", "--outdir", str(tmp_path),
                    str(tmp_path / "export.xlsx")], check=True, capture_output=True, timeout=120)
    rows = list(csv.reader(open(tmp_path / "export.csv", encoding="utf-8"), delimiter=";"))  # noqa: SIM115
    # LibreOffice would show "2" for a live =1+1 and an error for the others.
    assert [row[0] for row in rows[1:]] == [*HOSTILE, "Jan\ufffdKowal\ufffdski"]
    assert {row[1] for row in rows[1:]} == {"17.01.2027 17:00"}


def test_csv_writer_neutralises_at_every_split_boundary():
    data = csv_text(["Imię"], [[name] for name in HOSTILE]).encode()
    assert [row[0] for row in csv_rows(data)[1:]] == [
        "'=1+1", "'@SUM(A1)", "'+cmd|' /C calc'!A0", "'-2+3", "Jan;'=1+1;", "Ala,'=2+2", "x;\"'=3+3",
    ]
    assert_no_formula_however_split(data)


def test_inspect_view_shows_local_times(client, form_admin, evening_workshop):
    session, people = evening_workshop
    Registration.objects.filter(pk=people[0].pk).update(
        submit_time=datetime.datetime(2027, 1, 10, 20, 5, 33, tzinfo=datetime.UTC))
    client.force_login(form_admin)
    html = client.get(f"/admin/registrations/inspect/{people[0].pk}/").content.decode()
    assert "10 stycznia 2027 21:05" in html and "20:05" not in html
    # Empty times and the unmarked attendance read "—", not Python's "None".
    fields = html[html.index("<dl"):html.index("</dl>")]
    assert "None" not in fields and "—" in fields
    listing = client.get("/admin/registrations/", {"session": session.pk}).content.decode()
    assert "10.01.2027 21:05" in listing


def test_site_history_export_is_neutralised(client, form_admin, evening_workshop):
    session, people = evening_workshop
    entry = log(people[1], "strategy_forms.registration_cancel", user=form_admin)
    client.force_login(form_admin)
    csv_data = content(client.get("/admin/reports/site-history/", {"export": "csv"}))
    assert_no_formula_however_split(csv_data)
    xlsx = client.get("/admin/reports/site-history/", {"export": "xlsx"})
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(content(xlsx))).active
    assert sheet.title == "Historia serwisu" and sheet.freeze_panes == "A2"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    local = timezone.localtime(entry.timestamp).replace(tzinfo=None, second=0, microsecond=0)
    assert local in [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]


def test_a_control_character_from_a_public_post_breaks_no_export(client, form_admin, form_index):
    from django.core.management import call_command

    from forms.models import ConsultationPage, SurveyPage, WorkingGroupSignupPage, WorkshopPage

    call_command("load_demo_content", stdout=io.StringIO())
    workshop = WorkshopPage.objects.live().get()
    survey = SurveyPage.objects.live().get()
    signup = WorkingGroupSignupPage.objects.live().get()
    consultation = next(page for page in ConsultationPage.objects.live() if page.is_open())
    help_field = workshop.form_fields.get(field_type="multiline").clean_name
    session = next(s for s in workshop.sessions_with_places() if s.places_left)
    posted = client.post(workshop.url, {"full_name": "Jan Kowalski", "email": "jan.k@example.org", "phone": "",
                                        "sessions": [session.pk], "consent": "on", help_field: "=1+1\x0b\x1b"})
    assert posted.status_code == 303  # redirect to the signed result page
    assert Registration.objects.get(email="jan.k@example.org").form_data[help_field] == "=1+1\x0b\x1b"
    answers = {field.clean_name: "Tak\x0b\x1b" for field in survey.form_fields.filter(field_type="multiline")}
    answers.update({field.clean_name: field.choices.splitlines()[0] for field in
                    survey.form_fields.filter(field_type__in=["radio", "dropdown"])})
    assert client.post(survey.url, answers).status_code == 200
    assert survey.get_submission_class().objects.filter(page=survey).exists()
    client.force_login(form_admin)
    urls = ["/admin/registrations/", "/admin/reports/site-history/"] + [
        f"/admin/forms/submissions/{page.pk}/" for page in (workshop, survey, signup, consultation)]
    for url in urls:
        for export_format in ("xlsx", "csv"):
            response = client.get(url, {"export": export_format})
            assert response.status_code == 200, (url, export_format)
            data = content(response)
            if export_format == "xlsx":
                assert calamine_rows(data) and openpyxl.load_workbook(io.BytesIO(data)).active.max_row >= 1
            else:
                assert csv_rows(data)
    rows = calamine_rows(content(client.get(f"/admin/forms/submissions/{workshop.pk}/", {"export": "xlsx"})))
    assert [value for row in rows for value in row if str(value).startswith("=1+1")] == ["=1+1\ufffd\ufffd"]


@pytest.mark.parametrize("user_fixture", ["editor", "reviewer"])
def test_editors_and_reviewers_get_403_for_every_personal_data_export(request, client, user_fixture, workshop,
                                                                     survey, signup_page, consultation,
                                                                     registration):
    client.force_login(request.getfixturevalue(user_fixture))
    urls = ["/admin/registrations/"] + [f"/admin/forms/submissions/{page.pk}/"
                                        for page in (workshop, survey, signup_page, consultation)]
    for url in urls:
        for export_format in ("xlsx", "csv"):
            assert client.get(url, {"export": export_format}).status_code == 403, (url, export_format)
    # The site history is theirs to export, without the entries about personal-data records.
    log(registration, "strategy_forms.registration_cancel", user=None)
    rows = csv_rows(content(client.get("/admin/reports/site-history/", {"export": "csv"})))
    assert not [row for row in rows if "Anna" in ";".join(row) or "Sesja 1" in ";".join(row)]
