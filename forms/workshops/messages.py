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
    organiser,
    organiser_address,
    page_url,
    site_domain,
    site_name,
    vtimezone,
)
from .models import PLACEHOLDER_PATTERN, Registration, WorkshopPage, WorkshopSession, WorkshopSubmission
from .tokens import cancel_token, check_in_qr_png, offer_token, submission_token

Kind = Notification.Kind
Status = Registration.Status

REMINDER_TASK = "forms.workshops.tasks.send_session_reminders"
REMINDER_SCHEDULE_PREFIX = "session-reminder-"
DIGEST_TASK = "forms.workshops.tasks.send_staff_digests"
DIGEST_SCHEDULE = "staff-digest"
CAPACITY_ALERT_THRESHOLDS = (80, 100)  # percent of a session's places
OFFER_EXPIRY_TASK = "forms.workshops.tasks.expire_waitlist_offer"
OFFER_SCHEDULE_PREFIX = "waitlist-offer-"
PLACE_OFFERED = "waitlist_place_offered"
OFFER_LAPSED = "waitlist_offer_lapsed"


def _instant(moment):
    """A datetime as a stable string (UTC), for keys and schedule arguments."""
    return moment.astimezone(UTC).isoformat()


# Seams called by forms.workshops.services --------------------------------------------------


def registration_created(registration, *, notify_person_and_staff=True):
    """``notify_person_and_staff=False``: the registration is part of a submission whose one
    confirmation and one staff message (``submission_created``) speak for it; capacity alerts stay."""
    session = registration.session
    page = session.page
    confirmed = registration.status == Registration.Status.CONFIRMED
    if not notify_person_and_staff:
        if confirmed:
            _capacity_alerts(session)
        return
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
SUBMISSION_CONFIRMED = "submission_confirmed"
STAFF_SUBMISSION = "staff_submission"


def _submission_address(submission):
    return submission.registrations.exclude(email="").values_list("email", flat=True).first()


def submission_created(submission):
    """One confirmation for every session of a form post, and one staff message; once each (keys)."""
    page = submission.page
    outbox.enqueue(
        key=f"submission:{submission.pk}:confirmed",
        kind=SUBMISSION_CONFIRMED,
        recipients=[_submission_address(submission)],
        target=submission,
        page=page,
    )
    if page.staff_notifications == page.StaffNotifications.EACH:
        outbox.enqueue(
            key=f"submission:{submission.pk}:staff",
            kind=STAFF_SUBMISSION,
            recipients=page.notification_recipients,
            target=submission,
            page=page,
        )


def submission_confirmation_again(submission, now):
    """The confirmation once more, as the sessions are now: a new key each time (a new Message-ID)."""
    sent_before = Notification.objects.filter(
        kind=SUBMISSION_CONFIRMED, key__startswith=f"submission:{submission.pk}:"
    ).count()
    return outbox.enqueue(
        key=f"submission:{submission.pk}:again:{sent_before}:{_instant(now)}",
        kind=SUBMISSION_CONFIRMED,
        recipients=[_submission_address(submission)],
        target=submission,
        page=submission.page,
    )


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


def registration_cancelled(registration, *, by_staff=False, had_calendar_entry=False):
    """``had_calendar_entry``: the person was sent a calendar file (a confirmed place): it is cancelled."""
    outbox.enqueue(
        key=f"registration:{registration.pk}:cancelled",
        kind=Kind.REGISTRATION_CANCELLED,
        recipients=[registration.email],
        target=registration,
        page=registration.session.page,
        params={"by_staff": by_staff, "calendar_cancel": _cancel_sequence(registration, had_calendar_entry)},
    )


def confirmation_resent(registration, now):
    """Staff re-send the person's current message (confirmation, or waitlist place) with a new key."""
    if registration.status == Status.CANCELLED or not registration.email:
        return None
    confirmed = registration.status == Status.CONFIRMED
    return outbox.enqueue(
        key=f"registration:{registration.pk}:{registration.status}:resent:{_instant(now)}",
        kind=Kind.REGISTRATION_CONFIRMED if confirmed else Kind.REGISTRATION_WAITLISTED,
        recipients=[registration.email],
        target=registration,
        page=registration.session.page,
    )


