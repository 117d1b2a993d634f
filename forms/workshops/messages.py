"""Workshop e-mails: recorded in the outbox by the service, built by the worker.

Recording: the service calls the seams below inside its transaction (with the session row
locked). They only *record* messages in the outbox (``notifications.services``);
the send tasks are queued after the commit, with primary keys, so nothing is
sent for a transaction that rolls back and no e-mail is sent inside a request.
Keys name what a message is about, so each is recorded, and sent, once.

Reminders are django-q2 schedules, one per session ("session-reminder-<pk>"),
(re)set whenever the workshop page is published; the reminder task records one
message per registration confirmed at that moment.

Building: each ``message_builder`` below turns an outbox row into a message when the worker sends
it, so the message shows the session as it is at sending time (the page's own texts or the
defaults, their placeholders, and the .ics file). Builders run inside ``translation.override`` of
the site language; ``FormsConfig.ready`` imports this module in every process.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from email.mime.image import MIMEImage
from email.mime.text import MIMEText
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_q.models import Schedule

from notifications import services as outbox
from notifications.models import Notification
from notifications.registry import message_builder
from notifications.schedules import delete_schedule, set_schedule
from notifications.services import compose

from ..mail import (
    absolute_url,
    admin_url,
    organiser,
    organiser_address,
    page_url,
    site_domain,
    site_name,
    vtimezone,
)
from .models import PLACEHOLDER_PATTERN, Registration, WorkshopPage, WorkshopSession
from .tokens import cancel_token, check_in_qr_png

Kind = Notification.Kind

REMINDER_TASK = "forms.workshops.tasks.send_session_reminders"
REMINDER_SCHEDULE_PREFIX = "session-reminder-"
DIGEST_TASK = "forms.workshops.tasks.send_staff_digests"
DIGEST_SCHEDULE = "staff-digest"
CAPACITY_ALERT_THRESHOLDS = (80, 100)  # percent of a session's places


def _instant(moment):
    """A datetime as a stable string (UTC), for keys and schedule arguments."""
    return moment.astimezone(UTC).isoformat()


# Seams called by forms.workshops.services --------------------------------------------------


def registration_created(registration):
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


DUPLICATE_REGISTRATION = "registration_duplicate"


def duplicate_registration(registration, now):
    """Someone registered again with the address of an active registration: its owner learns it (once a
    day at most, so the form cannot be used to flood a mailbox); nothing else happens."""
    if not registration.email:
        return
    day = timezone.localdate(now).isoformat()
    outbox.enqueue(
        key=f"registration:{registration.pk}:duplicate:{day}",
        kind=DUPLICATE_REGISTRATION,
        recipients=[registration.email],
        target=registration,
        page=registration.session.page,
    )


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


def sessions_published(page):
    """A workshop page was published: session times or the reminder lead time may have changed."""
    schedule_reminders(page)
    if page.staff_notifications == page.StaffNotifications.DIGEST:
        ensure_digest_schedule()


def _capacity_alerts(session):
    """Alert staff once when a session reaches 80 % and once at 100 % (the keys keep it once)."""
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


# Building the messages ---------------------------------------------------------------

Status = Registration.Status

# Calendar applications show this alarm before the session (the e-mail reminder is separate).
ICS_ALARM_BEFORE = timedelta(hours=1)

DEFAULT_MESSAGES = {
    "confirmation": (
        _("Registration confirmed: {sesja}, {data}"),
        _(
            "Hello {imie_nazwisko},\n\n"
            "your place at the workshop “{warsztat}” is confirmed.\n\n"
            "Session: {sesja}\nDate: {data}\nTime: {godzina}\nPlace: {miejsce}\n\n"
            "The attached calendar file (.ics) adds the session to your calendar.\n\n"
            "If you cannot come, please cancel your registration so that someone else can take the place:\n"
            "{link_anulowania}"
        ),
    ),
    "waitlist": (
        _("Waiting list: {sesja}, {data}"),
        _(
            "Hello {imie_nazwisko},\n\n"
            "the session “{sesja}” of the workshop “{warsztat}” ({data}, {godzina}, {miejsce}) is full, "
            "so you are on its waiting list, at position {pozycja}.\n\n"
            "If a place frees up, it goes to the first person waiting, and we will let you know by e-mail.\n\n"
            "To leave the waiting list, use this link:\n{link_anulowania}"
        ),
    ),
    "promotion": (
        _("A place is yours: {sesja}, {data}"),
        _(
            "Hello {imie_nazwisko},\n\n"
            "a place has freed up: your registration for the workshop “{warsztat}” is now confirmed.\n\n"
            "Session: {sesja}\nDate: {data}\nTime: {godzina}\nPlace: {miejsce}\n\n"
            "The attached calendar file (.ics) adds the session to your calendar.\n\n"
            "If you cannot come, please cancel your registration so that someone else can take the place:\n"
            "{link_anulowania}"
        ),
    ),
    "cancellation": (
        _("Registration cancelled: {sesja}, {data}"),
        _(
            "Hello {imie_nazwisko},\n\n"
            "your registration for the session “{sesja}” of the workshop “{warsztat}” ({data}, {godzina}) "
            "has been cancelled.\n\n"
            "You are welcome to register again while places are available:\n{link_strony}"
        ),
    ),
    "reminder": (
        _("Reminder: {sesja}, {data}, {godzina}"),
        _(
            "Hello {imie_nazwisko},\n\n"
            "we look forward to seeing you at the workshop “{warsztat}”.\n\n"
            "Session: {sesja}\nDate: {data}\nTime: {godzina}\nPlace: {miejsce}\n\n"
            "If you cannot come, please cancel your registration so that someone else can take the place:\n"
            "{link_anulowania}"
        ),
    ),
}


# Dates, links, placeholders ---------------------------------------------------


def local(moment):
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE))


def format_date(moment):
    """E.g. "piątek, 17 stycznia 2025" (the weekday in lower case, as Polish writes it mid-sentence)."""
    moment = local(moment)
    return f"{formats.date_format(moment, 'l').lower()}, {formats.date_format(moment, 'j E Y')}"


def format_time_range(starts_at, ends_at):
    return f"{local(starts_at):%H:%M}–{local(ends_at):%H:%M}"


def cancel_url(registration, page):
    return absolute_url(reverse("strategy_forms:cancel_registration", args=[cancel_token(registration)]), page=page)


def placeholder_values(registration):
    session, page = registration.session, registration.session.page
    values = {
        "imie_nazwisko": registration.full_name,
        "warsztat": page.title,
        "sesja": session.title,
        "data": format_date(session.starts_at),
        "godzina": format_time_range(session.starts_at, session.ends_at),
        "miejsce": page.venue,
        "link_anulowania": cancel_url(registration, page),
        "link_strony": page_url(page),
        "pozycja": "",
    }
    if registration.status == Status.WAITLISTED:
        values["pozycja"] = str(registration.waitlist_position())
    return values


def fill_placeholders(text, values):
    """Replace {name} for whitelisted names only; anything else is left as written."""
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match[1], match[0]), str(text))


_NAME_IN_SUBJECT = re.compile(r"[,;:\s]*\{imie_nazwisko\}")


def fill_subject(subject, values):
    """A subject with its placeholders filled, except the person's name (what someone typed into a form
    never reaches a subject): it is dropped with the punctuation before it."""
    return fill_placeholders(_NAME_IN_SUBJECT.sub("", str(subject)), values)


def message_texts(page, prefix):
    """The page's own subject and text for a message kind, each falling back to the default."""
    subject, text = page.custom_message(prefix)
    default_subject, default_text = DEFAULT_MESSAGES[prefix]
    return subject or str(default_subject), text or str(default_text)


