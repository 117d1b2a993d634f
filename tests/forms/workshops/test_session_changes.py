"""Issue 15 point 1: a session moved or relocated while people are registered, through the page editor
over HTTP: the editor counts who will be told, publishing sends each confirmed and waitlisted person one
notice with the old and new values and a calendar update (same UID as the confirmation, SEQUENCE raised,
METHOD:REQUEST) read by two independent parsers; reminders follow the new time. A person's own
cancellation and a move by staff cancel the old calendar entry (METHOD:CANCEL)."""

import email
import email.policy
from datetime import UTC, timedelta

import icalendar
import pytest
import vobject
from django.core import mail
from django_q.models import Schedule

from forms.models import Registration, WorkshopPage
from forms.workshops import messages as workshop_messages
from forms.workshops import services
from notifications.models import Notification
from tests.forms.admin_helpers import page_editor_data
from tests.forms.fixtures_admin import (  # noqa: F401 - fixtures
    _isolated,
    form_admin,
    form_index,
    make_workshop,
    site_root,
)

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def workshop(form_index):  # noqa: F811 - the fixture imported above
    """Session 1 has one place (one person confirmed, one waiting), session 2 somebody else."""
    return make_workshop(form_index, capacities=(1, 30))


def calendar_parts(message):
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    return [part for part in parsed.iter_attachments() if part.get_content_type() == "text/calendar"]


def only_event(part):
    """The VEVENT read by icalendar and by vobject (independent of the writer), checked to agree."""
    text = part.get_content()
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    other = vobject.readOne(text)
    assert other.method.value == str(icalendar.Calendar.from_ical(text)["METHOD"])
    assert other.vevent.uid.value == str(event["UID"])
    assert int(other.vevent.sequence.value) == int(event["SEQUENCE"])
    assert other.vevent.dtstart.value.astimezone(UTC) == event.decoded("DTSTART").astimezone(UTC)
    return other, event


def register_three(page, capture):
    first, second = page.sessions.order_by("sort_order")
    with capture(execute=True):
        confirmed = services.register(page, sessions=[first], full_name="Anna Nowak", email="anna@example.org")[0]
        waiting = services.register(page, sessions=[first], full_name="Jan Kowal", email="jan@example.org")[0]
        services.register(page, sessions=[second], full_name="Ewa Lis", email="ewa@example.org")
    return confirmed.registration, waiting.registration


def edit_form(client, page):
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    return response.content.decode(), page_editor_data(response.content.decode())


def post_editor(client, page, data, action):
    data.setdefault("description-count", ["0"])
    data[action] = [action]
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]


def local_field(moment):
    return workshop_messages.local(moment).strftime("%Y-%m-%d %H:%M")


def test_moving_a_session_in_the_editor_tells_each_person_once_with_a_calendar_update(
    client, form_admin, workshop, django_capture_on_commit_callbacks  # noqa: F811 - fixtures
):
    confirmed, waiting = register_three(workshop, django_capture_on_commit_callbacks)
    (confirmation,) = [m for m in mail.outbox if m.to == ["anna@example.org"]]
    (original_part,) = calendar_parts(confirmation)
    _other, original = only_event(original_part)
    assert int(original["SEQUENCE"]) == 0
    session = confirmed.session
    old_start, old_end = session.starts_at, session.ends_at
    # The editor's fields are to the minute.
    new_start, new_end = (moment.replace(second=0, microsecond=0) + timedelta(days=1, hours=1)
                          for moment in (old_start, old_end))
    mail.outbox.clear()
    client.force_login(form_admin)

    # A draft: nothing sent yet, the editor says how many people publishing will tell (no names).
    _html, data = edit_form(client, workshop)
    index = next(i for i in range(5) if data.get(f"sessions-{i}-id") == [str(session.pk)])
    data[f"sessions-{index}-starts_at"] = [local_field(new_start)]
    data[f"sessions-{index}-ends_at"] = [local_field(new_end)]
    with django_capture_on_commit_callbacks(execute=True):
        post_editor(client, workshop, data, "action-draft")  # Wagtail's "save draft" is the default action
    assert mail.outbox == []
    html, data = edit_form(client, workshop)
    assert "Publikacja powiadomi zapisane osoby o tych zmianach" in html
    assert "Sesja 1: 2 osoby dostaną wiadomość" in html
    assert "Anna Nowak" not in html and "anna@example.org" not in html

    with django_capture_on_commit_callbacks(execute=True):
        post_editor(client, workshop, data, "action-publish")

    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "jan@example.org"]
    notice = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert "Zmiana: Sesja 1" in notice.subject
    for old_text, new_text in ((workshop_messages.format_date(old_start), workshop_messages.format_date(new_start)),
                               (workshop_messages.format_time_range(old_start, old_end),
                                workshop_messages.format_time_range(new_start, new_end))):
        assert f"było {old_text}, jest {new_text}" in notice.body
    (part,) = calendar_parts(notice)
    assert part["Content-Type"].params == {"charset": "utf-8", "method": "REQUEST"}
    other, event = only_event(part)
    assert other.method.value == "REQUEST"
    assert str(event["UID"]) == str(original["UID"])
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART").astimezone(UTC) == new_start.astimezone(UTC)
    assert other.vevent.dtend.value.astimezone(UTC) == new_end.astimezone(UTC)
    assert other.vevent.attendee.value == "mailto:anna@example.org"
    assert other.vevent.organizer.value.startswith("mailto:")
    # The waiting person is told as well, with their own entry.
    (waiting_part,) = calendar_parts(next(m for m in mail.outbox if m.to == ["jan@example.org"]))
    assert only_event(waiting_part)[1]["UID"] == f"registration-{waiting.pk}@{original['UID'].split('@')[1]}"

    # Reminders follow the new time.
    schedule = Schedule.objects.get(name=workshop_messages.reminder_schedule_name(session.pk))
    assert schedule.next_run == new_start - timedelta(hours=workshop.reminder_lead_hours)

    # Publishing again without a change tells nobody anything; exactly one notice per person and change.
    mail.outbox.clear()
    page = WorkshopPage.objects.get(pk=workshop.pk)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert mail.outbox == []
    assert Notification.objects.filter(kind=workshop_messages.SESSION_CHANGED).count() == 2


