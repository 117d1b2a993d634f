"""Seam between the registration service and notifications.

The service calls these functions inside its transaction (with the session row
locked). They only *record* messages in the outbox (``notifications.services``);
the send tasks are queued after the commit, with primary keys, so nothing is
sent for a transaction that rolls back and no e-mail is sent inside a request.
Keys name what a message is about, so each is recorded, and sent, once.

Reminders are django-q2 schedules, one per session ("session-reminder-<pk>"),
(re)set whenever the workshop page is published; the reminder task records one
message per registration confirmed at that moment.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule

from notifications import services as outbox
from notifications.models import Notification
from notifications.schedules import delete_schedule, set_schedule

Kind = Notification.Kind

REMINDER_TASK = "forms.tasks.send_session_reminders"
REMINDER_SCHEDULE_PREFIX = "session-reminder-"
DIGEST_TASK = "forms.tasks.send_staff_digests"
DIGEST_SCHEDULE = "staff-digest"
CAPACITY_ALERT_THRESHOLDS = (80, 100)  # percent of a session's places


def _instant(moment):
    """A datetime as a stable string (UTC), for keys and schedule arguments."""
    return moment.astimezone(UTC).isoformat()


# Seams called by forms.services --------------------------------------------------


def registration_created(registration):
    from .models import Registration

    session = registration.session
    page = session.page
    confirmed = registration.status == Registration.Status.CONFIRMED
    outbox.enqueue(
        key=f"registration:{registration.pk}:{registration.status}",
        kind=Kind.REGISTRATION_CONFIRMED if confirmed else Kind.REGISTRATION_WAITLISTED,
        recipients=[registration.email],
        target=registration,
        page=page,
    )
    if page.staff_notifications == page.StaffNotifications.EACH:
        outbox.enqueue(
            key=f"registration:{registration.pk}:staff",
            kind=Kind.STAFF_REGISTRATION,
            recipients=page.notification_recipients,
            target=registration,
            page=page,
        )
    if confirmed:
        _capacity_alerts(session)


def registration_cancelled(registration, *, by_staff=False):
    outbox.enqueue(
        key=f"registration:{registration.pk}:cancelled",
        kind=Kind.REGISTRATION_CANCELLED,
        recipients=[registration.email],
        target=registration,
        page=registration.session.page,
        params={"by_staff": by_staff},
    )


def registration_promoted(registration):
    outbox.enqueue(
        key=f"registration:{registration.pk}:promoted",
        kind=Kind.REGISTRATION_PROMOTED,
        recipients=[registration.email],
        target=registration,
        page=registration.session.page,
    )
    _capacity_alerts(registration.session)


def form_submitted(submission):
    """A plain survey was submitted: staff are told through the queue, never inside the request."""
    page = submission.page.specific
    outbox.enqueue(
        key=f"submission:{submission.pk}",
        kind=Kind.SURVEY_SUBMISSION,
        recipients=getattr(page, "to_address", ""),
        target=submission,
        page=page,
    )


def sessions_published(page):
    """A workshop page was published: session times or the reminder lead time may have changed."""
    schedule_reminders(page)
    if page.staff_notifications == page.StaffNotifications.DIGEST:
        ensure_digest_schedule()


def _capacity_alerts(session):
    """Alert staff once when a session reaches 80 % and once at 100 % (the keys keep it once)."""
    from .models import Registration

    page = session.page
    if not page.capacity_alerts or not page.notification_recipients.strip():
        return
    confirmed = session.registrations.filter(status=Registration.Status.CONFIRMED).count()
    for threshold in CAPACITY_ALERT_THRESHOLDS:
        if confirmed * 100 >= threshold * session.capacity:
            outbox.enqueue(
                key=f"alert:{session.pk}:{threshold}",
                kind=Kind.CAPACITY_ALERT,
                recipients=page.notification_recipients,
                target=session,
                page=page,
                params={"threshold": threshold},
            )


# Reminders ----------------------------------------------------------------------------


def reminder_schedule_name(session_id):
    return f"{REMINDER_SCHEDULE_PREFIX}{session_id}"


def reminder_time(session, page):
    return session.starts_at - timedelta(hours=page.reminder_lead_hours)


def schedule_reminders(page, now=None):
    """One django-q2 ONCE schedule per future session at (start − lead time); moved when times change."""
    from .models import WorkshopSession

    now = now or timezone.now()
    sessions = list(WorkshopSession.objects.filter(page_id=page.pk))
    for session in sessions:
        name = reminder_schedule_name(session.pk)
        if not page.reminder_lead_hours or session.starts_at <= now:
            delete_schedule(name)
            continue
        # Published less than the lead time before the start: remind right away.
        run_at = max(reminder_time(session, page), now)
        set_schedule(name, REMINDER_TASK, session.pk, _instant(session.starts_at), next_run=run_at)
    _delete_orphan_reminder_schedules()


def _delete_orphan_reminder_schedules():
    """Schedules of sessions that were removed from their page."""
    from .models import WorkshopSession

    schedules = Schedule.objects.filter(name__startswith=REMINDER_SCHEDULE_PREFIX, func=REMINDER_TASK)
    by_session = {}
    for schedule_id, name in schedules.values_list("pk", "name"):
        suffix = name.removeprefix(REMINDER_SCHEDULE_PREFIX)
        if suffix.isdigit():
            by_session[int(suffix)] = schedule_id
    existing = set(WorkshopSession.objects.filter(pk__in=by_session).values_list("pk", flat=True))
    Schedule.objects.filter(pk__in=[pk for session_id, pk in by_session.items() if session_id not in existing]).delete()


def queue_session_reminders(session_id, starts_at, now=None):
    """Record a reminder for each registration confirmed now; returns how many were new.

    ``starts_at`` is the start the schedule was made for: if the session has moved
    since, this run is stale and the schedule for the new time does the work.
    """
    from .models import Registration, WorkshopSession

    now = now or timezone.now()
    session = WorkshopSession.objects.select_related("page").filter(pk=session_id).first()
    if session is None or _instant(session.starts_at) != starts_at or session.starts_at <= now:
        return 0
    recorded = 0
    with transaction.atomic():
        for registration in session.registrations.filter(status=Registration.Status.CONFIRMED).order_by("pk"):
            registration.session = session
            recorded += bool(
                outbox.enqueue(
                    key=f"reminder:{registration.pk}:{starts_at}",
                    kind=Kind.SESSION_REMINDER,
                    recipients=[registration.email],
                    target=registration,
                    page=session.page,
                    params={"starts_at": starts_at},
                )
            )
    return recorded


# Staff digest ---------------------------------------------------------------------------


def _zone():
    return ZoneInfo(settings.TIME_ZONE)


def digest_window(day):
    """The local calendar day ``day`` (a date or ISO string) as [start, end) instants."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    start = datetime.combine(day, time.min, tzinfo=_zone())
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=_zone())


