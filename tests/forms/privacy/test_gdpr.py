"""GDPR: the retention task anonymises exactly what is past its period (counts survive), and one
person's data is exported whole and erased without trace; the notice is linked from every form."""

import json
from datetime import timedelta

import pytest
from django_q.models import Schedule
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import ModelLogEntry, PageLogEntry

from forms.consultations import services as consultations
from forms.models import (
    ConsultationSubmission,
    DataProtectionNotice,
    PersonalDataRequest,
    Registration,
    WorkingGroupSignup,
)
from forms.privacy import services as gdpr
from forms.privacy import tasks
from forms.workshops import services
from notifications.models import Notification
from tests.forms.fixtures_admin import make_workshop

pytestmark = pytest.mark.django_db

EMAIL = "anna.nowak@example.org"


def test_the_daily_schedule_exists():
    schedule = Schedule.objects.get(name=tasks.RETENTION_SCHEDULE_NAME)
    assert schedule.func == "forms.privacy.tasks.anonymise_expired_personal_data"
    assert schedule.schedule_type == Schedule.DAILY and schedule.repeats == -1


def register_past(page, session, name, email):
    return services.register(page, sessions=[session], full_name=name, email=email, phone="600 000 000",
                             enforce_window=False)[0].registration


@pytest.fixture
def past_workshop(form_index):
    return make_workshop(form_index, slug="dawne", capacities=(1,), starts_in=-timedelta(days=100))


@pytest.fixture
def recent_workshop(form_index):
    return make_workshop(form_index, slug="niedawne", capacities=(5,), starts_in=-timedelta(days=10))


def test_retention_anonymises_exactly_what_is_past_its_period(past_workshop, recent_workshop):
    old_session = past_workshop.sessions.get()
    old = [register_past(past_workshop, old_session, f"Stara {i}", f"stara{i}@example.org") for i in range(3)]
    # Cancelled before the session started (statuses: cancelled, confirmed (promoted), waitlisted).
    services.cancel(old[0], now=old_session.starts_at - timedelta(days=1))
    recent = register_past(recent_workshop, recent_workshop.sessions.get(), "Nowa", "nowa@example.org")
    counts_before = dict(Registration.objects.filter(page=past_workshop).values_list("pk", "status"))

    report = gdpr.anonymise_expired()

    assert report.registrations == 3
    for registration in Registration.objects.filter(page=past_workshop):
        assert registration.full_name == gdpr.ANONYMISED_NAME
        assert registration.email.endswith("@invalid") and "stara" not in registration.email
        assert registration.phone == "" and registration.anonymised_at is not None
    # Counts and statuses survive.
    assert dict(Registration.objects.filter(page=past_workshop).values_list("pk", "status")) == counts_before
    recent.refresh_from_db()
    assert recent.full_name == "Nowa" and recent.email == "nowa@example.org" and recent.anonymised_at is None
    # Outbox rows about them keep no address.
    assert not Notification.objects.filter(recipients__contains="stara").exists()
    assert Notification.objects.filter(recipients__contains="nowa@example.org").exists()
    assert PageLogEntry.objects.filter(page=past_workshop, action=gdpr.ANONYMISE_ACTION).count() == 1

    # Idempotent: nothing more to do.
    assert gdpr.anonymise_expired().total == 0
    assert PageLogEntry.objects.filter(page=past_workshop, action=gdpr.ANONYMISE_ACTION).count() == 1


def test_retention_period_is_per_page(past_workshop):
    register_past(past_workshop, past_workshop.sessions.get(), "Stara", "stara@example.org")
    past_workshop.retention_days = 365
    past_workshop.save()
    assert gdpr.anonymise_expired().registrations == 0
    past_workshop.retention_days = None  # empty: the default 90 days
    past_workshop.save()
    assert gdpr.anonymise_expired().registrations == 1


def test_retention_of_consultations_keeps_report_and_assessment(consultation, submission, form_admin, reviewer):
    consultations.moderate(submission, user=form_admin, accept=True)
    consultations.assess(submission, user=reviewer, recommendation="include", justification="Zasadne.",
                         trends=["zieleń"])
    now = consultation.ends_at + timedelta(days=91)
    report_before = consultations.report_csv(consultation)

    assert gdpr.anonymise_expired(now=now).submissions == 1

    submission.refresh_from_db()
    assert submission.full_name == gdpr.ANONYMISED_NAME and submission.content == "" and submission.place == ""
    assert not submission.attachment and submission.attachment_name == ""
    assert submission.title == "Więcej ławek" and submission.status == "accepted"
    assert submission.assessment.recommendation == "include"
    assert consultations.report_csv(consultation) == report_before
    assert ConsultationSubmission.objects.filter(page=consultation).count() == 1


def test_retention_of_signups_and_survey_answers(signup_page, signup, survey, survey_answer):
    later = signup_page.signup_closes_at + timedelta(days=91)
    report = gdpr.anonymise_expired(now=later)
    assert report.signups == 1 and report.survey_answers == 1
    signup.refresh_from_db()
    assert signup.full_name == gdpr.ANONYMISED_NAME and signup.motivation == "" and signup.status == "pending"
    survey_answer.refresh_from_db()
    assert survey_answer.form_data["e_mail"] == "" and survey_answer.form_data["co_zmienic"] == ""
    assert survey_answer.form_data["wiek"] == "30-60"  # a choice: kept for the counts
    assert FormSubmission.objects.filter(page=survey).count() == 1


