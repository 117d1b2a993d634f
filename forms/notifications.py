"""Workshop e-mails: the texts (a page's own or the defaults), their placeholders, and the .ics file.

Found by ``NotificationsConfig.ready`` (like ``wagtail_hooks``): each builder below
turns an outbox row into a message when the worker sends it, so the message
shows the session as it is at sending time. Builders run inside
``translation.override`` of the site language.
"""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from notifications.models import Notification
from notifications.registry import message_builder
from notifications.services import compose

from . import services
from .models import Registration, WorkshopPage, WorkshopSession
from .models.notification_settings import PLACEHOLDER_PATTERN

Kind = Notification.Kind
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


def site_root_url(page):
    """The public address of the page's site, for links in e-mails (sent outside any request).

    Wagtail's placeholder site ("localhost", as in the demo and in development) falls back to
    WAGTAILADMIN_BASE_URL, the address the server is really reached at.
    """
    site = page.get_site()
    if site is None or site.hostname == "localhost":
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return site.root_url.rstrip("/")


def page_url(page):
    url_parts = page.get_url_parts()
    return f"{site_root_url(page)}{url_parts[2] if url_parts else '/'}"


def cancel_url(registration, page):
    path = reverse("strategy_forms:cancel_registration", args=[services.cancel_token(registration)])
    return f"{site_root_url(page)}{path}"


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
        values["pozycja"] = str(services.waitlist_position(registration))
    return values


def fill_placeholders(text, values):
    """Replace {name} for whitelisted names only; anything else is left as written."""
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match[1], match[0]), str(text))


def message_texts(page, prefix):
    """The page's own subject and text for a message kind, each falling back to the default."""
    subject, text = page.custom_message(prefix)
    default_subject, default_text = DEFAULT_MESSAGES[prefix]
    return subject or str(default_subject), text or str(default_text)


# Calendar file ------------------------------------------------------------------


def build_ics(registration):
    """An iCalendar (RFC 5545) file with the session, in Europe/Warsaw time, with an alarm."""
    session, page = registration.session, registration.session.page
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.WAGTAIL_SITE_NAME}//PL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    # Stable per registration and session time: a re-sent file updates the same calendar entry.
    event.add("uid", f"registration-{registration.pk}@{settings.DEFAULT_FROM_EMAIL.rpartition('@')[2]}")
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("summary", f"{page.title}: {session.title}")
    event.add("location", page.venue)
    event.add("url", page_url(page))
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
    calendar.add_missing_timezones()
    return calendar.to_ical()


# Messages to participants -----------------------------------------------------------


def _registration(notification):
    return Registration.objects.select_related("session__page").get(pk=notification.object_id)


def participant_message(registration, prefix, *, with_ics=False):
    values = placeholder_values(registration)
    subject, text = message_texts(registration.session.page, prefix)
    attachments = [("warsztaty.ics", build_ics(registration), "text/calendar; charset=utf-8; method=PUBLISH")]
    return compose(
        fill_placeholders(subject, values),
        fill_placeholders(text, values),
        attachments=attachments if with_ics else (),
    )


@message_builder(Kind.REGISTRATION_CONFIRMED)
def registration_confirmed(notification):
    return participant_message(_registration(notification), "confirmation", with_ics=True)


@message_builder(Kind.REGISTRATION_WAITLISTED)
def registration_waitlisted(notification):
    registration = _registration(notification)
    if registration.status != Status.WAITLISTED:
        return None  # promoted or cancelled before the worker got here: that message follows instead
    return participant_message(registration, "waitlist")


@message_builder(Kind.REGISTRATION_PROMOTED)
def registration_promoted(notification):
    return participant_message(_registration(notification), "promotion", with_ics=True)


@message_builder(Kind.REGISTRATION_CANCELLED)
def registration_cancelled(notification):
    return participant_message(_registration(notification), "cancellation")


@message_builder(Kind.SESSION_REMINDER)
def session_reminder(notification):
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
def staff_registration(notification):
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
    return _staff_message(subject, "forms/email/staff_registration.txt", context)


@message_builder(Kind.CAPACITY_ALERT)
def capacity_alert(notification):
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
        subject % {"workshop": page.title, "session": session}, "forms/email/capacity_alert.txt", context
    )


@message_builder(Kind.STAFF_DIGEST)
def staff_digest(notification):
    from .notify import digest_window

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
        "sessions": services.sessions_with_places(page),
        "admin_url": _admin_submissions_url(page),
    }
    subject = gettext("Registrations on %(day)s: %(workshop)s") % {"day": day, "workshop": page.title}
    return _staff_message(subject, "forms/email/staff_digest.txt", context)


@message_builder(Kind.SURVEY_SUBMISSION)
def survey_submission(notification):
    """Like Wagtail's ``EmailFormMixin.render_email``, from the stored answers."""
    page = Page.objects.get(pk=notification.page_id).specific
    submission = page.get_submission_class().objects.get(pk=notification.object_id)
    data = submission.form_data
    answers = []
    for field in page.get_form_fields():
        value = data.get(field.clean_name, "")
        answers.append((field.label, ", ".join(map(str, value)) if isinstance(value, list) else value))
    subject = getattr(page, "subject", "") or gettext("New answers: %(title)s") % {"title": page.title}
    context = {
        "page": page,
        "answers": answers,
        "submitted": formats.date_format(local(submission.submit_time), "SHORT_DATETIME_FORMAT"),
        "admin_url": _admin_submissions_url(page),
    }
    message = _staff_message(subject, "forms/email/survey_submission.txt", context)
    if getattr(page, "from_address", ""):
        message.from_email = page.from_address
    return message


def _admin_submissions_url(page):
    path = reverse("wagtailforms:list_submissions", args=[page.pk])
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"