def ensure_digest_schedule(now=None):
    """The daily django-q2 schedule of staff digests, created the first time a page asks for digests."""
    if Schedule.objects.filter(name=DIGEST_SCHEDULE).exists():
        return
    now = timezone.localtime(now or timezone.now(), _zone())
    hour = getattr(settings, "NOTIFICATIONS_DIGEST_HOUR", 7)
    first_run = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if first_run <= now:
        first_run += timedelta(days=1)
    set_schedule(DIGEST_SCHEDULE, DIGEST_TASK, next_run=first_run, schedule_type=Schedule.DAILY)


def queue_staff_digests(day=None, now=None):
    """Record yesterday's digest (by default) for every page that asked for one and had activity."""
    from .models import Registration, WorkshopPage

    if day is None:
        day = timezone.localtime(now or timezone.now(), _zone()).date() - timedelta(days=1)
    start, end = digest_window(day)
    pages = WorkshopPage.objects.filter(staff_notifications=WorkshopPage.StaffNotifications.DIGEST).exclude(
        notification_recipients=""
    )
    recorded = 0
    for page in pages:
        registrations = Registration.objects.filter(session__page=page)
        if not (
            registrations.filter(submit_time__gte=start, submit_time__lt=end).exists()
            or registrations.filter(cancelled_at__gte=start, cancelled_at__lt=end).exists()
        ):
            continue
        recorded += bool(
            outbox.enqueue(
                key=f"digest:{page.pk}:{day.isoformat()}",
                kind=Kind.STAFF_DIGEST,
                recipients=page.notification_recipients,
                target=page,
                page=page,
                params={"day": day.isoformat()},
            )
        )
    return recorded
