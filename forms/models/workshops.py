"""Page types that take registrations, built on Wagtail's form builder.

Rules about places (capacity, waitlist, cancellation) live in ``forms.services``;
models only hold data.
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.contrib.forms.models import AbstractForm, AbstractFormField, AbstractFormSubmission
from wagtail.models import Orderable


class WorkshopFormField(AbstractFormField):
    """Extra fields administrators add to a workshop's registration form."""

    page = ParentalKey("WorkshopPage", on_delete=models.CASCADE, related_name="form_fields")


class WorkshopPage(AbstractForm):
    """A workshop (one evening or event) with sessions that people register for."""

    venue = models.CharField(_("venue"), max_length=255)
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    waitlist_enabled = models.BooleanField(
        _("waitlist"), default=True, help_text=_("When a session is full, offer a place on its waitlist.")
    )
    notification_recipients = models.CharField(
        _("notify"),
        max_length=1000,
        blank=True,
        help_text=_("E-mail addresses of staff notified about registrations, separated by commas."),
    )

    class Meta:
        verbose_name = _("workshop page")
        verbose_name_plural = _("workshop pages")

    def get_submission_class(self):
        return Registration

    def registration_is_open(self, now=None):
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)


class WorkshopSession(Orderable):
    """One session of a workshop: a time slot with a number of places."""

    page = ParentalKey(WorkshopPage, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title or theme"), max_length=255)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1)])

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="session_capacity_at_least_one"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self):
        return self.title


class Registration(AbstractFormSubmission):
    """One person's place (or waitlist entry) in one session.

    It is the form builder's submission class, so Wagtail's submissions listing
    and export keep working; ``form_data`` holds the answers to the extra fields.
    Rows are never deleted by the service: statuses change.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("waitlisted")
        CANCELLED = "cancelled", _("cancelled")

    class Source(models.TextChoices):
        ONLINE = "online", _("online form")
        STAFF = "staff", _("added by staff")

    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITLISTED)

    session = models.ForeignKey(
        WorkshopSession, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("session")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    # Stored lower-cased so the uniqueness constraint ignores letter case.
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ONLINE)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted from the waitlist"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=["confirmed", "waitlisted"]),
                name="one_active_registration_per_email_and_session",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "id"], name="registration_session_status")]

    def __str__(self):
        return f"{self.session} – {self.get_status_display()}"

    def get_data(self):
        return {
            **super().get_data(),
            "full_name": self.full_name,
            "email": self.email,
            "phone": self.phone,
            "session": str(self.session),
            "status": self.get_status_display(),
        }
