"""The outbox: one row per e-mail message the site has decided to send.

A row is written inside the business transaction that decided to send it (so a
rolled-back registration leaves no row and sends nothing) and a django-q2 task
delivers it after the commit. The unique ``key`` says what the message is about
("registration:42:confirmed"), so deciding twice records it once, and the row's
status makes a re-delivered task a no-op once the message is sent.
"""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import registry


class Notification(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    class Kind(models.TextChoices):
        REGISTRATION_CONFIRMED = "registration_confirmed", _("registration confirmed")
        REGISTRATION_WAITLISTED = "registration_waitlisted", _("placed on the waiting list")
        REGISTRATION_PROMOTED = "registration_promoted", _("promoted from the waiting list")
        REGISTRATION_CANCELLED = "registration_cancelled", _("cancellation confirmed")
        SESSION_REMINDER = "session_reminder", _("session reminder")
        STAFF_REGISTRATION = "staff_registration", _("new registration (staff)")
        STAFF_DIGEST = "staff_digest", _("daily digest (staff)")
        CAPACITY_ALERT = "capacity_alert", _("session filling up (staff)")
        SURVEY_SUBMISSION = "survey_submission", _("survey answers (staff)")

    # Rows still to be delivered by a task (the sweeper and the admin look at these).
    PENDING_STATUSES = (Status.QUEUED, Status.SENDING)

    key = models.CharField(_("key"), max_length=200, unique=True)
    # Kind lists this app's kinds; other apps add theirs with a label in ``notifications.registry``.
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    recipients = models.TextField(_("recipients"), help_text=_("E-mail addresses separated by commas."))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    # Parameters for the message builder (never personal data), e.g. the session start of a reminder.
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    resend_of = models.ForeignKey(
        "self", verbose_name=_("re-send of"), null=True, blank=True, on_delete=models.SET_NULL, related_name="resends"
    )

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Only the error class and SMTP code: exception texts can quote addresses.
    last_error = models.CharField(_("last error"), max_length=255, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("last queued"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    # Outbox rows are no content: Wagtail's reference index would record each one as a "usage" of its
    # page, at a query-heavy task on every save (a fifth of a sign-up's cost), and list it to editors.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notification_status_next"),
            models.Index(fields=["page", "status"], name="notification_page_status"),
            models.Index(fields=["content_type", "object_id"], name="notification_target"),
        ]
        permissions = [("resend_notification", _("Can re-send notifications"))]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"

    def get_kind_display(self):
        return kind_label(self.kind)

    @property
    def recipient_list(self):
        return [address.strip() for address in self.recipients.split(",") if address.strip()]

    @property
    def message_id(self):
        """Derived from the key, so a message sent twice (see ``notifications.services``) can be deduplicated."""
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:32]
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
        return f"<{digest}@{domain}>"


def kind_label(kind):
    """The label of a kind: registered by its builder (other apps' kinds) or one of ``Notification.Kind``."""
    return registry.registered_label(kind) or dict(Notification.Kind.choices).get(kind, kind)


def kind_choices():
    return [*Notification.Kind.choices, *registry.registered_kinds()]
