"""The public consultation report: only after the period, only assessed submissions, never personal data."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from forms.consultations import services as consultations
from forms.models import ConsultationSubmission
from tests.forms.fixtures_participation import add_report, make_consultation, make_user, submit, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_consultation(site_root, areas, moderator, groups):
    """A consultation that ended yesterday, with accepted+assessed, accepted-only, rejected and new submissions."""
    starts = timezone.now() - timedelta(days=41)
    page = make_consultation(site_root, starts_at=starts, days=40, slug="zakonczone")
    admin = make_user("admin", superuser=True)
    submitted = starts + timedelta(days=2)

    def add(number, area, **fields):
        return submit(page, areas[area], number, now=submitted, **fields)

    assessed = [
        add(1, "społeczny", title="Żłobek w Jeziornie", place="ul. Mirkowska 1",
            attachment=upload("skan.pdf", b"%PDF-1.4\n")),
        add(2, "środowiskowy", title="=HYPERLINK(\"http://zly.example\")"),
        add(3, "przestrzenny", title="Ścieżka rowerowa", represents="rada sołecka"),
    ]
    for submission, (recommendation, trends) in zip(
        assessed, [("include", ["napływ młodych rodzin"]), ("exclude", ["-ryzyko"]), ("partially", ["dojazdy"])],
        strict=True,
    ):
        consultations.moderate(submission, user=moderator, accept=True)
        consultations.assess(submission, user=admin, recommendation=recommendation,
                             justification=f"Uzasadnienie {submission.pk}.", trends=trends)
    not_assessed = add(4, "gospodarczy", title="Jeszcze nieocenione")
    consultations.moderate(not_assessed, user=moderator, accept=True)
    rejected = add(5, "gospodarczy", title="Reklama sklepu")
    consultations.moderate(rejected, user=moderator, accept=False, reason="Nie na temat.")
    add(6, "społeczny", title="Nowe bez moderacji")
    return page


def personal_data():
    values = []
    for submission in ConsultationSubmission.objects.all():
        values += [submission.full_name, submission.email, submission.phone]
    values += [value for value in ConsultationSubmission.objects.values_list("place", flat=True) if value]
    values += [value for value in ConsultationSubmission.objects.values_list("attachment_name", flat=True) if value]
    assert len(values) >= 18
    return values


def test_the_report_lists_assessed_submissions_with_trends_per_area(ended_consultation, client):
    report_page = add_report(ended_consultation)
    response = client.get(report_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Żłobek w Jeziornie" in html and "Ścieżka rowerowa" in html
    assert "napływ młodych rodzin" in html and "dojazdy" in html
    assert "rada sołecka" in html
    for absent in ("Jeszcze nieocenione", "Reklama sklepu", "Nowe bez moderacji"):
        assert absent not in html
    report = response.context["report"]
    assert (report.received, report.accepted, report.rejected, report.assessed) == (6, 4, 1, 3)


def test_the_report_and_its_csv_contain_no_personal_data(ended_consultation, client):
    report_page = add_report(ended_consultation)
    html = client.get(report_page.url).content.decode()
    csv_text = client.get(report_page.url + "csv/").content.decode("utf-8-sig")
    for value in personal_data():
        assert value not in html, value
        assert value not in csv_text, value
    assert "/participation/submissions/" not in html and "attachment" not in html.lower()


def test_the_csv_has_the_report_rows_and_neutralises_formulas(ended_consultation, client):
    report_page = add_report(ended_consultation)
    response = client.get(report_page.url + "csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + 3
    titles = [row[3] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://zly.example\")" in titles
    assert "Żłobek w Jeziornie" in titles
    assert any(row[6] == "'-ryzyko" for row in rows[1:])


def test_csv_safe_covers_every_formula_prefix():
    for prefix in ("=", "+", "-", "@", "\t", "\r"):
        assert consultations.csv_safe(f"{prefix}1+1") == f"'{prefix}1+1"
    assert consultations.csv_safe("Zwykły tekst") == "Zwykły tekst"


def test_before_the_consultation_ends_the_report_shows_only_a_notice(consultation, areas, moderator, client):
    submission = submit(consultation, areas["społeczny"], title="Tajne przed końcem")
    consultations.moderate(submission, user=moderator, accept=True)
    consultations.assess(submission, user=make_user("admin", superuser=True), recommendation="include",
                         justification="Tak.")
    report_page = add_report(consultation)
    response = client.get(report_page.url)
    assert response.status_code == 200
    assert "report" not in response.context
    assert "Tajne przed końcem" not in response.content.decode()
    assert client.get(report_page.url + "csv/").status_code == 404
