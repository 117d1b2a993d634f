"""The outbox: record a message inside the business transaction, deliver it exactly once from a task.

Exactly once, and its limit
---------------------------
``enqueue`` writes a ``Notification`` under a unique key in the caller's
transaction and queues the send task only after the commit, with the row's
primary key. ``send`` first *claims* the row in its own short transaction (row
lock; status ``sending``, ``claimed_at``), then talks to the SMTP server, then
marks the row ``sent``. A task that finds the row sent, failed, skipped, or
claimed by a live worker does nothing, so a re-delivered or duplicated task
never sends twice.

A claim older than ``NOTIFICATIONS_CLAIM_TIMEOUT`` (at least the django-q2 task
timeout, after which the cluster kills a worker) belongs to a dead worker and
is taken over. One window remains: a worker that dies *after* the SMTP server
accepted the message but *before* its ``sent`` mark commits (a few
milliseconds) leads to a second delivery. No protocol closes that window
between two systems without a shared transaction; the Message-ID is derived
from the key so that both copies carry the same ID and mail systems can drop
the duplicate.

Failures: SMTP and network errors are retried with exponential back-off (a
django-q2 ONCE schedule per retry) up to ``NOTIFICATIONS_MAX_ATTEMPTS``; then,
or at once for a permanent 5xx refusal, the row is ``failed`` and shows in the
admin, which can re-send it. Errors are recorded as the exception class and SMTP
code only, and logs name notifications by id and kind: no addresses, no names.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django_q.conf import Conf
from django_q.tasks import async_task

from .models import Notification
from .registry import apply_envelopes, get_builder
from .schedules import delete_schedule, set_schedule

logger = logging.getLogger(__name__)

Status = Notification.Status
SEND_TASK = "notifications.tasks.send_notification"


def _setting(name, default):
    return getattr(settings, name, default)


def max_attempts():
    return _setting("NOTIFICATIONS_MAX_ATTEMPTS", 6)


def retry_delay(attempts):
    """Back-off before the next attempt: base, 2×base, 4×base… capped."""
    base = _setting("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), _setting("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600)))


def claim_timeout():
    # A worker is killed by the cluster after the task timeout, so an older claim has no live owner.
    return timedelta(seconds=max(_setting("NOTIFICATIONS_CLAIM_TIMEOUT", 0) or 0, Conf.TIMEOUT or 0, 1))


def retry_schedule_name(notification_id):
    return f"notification-retry-{notification_id}"


# Recording -----------------------------------------------------------------


def enqueue(*, key, kind, recipients, target=None, page=None, params=None):
    """Record a message to send once the current transaction commits.

    Returns the new ``Notification``, or ``None`` when there is nobody to send to or
    the key was recorded before (the message was already decided on: nothing to do).
    """
    if isinstance(recipients, str):
        recipients = recipients.split(",")
    recipients = [address.strip() for address in recipients if address and address.strip()]
    if not recipients:
        return None
    notification, created = Notification.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "recipients": ", ".join(recipients),
            "params": params or {},
            "page": page,
            "content_type": ContentType.objects.get_for_model(target) if target is not None else None,
            "object_id": target.pk if target is not None else None,
            "queued_at": timezone.now(),
        },
    )
    if not created:
        return None
    notification_id = notification.pk
    # robust: a broker hiccup after the commit must not turn a stored registration into an error page;
    # the row stays queued and ``requeue_stalled`` picks it up.
    transaction.on_commit(lambda: queue(notification_id), robust=True)
    return notification


def queue(notification_id):
    """Hand a notification to the task queue now (primary key only)."""
    async_task(SEND_TASK, notification_id, task_name=f"notification-{notification_id}")


# Sending -------------------------------------------------------------------


def send(notification_id, now=None):
    """Deliver one notification if nobody has; returns its status afterwards (None if it no longer exists)."""
    notification = _claim(notification_id, now or timezone.now())
    if notification is None:
        return Notification.objects.filter(pk=notification_id).values_list("status", flat=True).first()
    try:
        with translation.override(settings.LANGUAGE_CODE):
            message = get_builder(notification.kind)(notification)
    except ObjectDoesNotExist:
        message = None  # what it was about is gone (e.g. erased personal data): nothing to say any more
    except Exception as exc:
        logger.exception("Notification %s (%s): the message could not be built.", notification.pk, notification.kind)
        return _finish(notification, Status.FAILED, error=describe_error(exc))
    if message is None:
        return _finish(notification, Status.SKIPPED)

    message.to = notification.recipient_list
    message.extra_headers["Message-ID"] = notification.message_id
    apply_envelopes(notification, message)
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        return _record_failure(notification, exc)
    logger.info("Notification %s (%s) sent, attempt %s.", notification.pk, notification.kind, notification.attempts)
    return _finish(notification, Status.SENT, subject=message.subject[:255])


def _claim(notification_id, now):
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return None
        if notification.status == Status.SENDING and notification.claimed_at > now - claim_timeout():
            return None  # a live worker is sending it right now
        if notification.status not in Notification.PENDING_STATUSES:
            return None  # sent, failed or skipped: a re-delivered task has nothing to do
        notification.status = Status.SENDING
        notification.claimed_at = now
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "attempts"])
    return notification


def _finish(notification, status, *, subject=None, error=""):
    fields = {"status": status, "last_error": error, "next_attempt_at": None}
    if status == Status.SENT:
        fields.update(sent_at=timezone.now(), last_error="")
    if subject is not None:
        fields["subject"] = subject
    Notification.objects.filter(pk=notification.pk).update(**fields)
    return status


def describe_error(exc):
    """The error class and SMTP code: enough to act on, without the addresses servers quote."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


