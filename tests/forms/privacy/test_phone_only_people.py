"""People without an e-mail address: those who signed up, sent a submission or were registered for a
workshop by phone or on paper. They keep an empty e-mail (never a made-up address) and are never mailed,
are told apart by phone number, the GDPR finder finds them by phone number (and searches free-text
answers for the number or the address), export and erasure cover them, and retention anonymises them."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forms.consultations import services as consultations
from forms.models import ConsultationSubmission, Registration, WorkingGroupSignup
from forms.privacy import services as gdpr
from forms.working_groups import services as working_groups
from forms.working_groups.models import Channel, NoticeDelivery
from forms.workshops import services as workshops
from notifications.models import Notification

pytestmark = pytest.mark.django_db

PHONE = "600 100 300"


@pytest.fixture
def phone_only_records(form_admin, signup_page, consultation, areas, workshop, sessions,
                       django_capture_on_commit_callbacks):
    received_at = timezone.now() - timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        signup = working_groups.enter_signup(
            signup_page, user=form_admin, channel=Channel.PHONE, received_at=received_at,
            notice_delivery=NoticeDelivery.READ_OUT, groups=[signup_page.open_groups().first()],
            full_name="Halina Telefoniczna", phone=PHONE, represents="mieszkaniec", motivation="Klub seniora.",
        )[0].signup
        submission = consultations.enter_submission(
            consultation, user=form_admin, channel=Channel.PAPER, received_at=received_at,
            notice_delivery=NoticeDelivery.PAPER_CLAUSE, full_name="Halina Telefoniczna", phone="+48 600-100-300",
            represents="mieszkaniec", area=next(iter(areas.values())), title="Ławki", content="Przy Długiej 5.",
        )
    registration = workshops.register(workshop, sessions=[sessions[0]], full_name="Halina Telefoniczna",
                                      email="", phone="600100300")[0].registration
    someone_else = working_groups.sign_up(
        signup_page, groups=[signup_page.open_groups().first()], full_name="Inna", email="inna@example.org",
        phone="601 999 999", represents="mieszkaniec", motivation="Tak.",
    )[0].signup
    return {"signup": signup, "submission": submission, "registration": registration, "other": someone_else}


def test_the_staff_task_goes_to_who_entered_it_when_the_page_names_no_recipients(phone_only_records, form_admin):
    task = Notification.objects.get(kind="working_group_signup_phone_task")
    assert task.recipient_list == [form_admin.email]


def test_the_finder_finds_a_person_without_email_by_phone_number_written_any_way(phone_only_records):
    found = gdpr.find(phone="+48 600-100-300")
    assert [s.pk for s in found.signups] == [phone_only_records["signup"].pk]
    assert [s.pk for s in found.submissions] == [phone_only_records["submission"].pk]
    assert [r.pk for r in found.registrations] == [phone_only_records["registration"].pk]
    # The staff's messages about these records (the call tasks) are part of what is held about the person.
    kinds = {notification.kind for notification in found.notifications}
    assert {"working_group_signup_phone_task", "consultation_submission_phone_task"} <= kinds
    assert gdpr.find(phone="600 100").total == 0  # too short to be a phone number
    assert gdpr.find(email="").total == 0
    assert gdpr.find(phone="601999999").signups == [phone_only_records["other"]]


def test_export_by_phone_holds_the_records_and_the_request_keeps_only_a_hash(phone_only_records, form_admin):
    data = gdpr.export(phone="600100300", user=form_admin)
    assert data["phone"] == "600100300"
    assert data["working_group_signups"][0]["channel"] == "phone"
    assert data["consultation_submissions"][0]["notice_delivery"] == "paper_clause"
    assert "600" not in json.dumps(gdpr.PersonalDataRequest.objects.get().records)
    assert gdpr.PersonalDataRequest.objects.get().email_hash == gdpr.person_hash(phone="+48 600 100 300")


def test_erasure_by_phone_anonymises_every_record_of_the_person_and_no_one_else(phone_only_records, form_admin):
    request = gdpr.erase(phone="600-100-300", user=form_admin)
    assert request.records["working_group_signups"] == 1 and request.records["consultation_submissions"] == 1
    signup = WorkingGroupSignup.objects.get(pk=phone_only_records["signup"].pk)
    submission = ConsultationSubmission.objects.get(pk=phone_only_records["submission"].pk)
    assert (signup.full_name, signup.phone, signup.phone_key, signup.motivation) == (gdpr.ANONYMISED_NAME, "", "", "")
    assert signup.channel == "phone" and signup.anonymised_at  # the channel is a count, kept
    assert (submission.phone, submission.phone_key, submission.content) == ("", "", "")
    assert submission.reference and submission.channel == "paper"
    assert gdpr.find(phone=PHONE).total == 0
    assert not Notification.objects.filter(kind__endswith="phone_task").exclude(recipients="").exists()
    other = WorkingGroupSignup.objects.get(pk=phone_only_records["other"].pk)
    assert other.full_name == "Inna" and other.phone_key == "601999999"


def test_retention_anonymises_entered_records_with_their_late_reason(form_admin, consultation, areas):
    late_page = consultation
    submission = consultations.enter_submission(
        late_page, user=form_admin, channel=Channel.PAPER, received_at=timezone.now() - timedelta(hours=1),
        notice_delivery=NoticeDelivery.PAPER_CLAUSE, full_name="Jan List", phone="22 111 22 33",
        represents="mieszkaniec", area=next(iter(areas.values())), title="T", content="C",
        posted_on=timezone.localdate() - timedelta(days=1), late_reason="Pan Jan List przyniósł osobiście.",
    )
    report = gdpr.anonymise_expired(now=late_page.ends_at + late_page.retention_period + timedelta(days=1))
    submission.refresh_from_db()
    assert report.submissions == 1
    assert (submission.full_name, submission.late_reason, submission.phone_key) == (gdpr.ANONYMISED_NAME, "", "")
    assert submission.channel == "paper" and submission.posted_on is not None


def test_the_personal_data_screen_searches_by_phone(client, form_admin, phone_only_records):
    client.force_login(form_admin)
    html = client.post("/admin/personal-data/", {"email": "", "phone": "600 100 300", "action": "search"}).content
    html = html.decode()
    assert "rekord" in html and "telefonu 600100300" in html and "Ławki" in html
    refused = client.post("/admin/personal-data/", {"email": "", "phone": "12", "action": "search"})
    assert refused.status_code == 400 and "Podaj adres e-mail lub numer telefonu" in refused.content.decode()
    client.post("/admin/personal-data/", {"phone": "600100300", "action": "erase", "confirm": "on"})
    assert WorkingGroupSignup.objects.get(pk=phone_only_records["signup"].pk).anonymised_at is not None

def staff_add(client, page, sessions, **fields):
    data = {"sessions": [s.pk for s in sessions], "full_name": "Jan Telefoniczny", "email": "",
            "phone": "600 700 800", "channel": "phone", "consent": "on", **fields}
    return client.post(f"/admin/registrations/add/{page.pk}/", data)


def test_a_phone_only_person_keeps_an_empty_email_and_gets_no_mail(
        client, form_admin, workshop, sessions, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(form_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_add(client, workshop, [sessions[1]])
    assert response.status_code in (200, 302)
    registration = Registration.objects.get()
    assert registration.email == "" and registration.phone == "600 700 800"
    assert not Notification.objects.filter(recipients__contains="brak-adresu").exists()
    assert not Notification.objects.filter(recipients="").exists()
    assert all("brak-adresu" not in address for m in mailoutbox for address in m.to)


def test_the_same_phone_number_is_one_person_however_it_is_written(client, form_admin, workshop, sessions):
    client.force_login(form_admin)
    staff_add(client, workshop, [sessions[1]])
    response = staff_add(client, workshop, [sessions[1]], phone="600-700-800")
    assert Registration.objects.filter(session=sessions[1]).count() == 1
    assert "numerem telefonu" in response.content.decode()
    # Another person without an address, with another number, gets a place.
    staff_add(client, workshop, [sessions[1]], phone="601 000 000", full_name="Ewa Bez Maila")
    assert Registration.objects.filter(session=sessions[1], email="").count() == 2


def test_the_finder_finds_exports_and_erases_by_phone_number(client, form_admin, workshop, sessions, signup_page):
    client.force_login(form_admin)
    staff_add(client, workshop, [sessions[1]])
    # Someone else mentions the number in an answer: found in text.
    group = signup_page.open_groups().first()
    working_groups.sign_up(signup_page, groups=[group], full_name="Sąsiadka", email="sasiadka@example.org",
                           represents="mieszkaniec", motivation="Proszę dzwonić też do Jana: 600 700 800.")
    data = gdpr.find(phone="+48 600-700-800"[4:])
    assert [r.full_name for r in data.registrations] == ["Jan Telefoniczny"]
    assert [type(r) for r in data.in_text] == [WorkingGroupSignup]

    url = reverse("personal_data_requests")
    page = client.post(url, {"phone": "600 700 800", "action": "search"}).content.decode()
    assert "Jan" not in page or "Znalezione w treści" in page
    assert "Znalezione w treści" in page
    export = client.post(url, {"phone": "600700800", "action": "export"})
    exported = json.loads(export.content)
    assert exported["workshop_registrations"][0]["phone"] == "600 700 800"
    assert exported["workshop_registrations"][0]["email"] == ""
    assert exported["found_in_text"][0]["kind"] == "working_group_signup"

    client.post(url, {"phone": "600 700 800", "action": "erase", "confirm": "on"})
    registration = Registration.objects.get()
    assert registration.phone == "" and registration.anonymised_at is not None
    signup = WorkingGroupSignup.objects.get()
    assert "600 700 800" not in signup.motivation and "[usunięto]" in signup.motivation
    assert signup.full_name == "Sąsiadka"  # someone else's record: only the mention goes


def test_the_finder_searches_free_text_for_an_address(survey, signup_page):
    from wagtail.contrib.forms.models import FormSubmission

    FormSubmission.objects.create(page=survey, form_data={"co_zmienic": "Napiszcie do anna.nowak@example.org"})
    data = gdpr.find("Anna.Nowak@example.org")
    assert len(data.in_text) == 1 and data.counts()["found_in_text"] == 1
