"""Issue 15 point 1: staff cancel a session or a whole workshop with a reason, over HTTP as a form
administrator: everyone registered is told (the reason, METHOD:CANCEL with the entry's UID and a higher
SEQUENCE), registrations are cancelled, nobody is promoted, reminders go; editors and reviewers get 403."""

import email
import email.policy

import icalendar
import pytest
import vobject
from django.core import mail
from django.urls import reverse
from django_q.models import Schedule
from wagtail.models import PageLogEntry

from forms.models import Registration
from forms.workshops import messages as workshop_messages
from forms.workshops import services

pytestmark = pytest.mark.django_db
Status = Registration.Status
REASON = "Sala jest zalana po awarii instalacji; nowy termin ogłosimy na stronie."


@pytest.fixture
def people(workshop, sessions, django_capture_on_commit_callbacks):
    """Session 1 (2 places): two confirmed, one waiting; session 2: one confirmed."""
    with django_capture_on_commit_callbacks(execute=True):
        for index, session in enumerate([sessions[0]] * 3 + [sessions[1]]):
            services.register(workshop, sessions=[session], full_name=f"Osoba {index}",
                              email=f"osoba{index}@example.org")
    mail.outbox.clear()
    return list(Registration.objects.order_by("pk"))


def calendar_events(message):
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    parts = [part for part in parsed.iter_attachments() if part.get_content_type() == "text/calendar"]
    events = []
    for part in parts:
        text = part.get_content()
        (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
        parsed_by_vobject = vobject.readOne(text)
        assert (parsed_by_vobject.method.value, parsed_by_vobject.vevent.uid.value) == ("CANCEL", str(event["UID"]))
        assert int(parsed_by_vobject.vevent.sequence.value) == int(event["SEQUENCE"])
        events.append(event)
    return events


def test_form_admin_cancels_a_session_with_a_reason_and_everyone_is_told(
    client, form_admin, workshop, sessions, people, django_capture_on_commit_callbacks
):
    client.force_login(form_admin)
    overview = client.get(reverse("registrations:workshops")).content.decode()
    url = reverse("registrations:cancel_session", args=[sessions[0].pk])
    assert f'href="{url}"' in overview
    page = client.get(url).content.decode()
    assert "3 osoby dostaną wiadomość z podanym powodem" in page
    assert "Osoba 0" not in page  # counts, not names

    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Podaj powód: trafi do wszystkich zapisanych." in response.content.decode()
    assert Registration.objects.filter(session=sessions[0], status=Status.CANCELLED).count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["osoba0@example.org", "osoba1@example.org", "osoba2@example.org"]
    for message in mail.outbox:
        assert message.subject.startswith("Sesja odwołana: Sesja 1")
        assert f"Powód: {REASON}" in message.body
    confirmed_mail = next(m for m in mail.outbox if m.to == ["osoba0@example.org"])
    (event,) = calendar_events(confirmed_mail)
    assert str(event["UID"]) == f"registration-{people[0].pk}@{str(event['UID']).split('@')[1]}"
    assert int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CANCELLED"
    # The person who was waiting never had an entry: no calendar file for them.
    assert calendar_events(next(m for m in mail.outbox if m.to == ["osoba2@example.org"])) == []

    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {"osoba0@example.org": Status.CANCELLED, "osoba1@example.org": Status.CANCELLED,
                        "osoba2@example.org": Status.CANCELLED, "osoba3@example.org": Status.CONFIRMED}
    assert not Schedule.objects.filter(name=workshop_messages.reminder_schedule_name(sessions[0].pk)).exists()
    assert Schedule.objects.filter(name=workshop_messages.reminder_schedule_name(sessions[1].pk)).exists()
    overview = client.get(reverse("registrations:workshops")).content.decode()
    assert "odwołana" in overview and f'href="{url}"' not in overview

    # The public form no longer offers it; a forged post for it is refused without a 500.
    public = client.get(workshop.url).content.decode()
    assert "Sesja 1" not in public
    outcome = services.register(workshop, sessions=[sessions[0]], full_name="Ktoś", email="ktos@example.org")[0]
    assert outcome.refused and str(outcome.message) == "Ta sesja została odwołana."

    # Cancelling again changes nothing and sends nothing.
    mail.outbox.clear()
    assert client.get(url).status_code == 404
    workshop_publish = workshop.save_revision()
    with django_capture_on_commit_callbacks(execute=True):
        workshop_publish.publish()  # the cancelled session's fields survive publishing an older copy
    sessions[0].refresh_from_db()
    assert sessions[0].is_cancelled and mail.outbox == []


def test_form_admin_cancels_the_whole_workshop(client, form_admin, workshop, sessions, people,
                                               django_capture_on_commit_callbacks):
    client.force_login(form_admin)
    url = reverse("registrations:cancel_workshop", args=[workshop.pk])
    assert f'href="{url}"' in client.get(reverse("registrations:workshops")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reason": REASON}).status_code == 302
    assert len(mail.outbox) == 4
    assert not Registration.objects.filter(status__in=Registration.ACTIVE_STATUSES).exists()
    assert PageLogEntry.objects.filter(page=workshop, action="strategy_forms.workshop_cancel").count() == 1
    assert client.get(url).status_code == 404  # nothing left to cancel


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_editors_and_reviewers_cannot_cancel_sessions(client, request, role, workshop, sessions, people):
    client.force_login(request.getfixturevalue(role))
    for url in (reverse("registrations:cancel_session", args=[sessions[0].pk]),
                reverse("registrations:cancel_workshop", args=[workshop.pk])):
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": REASON}).status_code == 403
    assert Registration.objects.filter(status=Status.CANCELLED).count() == 0
