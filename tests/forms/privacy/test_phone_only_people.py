"""Point 8 of issue 13: a person registered by staff with a phone number and no e-mail keeps an empty
e-mail (never a made-up address), is never mailed, is told apart by phone number, and is found, exported
and erased by phone number in the per-person finder, which also searches free-text answers."""

import json

import pytest
from django.urls import reverse

from forms.models import Registration, WorkingGroupSignup
from forms.privacy import services as gdpr
from notifications.models import Notification

pytestmark = pytest.mark.django_db


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
    from forms.working_groups import services as working_groups

    working_groups.sign_up(signup_page, groups=[group], full_name="Sąsiadka", email="sasiadka@example.org",
                           represents="mieszkaniec", motivation="Proszę dzwonić też do Jana: 600 700 800.")
    data = gdpr.find("+48 600-700-800"[4:])
    assert [r.full_name for r in data.registrations] == ["Jan Telefoniczny"]
    assert [type(r) for r in data.in_text] == [WorkingGroupSignup]

    url = reverse("personal_data_requests")
    page = client.post(url, {"email": "600 700 800", "action": "search"}).content.decode()
    assert "Jan" not in page or "Znalezione w treści" in page
    assert "Znalezione w treści" in page
    export = client.post(url, {"email": "600700800", "action": "export"})
    exported = json.loads(export.content)
    assert exported["workshop_registrations"][0]["phone"] == "600 700 800"
    assert exported["workshop_registrations"][0]["email"] == ""
    assert exported["found_in_text"][0]["kind"] == "working_group_signup"

    client.post(url, {"email": "600 700 800", "action": "erase", "confirm": "on"})
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