# Calendar file ------------------------------------------------------------------


def build_ics(registration):
    """An iCalendar (RFC 5545) file with the session in the site's time zone (a rule-based VTIMEZONE),
    the municipality office as organiser and an alarm."""
    session, page = registration.session, registration.session.page
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{site_name()}//PL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vtimezone(settings.TIME_ZONE, local(session.starts_at).year))
    event = icalendar.Event()
    # Stable per registration: a re-sent file updates the same calendar entry; the site's domain makes
    # it unique across sites (RFC 5545 §3.8.4.7).
    event.add("uid", f"registration-{registration.pk}@{site_domain(page)}")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", f"{page.title}: {session.title}")
    event.add("location", page.venue)
    event.add("url", page_url(page))
    name, _email = organiser(page)
    organizer = icalendar.vCalAddress(f"mailto:{organiser_address(page)}")
    if name:
        organizer.params["cn"] = icalendar.vText(name)
    event.add("organizer", organizer)
    event.add(
        "description",
        gettext("If you cannot come, please cancel your registration: %(url)s")
        % {"url": cancel_url(registration, page)},
    )
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{page.title}: {session.title}")
    alarm.add("trigger", -ICS_ALARM_BEFORE)
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()


def ics_attachment(registration, filename="warsztaty.ics"):
    """The calendar file as a MIME part: ``text/calendar; charset="utf-8"; method=PUBLISH``, one charset."""
    part = MIMEText(build_ics(registration).decode(), "calendar", "utf-8")
    part.set_param("method", "PUBLISH")
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