def test_the_task_runs_the_service(past_workshop):
    register_past(past_workshop, past_workshop.sessions.get(), "Stara", "stara@example.org")
    assert tasks.anonymise_expired_personal_data()["registrations"] == 1


@pytest.fixture
def everything(registration, signup, submission, survey_answer):
    return {"registration": registration, "signup": signup, "submission": submission, "survey_answer": survey_answer}


def test_export_contains_every_record_of_the_person(client, form_admin, everything):
    client.force_login(form_admin)
    response = client.post("/admin/personal-data/", {"email": "ANNA.NOWAK@example.org", "action": "export"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert [r["id"] for r in data["workshop_registrations"]] == [everything["registration"].pk]
    assert [s["id"] for s in data["working_group_signups"]] == [everything["signup"].pk]
    assert [s["id"] for s in data["consultation_submissions"]] == [everything["submission"].pk]
    assert [s["id"] for s in data["survey_answers"]] == [everything["survey_answer"].pk]
    assert data["notifications"], "the messages sent to the person"
    assert data["workshop_registrations"][0]["full_name"] == "Anna Nowak"
    request = PersonalDataRequest.objects.get(action="export")
    assert request.requested_by == form_admin and request.email_hash == gdpr.email_hash(EMAIL)
    entry = ModelLogEntry.objects.get(action=gdpr.EXPORT_ACTION)
    assert EMAIL not in json.dumps(entry.data) and entry.data["email_sha256"] == request.email_hash


def test_search_lists_the_records(client, form_admin, everything):
    client.force_login(form_admin)
    html = client.post("/admin/personal-data/", {"email": EMAIL, "action": "search"}).content.decode()
    assert "Więcej ławek" in html and "Sesja 1" in html


def test_erasure_leaves_nothing_about_the_person(client, form_admin, workshop, sessions, everything,
                                                 django_capture_on_commit_callbacks):
    # The person holds the last place of session 1; someone is waiting for it.
    services.register(workshop, sessions=[sessions[0]], full_name="Druga", email="druga@example.org")
    waiting = services.register(workshop, sessions=[sessions[0]], full_name="Trzecia",
                                email="trzecia@example.org")[0].registration
    attachment = everything["submission"].attachment.path
    client.force_login(form_admin)

    assert client.post("/admin/personal-data/", {"email": EMAIL, "action": "erase"}).status_code == 400  # unconfirmed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/personal-data/", {"email": EMAIL, "action": "erase", "confirm": "on"})
    assert response.status_code == 200

    assert gdpr.find(EMAIL).total == 0
    for model, fields in ((Registration, ("full_name", "email", "phone", "form_data")),
                          (WorkingGroupSignup, ("full_name", "email", "phone", "motivation")),
                          (ConsultationSubmission, ("full_name", "email", "phone", "content", "place"))):
        for row in model.objects.values(*fields):
            assert "Nowak" not in json.dumps(row, ensure_ascii=False), row
            assert "anna" not in json.dumps(row).lower(), row
    assert not FormSubmission.objects.filter(form_data__icontains="anna").exists()
    assert not Notification.objects.filter(recipients__icontains="anna").exists()
    assert not ModelLogEntry.objects.filter(label__icontains="Nowak").exists()
    import os

    assert not os.path.exists(attachment)
    # Her place in a session to come was cancelled through the service: the first waiter moved up.
    everything["registration"].refresh_from_db()
    assert everything["registration"].status == Registration.Status.CANCELLED
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    # The records themselves (counts) survive.
    assert Registration.objects.filter(pk=everything["registration"].pk).exists()
    assert ConsultationSubmission.objects.count() == 1
    entry = ModelLogEntry.objects.get(action=gdpr.ERASE_ACTION)
    assert entry.user == form_admin and "anna" not in json.dumps(entry.data).lower()


def test_notice_is_public_and_linked_from_every_form(client, workshop, signup_page, consultation, survey):
    from forms.privacy.demo import NOTICE, NOTICE_TITLE

    notice = DataProtectionNotice.objects.create(title=NOTICE_TITLE, is_default=True, **NOTICE)
    html = client.get(notice.get_absolute_url()).content.decode()
    assert "Prezes" in html and "Urzędu Ochrony Danych Osobowych" in html  # the default complaint text
    assert "iod@konstancinjeziorna.pl" in html
    for page in (workshop, signup_page, consultation, survey):
        assert notice.get_absolute_url() in client.get(page.url).content.decode(), page

    own = DataProtectionNotice.objects.create(title="Inna klauzula", controller="<p>A</p>", dpo_contact="<p>B</p>",
                                              purposes="<p>C</p>", legal_basis="<p>D</p>", recipients="<p>E</p>",
                                              retention="<p>F</p>")
    workshop.data_protection_notice = own
    workshop.save_revision().publish()
    assert own.get_absolute_url() in client.get(workshop.url).content.decode()


def test_only_one_default_notice(db):
    first = DataProtectionNotice.objects.create(title="1", is_default=True, controller="x", dpo_contact="x",
                                                purposes="x", legal_basis="x", recipients="x", retention="x")
    DataProtectionNotice.objects.create(title="2", is_default=True, controller="x", dpo_contact="x",
                                        purposes="x", legal_basis="x", recipients="x", retention="x")
    first.refresh_from_db()
    assert not first.is_default
