"""Every workshop message in sync mode: who gets it, what it says, and the calendar file."""

import re
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from forms.models import Registration, WorkshopPage
from forms.surveys import messages as survey_messages
from forms.workshops import services
from forms.workshops.models import validate_placeholders
from notifications.models import Notification

from .conftest import STAFF, WARSAW, make_workshop, register

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


def to(address):
    return [message for message in mail.outbox if message.to == [address]]


def ics_event(message):
    (attachment,) = [a for a in message.attachments if a.get_filename().endswith(".ics")]
    assert attachment.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def html_part(message):
    (html, mimetype), = message.alternatives
    assert mimetype == "text/html"
    return html


def test_confirmation_has_session_details_cancel_link_and_ics(quiet_workshop, django_capture_on_commit_callbacks):
    session = quiet_workshop.sessions.get(sort_order=0)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = register(quiet_workshop, session)

    (message,) = mail.outbox
    assert message.to == ["anna.nowak@example.org"]
    assert message.subject.startswith("Potwierdzenie zapisu: Sesja 1: diagnoza")
    local_start = session.starts_at.astimezone(WARSAW)
    assert local_start.hour == 17
    body = message.body
    assert "Anna Nowak" in body and "Warsztaty diagnostyczne" in body
    assert "17:00–18:30" in body  # Warsaw wall-clock time, not UTC
    assert "Sala posiedzeń, ul. Piaseczyńska 77" in body
    # The token carries the second it was signed in, so it is read back from the link, not signed again.
    link = re.search(r"https?://[^\s]+/rejestracja/anuluj/([^/\s]+)/", body)
    assert link and services.registration_from_cancel_token(link.group(1)) == outcome.registration
    cancel_path = reverse("strategy_forms:cancel_registration", args=[link.group(1)])
    assert cancel_path in link.group(0)
    months = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
              "października", "listopada", "grudnia"]
    assert f"{local_start.day} {months[local_start.month - 1]} {local_start.year}" in body
    # The HTML alternative carries the same text, escaped, with the link clickable.
    html = html_part(message)
    assert "Anna Nowak" in html and 'href="http' in html and cancel_path in html
    assert message.extra_headers["Message-ID"] == Notification.objects.get(kind=Kind.REGISTRATION_CONFIRMED).message_id

    calendar, event = ics_event(message)
    assert event["DTSTART"].params["TZID"] == "Europe/Warsaw"
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTSTART").astimezone(WARSAW).hour == 17
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["LOCATION"]) == "Sala posiedzeń, ul. Piaseczyńska 77"
    assert "Sesja 1: diagnoza" in str(event["SUMMARY"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Warsaw"]
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(hours=1)


def test_waitlisted_message_gives_the_position(quiet_workshop, django_capture_on_commit_callbacks):
    session = quiet_workshop.sessions.get(sort_order=0)  # 2 places
    for index in range(2):
        register(quiet_workshop, session, name=f"Osoba {index}", email=f"osoba{index}@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        register(quiet_workshop, session, name="Pierwsza Czekająca", email="czeka1@example.org")
        register(quiet_workshop, session, name="Druga Czekająca", email="czeka2@example.org")

    (first,) = to("czeka1@example.org")
    (second,) = to("czeka2@example.org")
    assert first.subject.startswith("Lista rezerwowa")
    assert "pozycja 1" in first.body or "pozycji 1" in first.body
    assert "pozycja 2" in second.body or "pozycji 2" in second.body
    assert first.attachments == []  # no calendar entry without a place


def test_cancellation_confirms_and_promotes_the_first_waiter(quiet_workshop, django_capture_on_commit_callbacks):
    session = quiet_workshop.sessions.get(sort_order=0)
    leaving = register(quiet_workshop, session, name="Odchodzący", email="odchodzi@example.org").registration
    register(quiet_workshop, session, name="Zostaje", email="zostaje@example.org")
    register(quiet_workshop, session, name="Czekająca", email="czeka@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(leaving)

    (cancelled,) = to("odchodzi@example.org")
    assert cancelled.subject.startswith("Rezygnacja przyjęta")
    # The confirmed place had a calendar entry: the cancellation removes it (issue 15).
    calendar, event = ics_event(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]).startswith(f"registration-{leaving.pk}@")
    (promoted,) = to("czeka@example.org")
    assert promoted.subject.startswith("Zwolniło się miejsce")
    assert "17:00–18:30" in promoted.body
    _, event = ics_event(promoted)
    assert event.decoded("DTSTART") == session.starts_at
    assert to("zostaje@example.org") == []


def test_nothing_is_recorded_or_sent_for_a_rolled_back_registration(quiet_workshop, django_capture_on_commit_callbacks):
    session = quiet_workshop.sessions.get(sort_order=0)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        register(quiet_workshop, session)
        raise RuntimeError("the request failed after registering")
    assert Registration.objects.count() == 0
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_page_texts_override_defaults_with_whitelisted_placeholders(db, django_capture_on_commit_callbacks):
    page = make_workshop(
        confirmation_subject="Do zobaczenia, {imie_nazwisko}!",
        confirmation_text="{sesja} – {data}, {godzina}, {miejsce}. Rezygnacja: {link_anulowania} ",
    )
    # Past the editor's validation (e.g. text saved before a placeholder was renamed):
    WorkshopPage.objects.filter(pk=page.pk).update(
        confirmation_text=page.confirmation_text + "{imie_nazwisko.__class__} {nieznane}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        register(page, page.sessions.get())
    (message,) = mail.outbox
    # What the person typed never reaches a subject (issue 13): the name placeholder is dropped there.
    assert message.subject == "Do zobaczenia!"
    assert message.body.startswith("Sesja 1: diagnoza – ")
    assert "17:00–18:30, Sala posiedzeń" in message.body
    # No attribute access and no surprises: anything not whitelisted stays as written.
    assert "{imie_nazwisko.__class__} {nieznane}" in message.body
    assert message.attachments  # the calendar file comes with a custom text too


def test_unknown_placeholders_are_refused_in_the_editor():
    validate_placeholders("Dzień dobry {imie_nazwisko}, {sesja} {data} {godzina} {miejsce} {link_anulowania}")
    with pytest.raises(ValidationError):
        validate_placeholders("Dzień dobry {imie}")


def test_staff_get_one_mail_per_registration(workshop, django_capture_on_commit_callbacks):
    session = workshop.sessions.get(sort_order=1)
    with django_capture_on_commit_callbacks(execute=True):
        register(workshop, session)
    staff = [m for m in mail.outbox if m.to != ["anna.nowak@example.org"]]
    (message,) = staff
    assert message.to == [address.strip() for address in STAFF.split(",")]
    assert message.subject.startswith("Nowe zgłoszenie")
    assert "Anna Nowak" in message.body and "anna.nowak@example.org" in message.body
    assert "1 z 30" in message.body


def test_no_staff_mail_without_recipients_or_when_off(db, django_capture_on_commit_callbacks):
    silent = make_workshop(staff_notifications="off", recipients=STAFF, capacity_alerts=False)
    nobody = make_workshop()
    with django_capture_on_commit_callbacks(execute=True):
        register(silent, silent.sessions.get())
        register(nobody, nobody.sessions.get(), email="inna@example.org")
    assert sorted(m.to[0] for m in mail.outbox) == ["anna.nowak@example.org", "inna@example.org"]


def test_capacity_alerts_once_at_80_and_100_percent(db, django_capture_on_commit_callbacks):
    page = make_workshop(capacities=(5,), recipients="biuro@example.org", staff_notifications="off")
    session = page.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = [register(page, session, email=f"o{i}@example.org") for i in range(4)]
    alerts = to("biuro@example.org")
    assert [m.subject for m in alerts] == [m.subject for m in alerts if "zapełnia" in m.subject]
    assert len(alerts) == 1 and "80" in alerts[0].body
    with django_capture_on_commit_callbacks(execute=True):
        register(page, session, email="o5@example.org")
        services.cancel(outcomes[0].registration)
        register(page, session, email="o6@example.org")  # full again: no second alert
    alerts = to("biuro@example.org")
    assert len(alerts) == 2
    assert "pełna" in alerts[1].subject
    assert Notification.objects.filter(kind=Kind.CAPACITY_ALERT).count() == 2


def test_a_session_filling_at_once_gets_only_the_full_alert(db, django_capture_on_commit_callbacks):
    page = make_workshop(capacities=(1,), recipients="biuro@example.org", staff_notifications="off")
    with django_capture_on_commit_callbacks(execute=True):
        register(page, page.sessions.get())
    alerts = to("biuro@example.org")
    assert len(alerts) == 1 and "pełna" in alerts[0].subject
    assert set(Notification.objects.filter(kind=Kind.CAPACITY_ALERT).values_list("status", flat=True)) == {
        "sent", "skipped"
    }


def test_survey_answers_go_to_its_to_address(db, django_capture_on_commit_callbacks):
    from wagtail.models import Site

    from forms.models import SurveyFormField, SurveyPage

    root = Site.objects.get(is_default_site=True).root_page
    survey = SurveyPage(title="Ankieta o transporcie", to_address="ankiety@example.org", subject="Nowa ankieta")
    root.add_child(instance=survey)
    SurveyFormField.objects.create(page=survey, label="Jak dojeżdżasz?", field_type="singleline", sort_order=0)
    submission_class = survey.get_submission_class()
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_class.objects.create(page=survey, form_data={"jak_dojezdzasz": "Rowerem"})
        survey_messages.form_submitted(submission)
    (message,) = mail.outbox
    assert message.to == ["ankiety@example.org"]
    assert message.subject == "Nowa ankieta"
    assert "Jak dojeżdżasz?: Rowerem" in message.body
