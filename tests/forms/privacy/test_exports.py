"""Exports of personal data: every cell that a spreadsheet would run as a formula is neutralised
(checked by opening the XLSX with openpyxl), only form administrators export, and exports are logged."""

import csv
import io

import openpyxl
import pytest
from wagtail.models import PageLogEntry

from forms.models import Registration
from forms.privacy.exports import FORMULA_PREFIXES, neutralise
from forms.workshops import services

pytestmark = pytest.mark.django_db

EVIL = {
    "full_name": '=HYPERLINK("http://example.org/x","Kliknij")',
    "phone": "+48 600 100 200",
    "extra": "@SUM(1+1)",
}


@pytest.fixture
def evil_registrations(workshop, sessions):
    outcomes = [
        services.register(workshop, sessions=[sessions[1]], full_name=EVIL["full_name"], email="a@example.org",
                          phone=EVIL["phone"])[0],
        services.register(workshop, sessions=[sessions[1]], full_name="-2+3", email="b@example.org")[0],
        services.register(workshop, sessions=[sessions[1]], full_name="\tTab", email="c@example.org")[0],
        services.register(workshop, sessions=[sessions[1]], full_name="\rCR", email="d@example.org")[0],
        services.register(workshop, sessions=[sessions[1]], full_name=EVIL["extra"], email="e@example.org")[0],
        services.register(workshop, sessions=[sessions[1]], full_name="Zwykła Osoba", email="f@example.org")[0],
    ]
    return [outcome.registration for outcome in outcomes]


def assert_no_formula(values):
    for value in values:
        if isinstance(value, str):
            assert not value.startswith(FORMULA_PREFIXES), repr(value)


def xlsx_cells(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                                 if response.streaming else response.content))
    sheet = workbook.active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    # A text that starts like a formula carries Excel's (invisible) quote prefix: shown here as the
    # apostrophe Excel displays in the formula bar.
    return [f"'{cell.value}" if cell.quotePrefix else cell.value for cell in cells]


def csv_cells(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return [value for row in csv.reader(io.StringIO(content), delimiter=";") for value in row]


def test_neutralise_covers_every_prefix_and_leaves_the_rest():
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{prefix}1+1") == f"'{prefix}1+1"
    assert neutralise("Anna") == "Anna"
    assert neutralise(5) == 5
    assert neutralise(None) is None


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_registration_export_neutralises_formulas(client, form_admin, workshop, evil_registrations, export_format):
    client.force_login(form_admin)
    response = client.get("/admin/registrations/", {"page": workshop.pk, "export": export_format})
    assert response.status_code == 200
    values = xlsx_cells(response) if export_format == "xlsx" else csv_cells(response)
    assert_no_formula(values)
    assert "'" + EVIL["full_name"] in values
    assert "'" + EVIL["phone"] in values
    # (Leading tabs and CRs are stripped from names by the service; ``neutralise`` covers them too.)
    assert "'-2+3" in values and "'@SUM(1+1)" in values
    assert "Zwykła Osoba" in values


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_wagtail_submissions_export_neutralises_formulas(client, form_admin, workshop, evil_registrations,
                                                          export_format):
    client.force_login(form_admin)
    response = client.get(f"/admin/forms/submissions/{workshop.pk}/", {"export": export_format})
    assert response.status_code == 200
    values = xlsx_cells(response) if export_format == "xlsx" else csv_cells(response)
    assert_no_formula(values)
    assert "'" + EVIL["full_name"] in values


def test_consultation_and_signup_exports_neutralise_formulas(client, form_admin, consultation, areas, signup_page):
    from forms.consultations import services as consultations
    from forms.working_groups import services as working_groups

    consultations.submit(consultation, full_name="=1+1", email="x@example.org", represents="mieszkaniec",
                         area=next(iter(areas.values())), title="+tytuł", content="-treść")
    working_groups.sign_up(signup_page, groups=[signup_page.open_groups().first()], full_name="@osoba",
                           email="y@example.org", represents="mieszkaniec", motivation="=motywacja")
    client.force_login(form_admin)
    for page in (consultation, signup_page):
        values = xlsx_cells(client.get(f"/admin/forms/submissions/{page.pk}/", {"export": "xlsx"}))
        assert_no_formula(values)
    values = csv_cells(client.get(f"/admin/forms/submissions/{consultation.pk}/", {"export": "csv"}))
    assert "'=1+1" in values and "'+tytuł" in values and "'-treść" in values


def test_exports_are_logged_with_who_and_what(client, form_admin, workshop, evil_registrations):
    client.force_login(form_admin)
    client.get("/admin/registrations/", {"page": workshop.pk, "status": "confirmed", "export": "xlsx"})
    client.get(f"/admin/forms/submissions/{workshop.pk}/", {"export": "csv"})
    client.get(f"/admin/registrations/sessions/{evil_registrations[0].session_id}/attendance/")
    entries = list(PageLogEntry.objects.filter(action="strategy_forms.export", page=workshop).order_by("pk"))
    assert [entry.data["format"] for entry in entries] == ["xlsx", "csv", "print"]
    assert all(entry.user == form_admin for entry in entries)
    assert entries[0].data["what"] == "registrations"
    assert entries[0].data["filters"] == {"page": str(workshop.pk), "status": "confirmed"}
    assert entries[0].data["rows"] == len(evil_registrations)
    assert entries[1].data["what"] == "form_submissions"


def test_anonymous_and_editor_cannot_export(client, editor, workshop, evil_registrations):
    for url in (f"/admin/registrations/?export=xlsx&page={workshop.pk}",
                f"/admin/forms/submissions/{workshop.pk}/?export=csv"):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
        client.force_login(editor)
        assert client.get(url).status_code == 403
    assert not PageLogEntry.objects.filter(action="strategy_forms.export").exists()


def test_registrations_cannot_be_deleted_from_wagtails_listing(client, form_admin, workshop, registration):
    client.force_login(form_admin)
    url = f"/admin/forms/submissions/{workshop.pk}/delete/?selected-submissions={registration.pk}"
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert Registration.objects.filter(pk=registration.pk).exists()
    listing = client.get(f"/admin/forms/submissions/{workshop.pk}/").content.decode()
    assert "Anna Nowak" in listing
    assert "delete_submissions" not in listing and "selected-submissions" not in listing


def test_survey_answers_can_still_be_deleted_by_form_administrators(client, form_admin, survey, survey_answer):
    client.force_login(form_admin)
    response = client.post(f"/admin/forms/submissions/{survey.pk}/delete/?selected-submissions={survey_answer.pk}")
    assert response.status_code == 302
    assert not type(survey_answer).objects.filter(pk=survey_answer.pk).exists()


def test_public_report_csv_uses_the_same_function():
    from forms.consultations import services as consultations

    assert consultations.csv_safe("=1") == neutralise("=1")
    assert consultations.FORMULA_PREFIXES == FORMULA_PREFIXES
