"""Consultation submissions that arrive by e-mail, phone, on paper or in person, entered by a moderator:
inside the period, or after it when posted on time (with the reason); reference number, moderation,
reviewers' areas and the public report (counts per channel, no personal data) as for any other."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from forms.consultations import messages as consultation_messages
from forms.consultations import services as consultations
from forms.models import ConsultationSubmission, WorkingGroup
from forms.working_groups import services as working_groups
from forms.working_groups.models import Channel, NoticeDelivery
from notifications.models import Notification
from tests.forms.fixtures_participation import (
    add_report,
    make_consultation,
    make_signup_page,
    make_user,
    png_bytes,
    submit,
    upload,
)

pytestmark = pytest.mark.django_db


def enter(page, area, user, *, received_at=None, **fields):
    values = {
        "full_name": "Stanisław Listowny", "phone": "(22) 000 00 77", "represents": "mieszkaniec",
        "title": "Ławki przy przystanku", "content": "Proszę o ławki.", "place": "ul. Piaseczyńska",
        "channel": Channel.PAPER, "notice_delivery": NoticeDelivery.PAPER_CLAUSE,
        "received_at": received_at or timezone.now() - timedelta(hours=1), **fields,
    }
    return consultations.enter_submission(page, area=area, user=user, **values)


@pytest.fixture
def ended(site_root):
    """Started 50 days ago, 40 days long: ended 10 days ago."""
    return make_consultation(site_root, starts_at=timezone.now() - timedelta(days=50), slug="zakonczone")


def test_paper_submission_gets_its_number_waits_for_moderation_and_staff_get_a_call_task(
    consultation, areas, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = enter(consultation, areas["przestrzenny"], moderator,
                           attachment=upload("skan.png", png_bytes(), "image/png"))
    submission.refresh_from_db()
    assert submission.reference == f"KS-{timezone.localtime(submission.submit_time).year}-{submission.pk:06d}"
    assert (submission.status, submission.channel, submission.email, submission.phone_key) == (
        "new", "paper", "", "220000077")
    assert submission.attachment and submission.attachment_content_type == "image/png"
    assert submission.entered_by == moderator and submission.notice_delivery == "paper_clause"
    assert all(message.to == ["biuro@example.org"] for message in mailoutbox) and len(mailoutbox) == 2
    task = next(message for message in mailoutbox if message.subject.startswith("Zadanie"))
    assert submission.reference in task.body and "(22) 000 00 77" in task.body and "na papierze" in task.body
    assert Notification.objects.filter(kind=consultation_messages.SUBMISSION_PHONE_TASK).count() == 1
    entry = ModelLogEntry.objects.get(action=consultations.ADD_ACTION)
    assert entry.user == moderator and entry.data["late"] is False and entry.data["channel"] == "paper"


def test_entered_submission_with_email_gets_the_usual_receipt(
    consultation, areas, moderator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = enter(consultation, areas["społeczny"], moderator, email="Jan@Example.org", phone="",
                           channel=Channel.EMAIL, notice_delivery=NoticeDelivery.EMAIL)
    receipt = next(message for message in mailoutbox if message.to == ["jan@example.org"])
    assert submission.reference in receipt.body and "e-mailem" in receipt.body
    assert not Notification.objects.filter(kind=consultation_messages.SUBMISSION_PHONE_TASK).exists()


def test_a_late_letter_counts_only_when_posted_by_the_last_day_and_with_a_reason(ended, areas, moderator):
    area = areas["społeczny"]
    last_day = consultations.last_day_of_posting(ended)
    arrived = ended.ends_at + timedelta(days=2)
    with pytest.raises(consultations.ArrivedLate):
        enter(ended, area, moderator, received_at=arrived)
    with pytest.raises(consultations.ArrivedLate):
        enter(ended, area, moderator, received_at=arrived, posted_on=last_day)  # no reason
    with pytest.raises(consultations.ArrivedLate):
        enter(ended, area, moderator, received_at=arrived, posted_on=last_day + timedelta(days=1),
              late_reason="Poczta.")
    assert not ConsultationSubmission.objects.exists()
    submission = enter(ended, area, moderator, received_at=arrived, posted_on=last_day,
                       late_reason="Nadany w terminie, doręczony po terminie.")
    assert submission.posted_on == last_day and submission.reference
    assert ModelLogEntry.objects.get(action=consultations.ADD_ACTION).data["late"] is True
    # Arrived inside the period but typed in after the end: no posting date needed.
    assert enter(ended, area, moderator, received_at=ended.ends_at - timedelta(hours=1), title="Inny").reference


def test_before_the_start_in_the_future_twice_or_without_permission_is_refused(site_root, consultation, areas,
                                                                               moderator):
    area = areas["społeczny"]
    with pytest.raises(consultations.ConsultationClosed):
        enter(consultation, area, moderator, received_at=consultation.starts_at - timedelta(minutes=1))
    with pytest.raises(consultations.InvalidEntry):
        enter(consultation, area, moderator, received_at=timezone.now() + timedelta(hours=1))
    with pytest.raises(consultations.InvalidEntry):
        enter(consultation, area, moderator, phone="", email="")
    with pytest.raises(PermissionDenied):
        enter(consultation, area, make_user("ktos"))
    first = enter(consultation, area, moderator)
    with pytest.raises(consultations.DuplicateSubmission) as refused:
        enter(consultation, area, moderator, phone="22 000 00 77", title="ŁAWKI PRZY PRZYSTANKU")
    assert first.reference in refused.value.message
    assert ConsultationSubmission.objects.count() == 1


def test_reviewers_see_an_entered_submission_of_their_area_once_it_is_accepted(site_root, consultation, areas,
                                                                               moderator):
    page = make_signup_page(site_root, slug="grupy")
    social = WorkingGroup.objects.create(page=page, name="społeczna", area=areas["społeczny"])
    spatial = WorkingGroup.objects.create(page=page, name="przestrzenna", area=areas["przestrzenny"])
    social_reviewer = make_user("r1", groups=[working_groups.create_reviewers_group(social)])
    spatial_reviewer = make_user("r2", groups=[working_groups.create_reviewers_group(spatial)])
    submission = enter(consultation, areas["przestrzenny"], moderator)
    assert submission not in consultations.submissions_visible_to(spatial_reviewer)
    consultations.moderate(submission, user=moderator, accept=True)
    assert list(consultations.submissions_visible_to(spatial_reviewer)) == [submission]
    assert not consultations.submissions_visible_to(social_reviewer).exists()
    consultations.assess(submission, user=spatial_reviewer, recommendation="include", justification="Zasadne.")
    with pytest.raises(PermissionDenied):
        consultations.assess(submission, user=social_reviewer, recommendation="exclude", justification="Nie.")


def test_the_report_counts_submissions_per_channel_without_personal_data(ended, areas, moderator):
    report_page = add_report(ended)
    online = submit(ended, areas["społeczny"], now=ended.starts_at + timedelta(days=1))
    paper = enter(ended, areas["społeczny"], moderator, received_at=ended.ends_at + timedelta(days=1),
                  posted_on=consultations.last_day_of_posting(ended), late_reason="Poczta.")
    by_phone = enter(ended, areas["społeczny"], moderator, channel=Channel.PHONE, title="Telefoniczna",
                     phone="601 222 333", notice_delivery=NoticeDelivery.READ_OUT,
                     received_at=ended.starts_at + timedelta(days=2))
    for submission in (online, paper, by_phone):
        consultations.moderate(submission, user=moderator, accept=True)
        consultations.assess(submission, user=make_user(f"a{submission.pk}", superuser=True),
                             recommendation="include", justification="Zasadne.")
    report = consultations.report(ended)
    assert report.by_channel == [("przez formularz", 1), ("telefonicznie", 1), ("na papierze", 1)]
    html = Client().get(report_page.url).content.decode()
    assert "przez formularz – 1, telefonicznie – 1, na papierze – 1" in html
    for personal in ("Stanisław Listowny", "000 00 77", "601 222 333", "Poczta.", online.full_name):
        assert personal not in html
    assert "Stanisław" not in consultations.report_csv(ended)


def test_add_screen_is_linked_from_the_submissions_list_and_adds_a_submission(client, consultation, areas, moderator):
    client.force_login(moderator)
    add_url = reverse("participation_add_submission", args=[consultation.pk])
    listing = client.get(reverse("participation_submissions")).content.decode()
    assert add_url in listing and "Dodaj zgłoszenie otrzymane e-mailem, telefonicznie lub na papierze" in listing
    html = client.get(add_url).content.decode()
    assert "Data nadania" in html and 'enctype="multipart/form-data"' in html
    data = {
        "channel": "paper", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "full_name": "Stanisław Listowny", "email": "", "phone": "22 000 00 77", "represents": "mieszkaniec",
        "area": areas["przestrzenny"].pk, "title": "Ławki", "content": "Proszę o ławki.",
        "notice_delivery": "paper_clause", "consent": "on",
        "attachment": upload("skan.png", png_bytes(), "image/png"),
    }
    response = client.post(add_url, data)
    submission = ConsultationSubmission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("participation_submission",
                                                                          args=[submission.pk])
    assert submission.attachment_name == "skan.png" and submission.email == ""
    detail = client.get(response["Location"]).content.decode()
    assert "na papierze" in detail and "zawarta w formularzu papierowym" in detail
    listing = client.get(reverse("participation_submissions"), {"channel": "paper"}).content.decode()
    assert submission.reference in listing
    assert submission.reference not in client.get(reverse("participation_submissions"),
                                                  {"channel": "email"}).content.decode()
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(add_url, {**data, "title": "Inny", "attachment": "", "received_at": future})
    assert refused.status_code == 400 and "Data wpływu nie może być datą przyszłą" in refused.content.decode()
    assert ConsultationSubmission.objects.count() == 1


def test_the_form_asks_for_the_posting_date_and_reason_of_a_late_letter(client, ended, areas, moderator):
    client.force_login(moderator)
    add_url = reverse("participation_add_submission", args=[ended.pk])
    assert add_url in client.get(reverse("participation_submissions")).content.decode()
    data = {
        "channel": "paper", "received_at": timezone.localtime(ended.ends_at + timedelta(days=2)).strftime(
            "%Y-%m-%dT%H:%M"),
        "full_name": "Stanisław Listowny", "phone": "22 000 00 77", "represents": "mieszkaniec",
        "area": areas["przestrzenny"].pk, "title": "Ławki", "content": "Proszę o ławki.",
        "notice_delivery": "paper_clause", "consent": "on",
    }
    refused = client.post(add_url, data).content.decode()
    assert "podaj datę nadania" in refused and "Podaj powód przyjęcia zgłoszenia po terminie" in refused
    late = {**data, "posted_on": (consultations.last_day_of_posting(ended) + timedelta(days=1)).isoformat(),
            "late_reason": "Poczta."}
    response = client.post(add_url, late)
    assert response.status_code == 409 and "po ostatnim dniu konsultacji" in response.content.decode()
    on_time = {**late, "posted_on": consultations.last_day_of_posting(ended).isoformat()}
    assert client.post(add_url, on_time).status_code == 302
    assert ConsultationSubmission.objects.get().late_reason == "Poczta."