def is_permanent(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _record_failure(notification, exc):
    error = describe_error(exc)
    logger.warning(
        "Notification %s (%s) attempt %s failed: %s.", notification.pk, notification.kind, notification.attempts, error
    )
    if is_permanent(exc) or notification.attempts >= max_attempts():
        return _finish(notification, Status.FAILED, error=error)
    next_attempt_at = timezone.now() + retry_delay(notification.attempts)
    with transaction.atomic():
        # Only the worker that still holds the claim reschedules (a stale claim may have been taken over).
        updated = Notification.objects.filter(
            pk=notification.pk, status=Status.SENDING, claimed_at=notification.claimed_at
        ).update(status=Status.QUEUED, last_error=error, next_attempt_at=next_attempt_at, claimed_at=None)
        if updated:
            set_schedule(retry_schedule_name(notification.pk), SEND_TASK, notification.pk, next_run=next_attempt_at)
    return Status.QUEUED


# Admin and maintenance ------------------------------------------------------


def resend(notification):
    """Send a notification again, on purpose.

    A failed, skipped or stuck one is reset and queued under its own key; a sent one
    gets a new row (key suffixed "#resend-N", so a new Message-ID) that keeps the history.
    Returns the notification that will be sent.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status == Status.SENT:
            number = notification.resends.count() + 1
            again = Notification.objects.create(
                key=f"{notification.key}#resend-{number}"[:200],
                kind=notification.kind,
                recipients=notification.recipients,
                params=notification.params,
                page_id=notification.page_id,
                content_type_id=notification.content_type_id,
                object_id=notification.object_id,
                resend_of=notification,
                queued_at=timezone.now(),
            )
        else:
            again = notification
            again.status = Status.QUEUED
            again.attempts = 0
            again.next_attempt_at = again.claimed_at = None
            again.last_error = ""
            again.queued_at = timezone.now()
            again.save(update_fields=["status", "attempts", "next_attempt_at", "claimed_at", "last_error", "queued_at"])
            delete_schedule(retry_schedule_name(again.pk))
        again_id = again.pk
        transaction.on_commit(lambda: queue(again_id), robust=True)
    return again


def requeue_stalled(now=None):
    """Queue again what no task will deliver: rows queued long ago with no retry pending
    (a lost task) and claims of dead workers. Runs every few minutes from a django-q2 schedule."""
    now = now or timezone.now()
    stall = timedelta(seconds=_setting("NOTIFICATIONS_STALL_SECONDS", 600))
    queued = Notification.objects.filter(status=Status.QUEUED, queued_at__lt=now - stall).exclude(
        next_attempt_at__gt=now - stall
    )
    dead_claims = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - claim_timeout() - stall)
    ids = list(queued.values_list("pk", flat=True)) + list(dead_claims.values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(queued_at=now)
    for notification_id in ids:
        queue(notification_id)
    if ids:
        logger.warning("Re-queued %s stalled notifications.", len(ids))
    return len(ids)


def erase_recipients(target):
    """Blank the addresses kept for ``target``'s notifications (for erasing a person's data)."""
    content_type = ContentType.objects.get_for_model(target)
    return Notification.objects.filter(content_type=content_type, object_id=target.pk).update(recipients="")


# Composing -----------------------------------------------------------------


# Every message is automatic (RFC 3834): vacation responders and other auto-responders must not answer
# it, so out-of-office replies do not loop back; Exchange reads its own header for the same.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def html_paragraphs(text, links=()):
    """The text as escaped HTML paragraphs. Only the addresses in ``links`` (the site's own: cancellation,
    page) become links; nothing else in the text does, so an address or a name someone typed into a form
    is never made clickable in the municipality's mail."""
    from django.utils.html import escape, format_html, linebreaks

    html = linebreaks(escape(text))
    for url in sorted(set(filter(None, links)), key=len, reverse=True):
        html = html.replace(escape(url), format_html('<a href="{}">{}</a>', url, url))
    return mark_safe(html)


def compose(subject, text, *, attachments=(), links=()):
    """A plain-text message with an HTML alternative made from the same text (escaped, paragraphs; only
    the trusted ``links`` are clickable). The subject is one line whatever it is given."""
    context = {"subject": subject, "text": text, "site_name": _setting("WAGTAIL_SITE_NAME", ""),
               "html_text": html_paragraphs(text, links)}
    body = render_to_string("notifications/email/message.txt", context)
    headers = {**AUTOMATIC_HEADERS, "Content-Language": translation.get_language() or settings.LANGUAGE_CODE}
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=body, headers=headers)
    message.attach_alternative(render_to_string("notifications/email/message.html", context), "text/html")
    for attachment in attachments:
        # A ready MIME part (e.g. a calendar file with its own parameters) or (filename, content, mimetype).
        if isinstance(attachment, tuple):
            message.attach(*attachment)
        else:
            message.attach(attachment)
    return message