STAFF_CALL_REQUEST = "staff_call_request"


def call_requested(registration):
    """Staff are asked to phone a person who has no e-mail address (``services.request_call``)."""
    page = registration.session.page
    outbox.enqueue(
        key=f"call:{registration.pk}:{registration.call_reason}:{_instant(registration.call_requested_at)}",
        kind=STAFF_CALL_REQUEST,
        recipients=page.notification_recipients,
        target=registration,
        page=page,
    )


def _cancel_sequence(registration, had_calendar_entry):
    """The SEQUENCE of the CANCEL for a person's calendar entry (above the session's), or None for none."""
    return registration.session.calendar_sequence + 1 if had_calendar_entry else None


REGISTRATION_MOVED = "registration_moved"
SESSION_CHANGED = "session_changed"
SESSION_CANCELLED = "session_cancelled"


def registration_moved(old, new, *, had_calendar_entry=False):
    """Staff moved a person (``old`` cancelled, ``new`` created): one message says what moved, cancels the
    old calendar entry and, for a place, adds the new one."""
    outbox.enqueue(
        key=f"registration:{new.pk}:moved",
        kind=REGISTRATION_MOVED,
        recipients=[new.email],
        target=new,
        page=new.session.page,
        params={"from_registration": old.pk, "calendar_cancel": _cancel_sequence(old, had_calendar_entry)},
    )
    if new.status == Registration.Status.CONFIRMED:
        _capacity_alerts(new.session)


def _when_params(values):
    starts_at, ends_at, venue = values
    return {"starts_at": _instant(starts_at), "ends_at": _instant(ends_at), "venue": venue}


def session_changed(registration, session, *, old, new):
    """One notice per person and change: the key holds the session's new calendar SEQUENCE."""
    outbox.enqueue(
        key=f"session-changed:{session.pk}:{session.calendar_sequence}:{registration.pk}",
        kind=SESSION_CHANGED,
        recipients=[registration.email],
        target=registration,
        page=session.page,
        params={"sequence": session.calendar_sequence, "old": _when_params(old), "new": _when_params(new)},
    )


def session_cancelled(registration, *, had_calendar_entry):
    session = registration.session
    outbox.enqueue(
        key=f"session-cancelled:{session.pk}:{registration.pk}",
        kind=SESSION_CANCELLED,
        recipients=[registration.email],
        target=registration,
        page=session.page,
        params={"sequence": session.calendar_sequence, "had_calendar_entry": had_calendar_entry},
    )


def session_reminders_removed(session):
    delete_schedule(reminder_schedule_name(session.pk))


def registration_promoted(registration):
    outbox.enqueue(
        key=f"registration:{registration.pk}:promoted",
        kind=Kind.REGISTRATION_PROMOTED,
        recipients=[registration.email],
        target=registration,
        page=registration.session.page,
    )
    _capacity_alerts(registration.session)


def offer_schedule_name(registration_id):
    return f"{OFFER_SCHEDULE_PREFIX}{registration_id}"


def place_offered(registration):
    """A freed place is held for this waiter: the offer mail (when there is an address) and one django-q2
    ONCE schedule at the deadline that passes the place on if nobody accepted it."""
    outbox.enqueue(
        key=f"registration:{registration.pk}:offered:{_instant(registration.offered_at)}",
        kind=PLACE_OFFERED,
        recipients=[registration.email],
        target=registration,
        page=registration.session.page,
    )
    set_schedule(offer_schedule_name(registration.pk), OFFER_EXPIRY_TASK, registration.pk,
                 next_run=registration.offer_expires_at)


def offer_accepted(registration):
    """The offer became a confirmed place: the usual promotion message (with the calendar file)."""
    delete_schedule(offer_schedule_name(registration.pk))
    registration_promoted(registration)


def offer_lapsed(registration):
    outbox.enqueue(
        key=f"registration:{registration.pk}:offer_lapsed",
        kind=OFFER_LAPSED,
        recipients=[registration.email],
        target=registration,
        page=registration.session.page,
    )


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
        if not page.reminder_lead_hours or session.starts_at <= now or session.is_cancelled:
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