# Messages to participants -----------------------------------------------------------


def _registration(notification):
    return Registration.objects.select_related("session__page").get(pk=notification.object_id)


def check_in_code_section(registration):
    """The door check-in code for a confirmed place: a paragraph after the text and the QR code as a PNG
    attachment (a separate piece, so that another message can carry it as it is)."""
    if registration.status != Status.CONFIRMED or not registration.check_in_code:
        return "", []
    text = render_to_string("forms/workshops/email/check_in_code.txt", {"registration": registration}).strip()
    image = MIMEImage(check_in_qr_png(registration), "png")
    image.add_header("Content-Disposition", "attachment", filename="kod-odprawy.png")
    return f"\n\n{text}", [image]


def participant_message(registration, prefix, *, with_ics=False):
    values = placeholder_values(registration)
    subject, text = message_texts(registration.session.page, prefix)
    attachments = [ics_attachment(registration)] if with_ics else []
    code_text, code_attachments = check_in_code_section(registration) if with_ics else ("", [])
    return compose(
        fill_subject(subject, values),
        fill_placeholders(text, values) + code_text,
        attachments=attachments + code_attachments,
        links=(values["link_anulowania"], values["link_strony"]),
    )


@message_builder(Kind.REGISTRATION_CONFIRMED)
def build_registration_confirmed(notification):
    return participant_message(_registration(notification), "confirmation", with_ics=True)


@message_builder(Kind.REGISTRATION_WAITLISTED)
def build_registration_waitlisted(notification):
    registration = _registration(notification)
    if registration.status != Status.WAITLISTED:
        return None  # promoted or cancelled before the worker got here: that message follows instead
    return participant_message(registration, "waitlist")


@message_builder(Kind.REGISTRATION_PROMOTED)
def build_registration_promoted(notification):
    return participant_message(_registration(notification), "promotion", with_ics=True)


@message_builder(Kind.REGISTRATION_CANCELLED)
def build_registration_cancelled(notification):
    return participant_message(_registration(notification), "cancellation")


@message_builder(DUPLICATE_REGISTRATION, label=_("registration attempt with an address already registered"))
def build_duplicate_registration(notification):
    registration = _registration(notification)
    if registration.status == Status.CANCELLED or not registration.email:
        return None
    values = placeholder_values(registration)
    status = (gettext("You have a place.") if registration.status == Status.CONFIRMED
              else gettext("You are on the waiting list."))
    text = gettext(
        "Hello,\n\n"
        "someone (perhaps you) has just tried to register this e-mail address again for the session "
        "“{sesja}” of the workshop “{warsztat}” ({data}, {godzina}, {miejsce}).\n\n"
        "This address is already registered for it, so nothing has changed: %(status)s\n\n"
        "If you cannot come, you can cancel here:\n{link_anulowania}\n\n"
        "If it was not you, you do not need to do anything."
    ) % {"status": status}
    subject = gettext("You are already registered: {sesja}, {data}")
    return compose(fill_subject(subject, values), fill_placeholders(text, values),
                   links=(values["link_anulowania"], values["link_strony"]))


