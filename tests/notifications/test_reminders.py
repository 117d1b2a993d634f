"""Reminders: one django-q2 schedule per session at the right time, sent only to confirmed people."""

from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_q.models import Schedule

from forms.models import WorkshopSession
from forms.workshops import messages as workshop_messages
from forms.workshops import services
from notifications.models import Notification

from .conftest import make_workshop, register

pytestmark = pytest.mark.django_db


def reminder_schedule(session):
    return Schedule.objects.get(name=f"session-reminder-{session.pk}")


def run_reminder(schedule, django_capture_on_commit_callbacks):
    """What the cluster does when the schedule is due: call the task with the schedule's arguments."""
    import ast

    from forms.workshops import tasks

    with django_capture_on_commit_callbacks(execute=True):
        return tasks.send_session_reminders(*ast.literal_eval(schedule.args))


def test_reminder_is_scheduled_lead_time_before_each_session(db):
    page = make_workshop(capacities=(10, 10), reminder_lead_hours=24)
    for session in page.sessions.all():
        schedule = reminder_schedule(session)
        assert schedule.schedule_type == Schedule.ONCE
        assert schedule.func == "forms.workshops.tasks.send_session_reminders"
        assert schedule.next_run == session.starts_at - timedelta(hours=24)


def test_changing_lead_time_or_start_reschedules(db):
    page = make_workshop(reminder_lead_hours=24)
    session = page.sessions.get()
    page.reminder_lead_hours = 3
    page.save()
    workshop_messages.sessions_published(page)
    assert reminder_schedule(session).next_run == session.starts_at - timedelta(hours=3)
    session.starts_at += timedelta(days=1)
    session.ends_at += timedelta(days=1)
    session.save()
    workshop_messages.sessions_published(page)
    assert reminder_schedule(session).next_run == session.starts_at - timedelta(hours=3)
    assert Schedule.objects.filter(name=f"session-reminder-{session.pk}").count() == 1


def test_no_reminder_when_turned_off_or_session_removed(db):
    page = make_workshop(capacities=(10, 10))
    first, second = page.sessions.order_by("sort_order")
    second.delete()
    workshop_messages.sessions_published(page)
    assert not Schedule.objects.filter(name=f"session-reminder-{second.pk}").exists()
    page.reminder_lead_hours = 0
    workshop_messages.sessions_published(page)
    assert not Schedule.objects.filter(name=f"session-reminder-{first.pk}").exists()


def test_reminder_inside_the_lead_time_is_sent_right_away(db):
    page = make_workshop()
    session = page.sessions.get()
    WorkshopSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() + timedelta(hours=5), ends_at=timezone.now() + timedelta(hours=6)
    )
    before = timezone.now()
    workshop_messages.sessions_published(page)
    assert before <= reminder_schedule(session).next_run <= timezone.now()


def test_reminders_go_to_confirmed_people_only_and_once(db, django_capture_on_commit_callbacks):
    page = make_workshop(capacities=(2,))
    session = page.sessions.get()
    staying = register(page, session, name="Zostaje", email="zostaje@example.org")
    leaving = register(page, session, name="Rezygnuje", email="rezygnuje@example.org")
    register(page, session, name="Czeka", email="czeka@example.org")  # waitlisted, promoted below
    register(page, session, name="Też czeka", email="tez-czeka@example.org")  # stays on the waitlist
    services.cancel(leaving.registration)
    schedule = reminder_schedule(session)
    mail.outbox.clear()

    assert run_reminder(schedule, django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["czeka@example.org", "zostaje@example.org"]
    message = next(m for m in mail.outbox if m.to == ["zostaje@example.org"])
    assert message.subject.startswith("Przypomnienie: Sesja 1: diagnoza")
    assert "17:00–18:30" in message.body and "Sala posiedzeń" in message.body

    assert run_reminder(schedule, django_capture_on_commit_callbacks) == 0  # a re-run sends nothing new
    assert len(mail.outbox) == 2
    assert staying.registration.pk in Notification.objects.filter(kind="session_reminder").values_list(
        "object_id", flat=True
    )


def test_a_reminder_queued_before_a_cancellation_is_skipped(db, django_capture_on_commit_callbacks):
    from notifications import services as outbox

    page = make_workshop()
    session = page.sessions.get()
    outcome = register(page, session)
    workshop_messages.queue_session_reminders(session.pk, session.starts_at.astimezone(UTC).isoformat())
    services.cancel(outcome.registration)
    reminder = Notification.objects.get(kind="session_reminder")
    mail.outbox.clear()
    assert outbox.send(reminder.pk) == Notification.Status.SKIPPED
    assert mail.outbox == []


def test_a_stale_schedule_of_a_moved_session_sends_nothing(db, django_capture_on_commit_callbacks):
    page = make_workshop()
    session = page.sessions.get()
    register(page, session)
    old_schedule = reminder_schedule(session)
    WorkshopSession.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + timedelta(days=2), ends_at=session.ends_at + timedelta(days=2)
    )
    mail.outbox.clear()
    assert run_reminder(old_schedule, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_staff_digest_once_a_day(db, django_capture_on_commit_callbacks):
    page = make_workshop(staff_notifications="digest", recipients="biuro@example.org", capacity_alerts=False)
    assert Schedule.objects.get(name="staff-digest").schedule_type == Schedule.DAILY
    session = page.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        register(page, session)
        register(page, session, name="Jan Kowalski", email="jan@example.org")
    assert [m.to for m in mail.outbox] == [["anna.nowak@example.org"], ["jan@example.org"]]  # no per-registration mail
    mail.outbox.clear()
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert workshop_messages.queue_staff_digests(day=today) == 1
        assert workshop_messages.queue_staff_digests(day=today) == 0
        assert workshop_messages.queue_staff_digests(day=today - timedelta(days=1)) == 0  # nothing happened that day
    (digest,) = mail.outbox
    assert digest.to == ["biuro@example.org"]
    assert "Anna Nowak" in digest.body and "Jan Kowalski" in digest.body
    assert "2 z 30" in digest.body