def submission_url(submission, page):
    """The "Moje zgłoszenie" page of the submission (signed, no account)."""
    return absolute_url(reverse("strategy_forms:submission", args=[submission_token(submission)]), page=page)


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


def _calendar(method="PUBLISH"):
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{site_name()}//PL")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def build_event(registration, *, method="PUBLISH", sequence=None, when=None):
    """The VEVENT of one registration's session: the same UID in every file that holds it.

    ``method`` REQUEST (an update) or CANCEL (RFC 5546) carries the person as ATTENDEE and ``sequence``
    (default: the session's); ``when`` = (start, end, venue) as announced."""
    session, page = registration.session, registration.session.page
    starts_at, ends_at, venue = when or (session.starts_at, session.ends_at, page.venue)
    sequence = session.calendar_sequence if sequence is None else sequence
    zone = ZoneInfo(settings.TIME_ZONE)
    event = icalendar.Event()
    # Stable per registration: a re-sent file updates the same calendar entry; the site's domain makes
    # it unique across sites (RFC 5545 §3.8.4.7).
    event.add("uid", f"registration-{registration.pk}@{site_domain(page)}")
    event.add("sequence", sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(zone))
    event.add("dtend", ends_at.astimezone(zone))
    event.add("summary", f"{page.title}: {session.title}")
    event.add("location", venue)
    event.add("url", page_url(page))
    name, _email = organiser(page)
    organizer = icalendar.vCalAddress(f"mailto:{organiser_address(page)}")
    if name:
        organizer.params["cn"] = icalendar.vText(name)
    event.add("organizer", organizer)
    if method != "PUBLISH":
        # REQUEST and CANCEL name who the entry is for (RFC 5546 §3.2.2, §3.2.5); the file goes only to them.
        attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
        attendee.params.update({"role": "REQ-PARTICIPANT", "partstat": "ACCEPTED", "rsvp": "FALSE"})
        event.add("attendee", attendee)
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
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
    return event


def build_ics(registration, *, method="PUBLISH", sequence=None, when=None):
    """An iCalendar (RFC 5545) file with the session in the site's time zone (a rule-based VTIMEZONE),
    the municipality office as organiser and an alarm; ``method``, ``sequence``, ``when`` as in
    ``build_event`` (an update or a cancellation keeps the entry's UID)."""
    calendar = _calendar(method)
    starts_at = when[0] if when else registration.session.starts_at
    calendar.add_component(vtimezone(settings.TIME_ZONE, local(starts_at).year))
    calendar.add_component(build_event(registration, method=method, sequence=sequence, when=when))
    return calendar.to_ical()


def confirmed_registrations(submission):
    return list(
        submission.registrations.filter(status=Status.CONFIRMED)
        .select_related("session__page")
        .order_by("session__starts_at", "session_id")
    )


def build_submission_ics(submission):
    """One VCALENDAR with a VEVENT per confirmed registration of the submission (METHOD:PUBLISH: no
    attendees are asked to reply); the time zone once, covering every year the sessions fall in."""
    registrations = confirmed_registrations(submission)
    calendar = _calendar()
    for year in sorted({local(r.session.starts_at).year for r in registrations}) or [local(timezone.now()).year]:
        calendar.add_component(vtimezone(settings.TIME_ZONE, year))
    for registration in registrations:
        calendar.add_component(build_event(registration))
    return calendar.to_ical()