def test_a_new_venue_reaches_every_session_with_the_next_sequence(workshop, django_capture_on_commit_callbacks):
    confirmed, _waiting = register_three(workshop, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    page = WorkshopPage.objects.get(pk=workshop.pk)
    page.venue = "Hala sportowa, ul. Szkolna 7"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "ewa@example.org", "jan@example.org"]
    notice = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert "Miejsce: było Sala posiedzeń, jest Hala sportowa, ul. Szkolna 7" in notice.body
    assert "Data:" not in notice.body.split("Teraz:")[0]  # only what changed is listed as a change
    other, event = only_event(calendar_parts(notice)[0])
    assert (other.vevent.location.value, int(event["SEQUENCE"])) == ("Hala sportowa, ul. Szkolna 7", 1)
    confirmed.session.refresh_from_db()
    assert confirmed.session.calendar_sequence == 1


def test_publishing_an_old_revision_does_not_turn_the_sequence_back(workshop, django_capture_on_commit_callbacks):
    """Sessions are saved from the revision's copy on publish: the announced values must survive it."""
    register_three(workshop, django_capture_on_commit_callbacks)
    stale = WorkshopPage.objects.get(pk=workshop.pk).save_revision()  # holds sequence 0
    page = WorkshopPage.objects.get(pk=workshop.pk)
    page.venue = "Hala sportowa"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        stale.publish()  # back to the old venue: a second change, announced with SEQUENCE 2
    session = workshop.sessions.order_by("sort_order").first()
    session.refresh_from_db()
    assert session.calendar_sequence == 2
    notice = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    assert int(only_event(calendar_parts(notice)[0])[1]["SEQUENCE"]) == 2
    assert "Miejsce: było Hala sportowa, jest Sala posiedzeń" in notice.body


def test_own_cancellation_sends_a_calendar_cancel_for_the_confirmation_entry(
    workshop, django_capture_on_commit_callbacks
):
    confirmed, waiting = register_three(workshop, django_capture_on_commit_callbacks)
    (original,) = calendar_parts(next(m for m in mail.outbox if m.to == ["anna@example.org"]))
    # The waiting person had no calendar entry: their own cancellation carries none.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(waiting)
    assert [calendar_parts(m) for m in mail.outbox] == [[]]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(confirmed)
    cancellation = next(m for m in mail.outbox if m.to == ["anna@example.org"])
    (part,) = calendar_parts(cancellation)
    assert part["Content-Type"].params["method"] == "CANCEL"
    other, event = only_event(part)
    assert (other.method.value, other.vevent.status.value) == ("CANCEL", "CANCELLED")
    assert str(event["UID"]) == str(only_event(original)[1]["UID"])
    assert int(event["SEQUENCE"]) == 1


def test_a_move_by_staff_says_what_moved_and_replaces_the_calendar_entry(
    workshop, django_capture_on_commit_callbacks
):
    confirmed, _waiting = register_three(workshop, django_capture_on_commit_callbacks)
    (original,) = calendar_parts(next(m for m in mail.outbox if m.to == ["anna@example.org"]))
    target = workshop.sessions.get(sort_order=1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.move(confirmed, target)
    (moved,) = [m for m in mail.outbox if m.to == ["anna@example.org"]]  # one message, not a confirmation too
    assert moved.subject.startswith("Twoja rejestracja została przeniesiona: Sesja 2")
    assert "Wcześniej: Sesja 1, " in moved.body and "Teraz: Sesja 2, " in moved.body
    parts = {part["Content-Type"].params["method"]: part for part in calendar_parts(moved)}
    assert sorted(parts) == ["CANCEL", "PUBLISH"]
    assert str(only_event(parts["CANCEL"])[1]["UID"]) == str(only_event(original)[1]["UID"])
    assert str(only_event(parts["PUBLISH"])[1]["UID"]).startswith(f"registration-{outcome.new.pk}@")
    # The freed place went to the person waiting, who is told as before.
    assert any(m.to == ["jan@example.org"] for m in mail.outbox)


def test_reminder_built_for_the_old_time_is_not_sent(workshop, django_capture_on_commit_callbacks):
    confirmed, _waiting = register_three(workshop, django_capture_on_commit_callbacks)
    session = confirmed.session
    old_start = workshop_messages._instant(session.starts_at)
    page = WorkshopPage.objects.get(pk=workshop.pk)
    page.sessions = [*page.sessions.all()]
    moved = next(s for s in page.sessions.all() if s.pk == session.pk)
    moved.starts_at += timedelta(hours=3)
    moved.ends_at += timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert workshop_messages.queue_session_reminders(session.pk, old_start) == 0