@message_builder(Kind.SESSION_REMINDER)
def build_session_reminder(notification):
    registration = _registration(notification)
    session = registration.session
    if registration.status != Status.CONFIRMED:
        return None  # cancelled since the reminder was queued
    if session.starts_at.astimezone(UTC).isoformat() != notification.params.get("starts_at"):
        return None  # the session moved: the reminder scheduled for the new time will be sent instead
    if session.starts_at <= timezone.now():
        return None
    return participant_message(registration, "reminder")


# Messages to staff ----------------------------------------------------------------------


def _staff_message(subject, template, context):
    return compose(subject, render_to_string(template, context))


@message_builder(Kind.STAFF_REGISTRATION)
def build_staff_registration(notification):
    registration = _registration(notification)
    session, page = registration.session, registration.session.page
    subject = gettext("New registration: %(workshop)s – %(session)s") % {"workshop": page.title, "session": session}
    context = {
        "registration": registration,
        "session": session,
        "page": page,
        "when": f"{format_date(session.starts_at)}, {format_time_range(session.starts_at, session.ends_at)}",
        "confirmed": session.registrations.filter(status=Status.CONFIRMED).count(),
        "waitlisted": session.registrations.filter(status=Status.WAITLISTED).count(),
        "answers": list(registration.form_data.items()),
        "admin_url": _admin_submissions_url(page),
    }
    return _staff_message(subject, "forms/workshops/email/staff_registration.txt", context)


@message_builder(Kind.CAPACITY_ALERT)
def build_capacity_alert(notification):
    session = WorkshopSession.objects.select_related("page").get(pk=notification.object_id)
    threshold = int(notification.params["threshold"])
    confirmed = session.registrations.filter(status=Status.CONFIRMED).count()
    if threshold < 100 and confirmed >= session.capacity:
        return None  # already full: the 100 % alert says more
    page = session.page
    if threshold >= 100:
        subject = gettext("Session full: %(workshop)s – %(session)s")
    else:
        subject = gettext("Session filling up: %(workshop)s – %(session)s")
    context = {
        "session": session,
        "page": page,
        "threshold": threshold,
        "confirmed": confirmed,
        "waitlisted": session.registrations.filter(status=Status.WAITLISTED).count(),
        "when": f"{format_date(session.starts_at)}, {format_time_range(session.starts_at, session.ends_at)}",
        "admin_url": _admin_submissions_url(page),
    }
    return _staff_message(
        subject % {"workshop": page.title, "session": session}, "forms/workshops/email/capacity_alert.txt", context
    )


@message_builder(Kind.STAFF_DIGEST)
def build_staff_digest(notification):
    page = WorkshopPage.objects.get(pk=notification.object_id)
    start, end = digest_window(notification.params["day"])
    registrations = Registration.objects.filter(session__page=page).select_related("session")
    new = list(registrations.filter(submit_time__gte=start, submit_time__lt=end).order_by("submit_time"))
    cancelled = list(registrations.filter(cancelled_at__gte=start, cancelled_at__lt=end).order_by("cancelled_at"))
    if not new and not cancelled:
        return None
    day = formats.date_format(local(start), "j E Y")
    context = {
        "page": page,
        "day": day,
        "new": new,
        "cancelled": cancelled,
        "sessions": page.sessions_with_places(),
        "admin_url": _admin_submissions_url(page),
    }
    subject = gettext("Registrations on %(day)s: %(workshop)s") % {"day": day, "workshop": page.title}
    return _staff_message(subject, "forms/workshops/email/staff_digest.txt", context)


def _admin_submissions_url(page):
    return admin_url("wagtailforms:list_submissions", page.pk)