def ics_attachment(registration, filename="warsztaty.ics", *, method="PUBLISH", content=None, **ics):
    """The calendar file as a MIME part: ``text/calendar; charset="utf-8"; method=...``, one charset."""
    part = MIMEText((content or build_ics(registration, method=method, **ics)).decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


# Messages to participants -----------------------------------------------------------


def _registration(notification):
    return Registration.objects.select_related("session__page", "submission").get(pk=notification.object_id)


def check_in_code_section(registration):
    """The door check-in code for a confirmed place: a paragraph after the text and the QR code as a PNG
    attachment (a separate piece, so that another message can carry it as it is)."""
    if registration.status != Status.CONFIRMED or not registration.check_in_code:
        return "", []
    text = render_to_string("forms/workshops/email/check_in_code.txt", {"registration": registration}).strip()
    return f"\n\n{text}", check_in_qr_attachments(registration, filename="kod-odprawy.png")


def check_in_qr_attachments(registration, filename=None):
    """The QR code of a confirmed place's check-in code as a PNG attachment (none for other states)."""
    if registration.status != Status.CONFIRMED or not registration.check_in_code:
        return []
    image = MIMEImage(check_in_qr_png(registration), "png")
    image.add_header("Content-Disposition", "attachment",
                     filename=filename or f"kod-odprawy-{registration.check_in_code}.png")
    return [image]


def participant_message(registration, prefix, *, with_ics=False):
    values = placeholder_values(registration)
    subject, text = message_texts(registration.session.page, prefix)
    attachments = [ics_attachment(registration)] if with_ics else []
    text = fill_placeholders(text, values)
    manage = ""
    if registration.submission_id and registration.status != Status.CANCELLED:
        manage = submission_url(registration.submission, registration.session.page)
        text += "\n\n" + gettext("All sessions of your registration (“Moje zgłoszenie”): %(url)s") % {"url": manage}
    code_text, code_attachments = check_in_code_section(registration) if with_ics else ("", [])
    return compose(
        fill_subject(subject, values),
        text + code_text,
        attachments=attachments + code_attachments,
        links=(values["link_anulowania"], values["link_strony"], manage),
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


def _calendar_cancel(registration, notification, filename="odwolanie.ics"):
    sequence = notification.params.get("calendar_cancel")
    return [] if sequence is None else [ics_attachment(registration, filename, method="CANCEL", sequence=sequence)]


@message_builder(Kind.REGISTRATION_CANCELLED)
def build_registration_cancelled(notification):
    registration = _registration(notification)
    message = participant_message(registration, "cancellation")
    for part in _calendar_cancel(registration, notification):
        message.attach(part)
    return message


def _when_text(starts_at, ends_at, venue):
    return f"{format_date(starts_at)}, {format_time_range(starts_at, ends_at)}, {venue}"


def _announced(params):
    return (datetime.fromisoformat(params["starts_at"]), datetime.fromisoformat(params["ends_at"]), params["venue"])


@message_builder(REGISTRATION_MOVED, label=_("registration moved by staff"))
def build_registration_moved(notification):
    registration = _registration(notification)
    if registration.status == Status.CANCELLED:
        return None  # cancelled since: the cancellation message says so
    old = Registration.objects.select_related("session__page").get(pk=notification.params["from_registration"])
    values = placeholder_values(registration)
    session = registration.session
    if registration.status == Status.CONFIRMED:
        outcome = gettext("Your place in the new session is confirmed.")
    else:
        outcome = gettext("The new session is full, so you are on its waiting list, at position %(position)s.") % {
            "position": values["pozycja"]}
    text = gettext(
        "Hello {imie_nazwisko},\n\n"
        "the organisers have moved your registration for the workshop “{warsztat}”.\n\n"
        "Before: %(old_session)s, %(old_when)s\n"
        "Now: %(new_session)s, %(new_when)s\n\n"
        "%(outcome)s\n\n"
        "The attached calendar files remove the old entry from your calendar and add the new one.\n\n"
        "If you cannot come, please cancel your registration:\n{link_anulowania}"
    ) % {
        "old_session": old.session.title,
        "old_when": _when_text(old.session.starts_at, old.session.ends_at, old.session.page.venue),
        "new_session": session.title,
        "new_when": _when_text(session.starts_at, session.ends_at, session.page.venue),
        "outcome": outcome,
    }
    attachments = _calendar_cancel(old, notification, "odwolanie-poprzedniej-sesji.ics")
    if registration.status == Status.CONFIRMED:
        attachments.append(ics_attachment(registration))
    subject = gettext("Your registration has been moved: {sesja}, {data}")
    return compose(fill_subject(subject, values), fill_placeholders(text, values), attachments=attachments,
                   links=(values["link_anulowania"], values["link_strony"]))


@message_builder(SESSION_CHANGED, label=_("session date or venue changed"))
def build_session_changed(notification):
    registration = _registration(notification)
    if registration.status == Status.CANCELLED:
        return None
    old, new = _announced(notification.params["old"]), _announced(notification.params["new"])
    values = placeholder_values(registration)
    lines = []
    for label, before, after in (
        (gettext("Date"), format_date(old[0]), format_date(new[0])),
        (gettext("Time"), format_time_range(old[0], old[1]), format_time_range(new[0], new[1])),
        (gettext("Place"), old[2], new[2]),
    ):
        if before != after:
            lines.append(gettext("%(label)s: was %(before)s, now %(after)s") % {
                "label": label, "before": before, "after": after})
    text = gettext(
        "Hello {imie_nazwisko},\n\n"
        "the session “{sesja}” of the workshop “{warsztat}” you are registered for has changed:\n\n"
        "%(changes)s\n\n"
        "Now: %(new_when)s\n\n"
        "Your registration is still valid. The attached calendar file updates the entry in your calendar.\n\n"
        "If you cannot come now, please cancel your registration:\n{link_anulowania}"
    ) % {"changes": "\n".join(lines), "new_when": _when_text(*new)}
    subject = gettext("Change: {sesja}, now {data}")
    attachment = ics_attachment(registration, method="REQUEST", sequence=int(notification.params["sequence"]),
                                when=new)
    values["data"] = format_date(new[0])
    return compose(fill_subject(subject, values), fill_placeholders(text, values), attachments=[attachment],
                   links=(values["link_anulowania"], values["link_strony"]))


@message_builder(SESSION_CANCELLED, label=_("session cancelled by the organisers"))
def build_session_cancelled(notification):
    registration = _registration(notification)
    session = registration.session
    values = placeholder_values(registration)
    text = gettext(
        "Hello {imie_nazwisko},\n\n"
        "we are sorry: the session “{sesja}” of the workshop “{warsztat}” ({data}, {godzina}, {miejsce}) "
        "has been cancelled by the organisers.\n\n"
        "Reason: %(reason)s\n\n"
        "Your registration has been cancelled; you do not need to do anything.\n\n"
        "The workshop page:\n{link_strony}"
    ) % {"reason": session.cancellation_reason}
    attachments = []
    if notification.params.get("had_calendar_entry"):
        attachments.append(ics_attachment(registration, "odwolanie.ics", method="CANCEL",
                                          sequence=int(notification.params["sequence"])))
    subject = gettext("Session cancelled: {sesja}, {data}")
    return compose(fill_subject(subject, values), fill_placeholders(text, values), attachments=attachments,
                   links=(values["link_strony"],))


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


def format_deadline(moment):
    """E.g. "środa, 2 grudnia 2026, 14:30" in the site's time zone (Europe/Warsaw)."""
    return f"{format_date(moment)}, {local(moment):%H:%M}"


def accept_offer_url(registration, page):
    return absolute_url(reverse("strategy_forms:accept_offer", args=[offer_token(registration)]), page=page)


@message_builder(PLACE_OFFERED, label=_("a freed place offered from the waiting list"))
def build_place_offered(notification):
    registration = _registration(notification)
    if not registration.has_open_offer or not registration.email:
        return None  # accepted, lapsed or left before the worker got here
    values = placeholder_values(registration)
    accept = accept_offer_url(registration, registration.session.page)
    text = gettext(
        "Hello {imie_nazwisko},\n\n"
        "a place has freed up in the session “{sesja}” of the workshop “{warsztat}” and it is offered to you, "
        "the first person on the waiting list.\n\n"
        "Session: {sesja}\nDate: {data}\nTime: {godzina}\nPlace: {miejsce}\n\n"
        "To take the place, accept it by %(deadline)s (Polish time) using this link:\n%(accept)s\n\n"
        "If you do not accept it by then, the place goes to the next person waiting and your registration "
        "leaves the waiting list.\n\n"
        "If you do not want the place, you can leave the waiting list here:\n{link_anulowania}"
    ) % {"deadline": format_deadline(registration.offer_expires_at), "accept": accept}
    subject = gettext("A place is offered to you: {sesja}, {data}")
    return compose(fill_subject(subject, values), fill_placeholders(text, values),
                   links=(accept, values["link_anulowania"], values["link_strony"]))


@message_builder(OFFER_LAPSED, label=_("an offered place was not accepted in time"))
def build_offer_lapsed(notification):
    registration = _registration(notification)
    if not registration.email:
        return None
    values = placeholder_values(registration)
    text = gettext(
        "Hello {imie_nazwisko},\n\n"
        "the place offered to you in the session “{sesja}” of the workshop “{warsztat}” ({data}, {godzina}) "
        "was not accepted in time, so it has gone to the next person waiting and your registration has left "
        "the waiting list.\n\n"
        "You are welcome to register again:\n{link_strony}"
    )
    subject = gettext("The offered place has expired: {sesja}, {data}")
    return compose(fill_subject(subject, values), fill_placeholders(text, values), links=(values["link_strony"],))


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


def _submission(notification):
    return WorkshopSubmission.objects.select_related("page").get(pk=notification.object_id)


@message_builder(SUBMISSION_CONFIRMED, label=_("registration for several sessions confirmed"))
def build_submission_confirmed(notification):
    submission = _submission(notification)
    page = submission.page.specific
    person = submission.registrations.exclude(email="").order_by("-id").first()
    if person is None:
        return None
    rows = submission.chosen_sessions()
    manage = submission_url(submission, page)
    context = {
        "page": page, "person": person, "rows": rows, "manage_url": manage,
        "has_confirmed": any(row.state == Status.CONFIRMED for row in rows),
    }
    text = render_to_string("forms/workshops/email/submission_confirmed.txt", context)
    subject = gettext("Your registration: %(workshop)s") % {"workshop": page.title}
    attachments = []
    if context["has_confirmed"]:
        attachments.append(ics_attachment(None, content=build_submission_ics(submission)))
    # Each confirmed place has its own door check-in code: its QR code as one attachment each.
    for row in rows:
        if row.state == Status.CONFIRMED:
            attachments.extend(check_in_qr_attachments(row.registration))
    return compose(subject, text, attachments=attachments, links=(manage, page_url(page)))


# Messages to staff ----------------------------------------------------------------------


@message_builder(STAFF_SUBMISSION, label=_("new registration for several sessions (staff)"))
def build_staff_submission(notification):
    submission = _submission(notification)
    page = submission.page.specific
    person = submission.registrations.order_by("-id").first()
    if person is None:
        return None
    subject = gettext("New registration: %(workshop)s") % {"workshop": page.title}
    context = {
        "page": page, "person": person, "rows": submission.chosen_sessions(),
        "answers": person.labelled_answers(), "admin_url": registrations_admin_url(page),
    }
    return _staff_message(subject, "forms/workshops/email/staff_submission.txt", context)


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
        "answers": registration.labelled_answers(),
        "admin_url": registrations_admin_url(page),
    }
    return _staff_message(subject, "forms/workshops/email/staff_registration.txt", context)


@message_builder(STAFF_CALL_REQUEST, label=_("a person to phone (staff)"))
def build_staff_call_request(notification):
    registration = _registration(notification)
    if not registration.call_pending or registration.status == Status.CANCELLED:
        return None  # phoned or cancelled before the worker got here
    session, page = registration.session, registration.session.page
    subject = gettext("Please phone: %(workshop)s – %(session)s") % {"workshop": page.title, "session": session}
    context = {
        "registration": registration,
        "session": session,
        "page": page,
        "when": f"{format_date(session.starts_at)}, {format_time_range(session.starts_at, session.ends_at)}",
        "admin_url": absolute_url(reverse("registrations:calls"), admin=True),
    }
    return _staff_message(subject, "forms/workshops/email/staff_call_request.txt", context)


def registrations_admin_url(page):
    """The registrations admin filtered to the workshop."""
    return absolute_url(f"{reverse('registrations:index')}?page={page.pk}", admin=True)


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
        "admin_url": registrations_admin_url(page),
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
        "admin_url": registrations_admin_url(page),
    }
    subject = gettext("Registrations on %(day)s: %(workshop)s") % {"day": day, "workshop": page.title}
    return _staff_message(subject, "forms/workshops/email/staff_digest.txt", context)

