"""Page types that take registrations, built on Wagtail's form builder.

Rules about places (capacity, waitlist, cancellation) live in ``forms.services``;
models only hold data.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import (
    AbstractForm,
    AbstractFormField,
    AbstractFormSubmission,
    validate_to_address,
)
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from strategy_pages.blocks import BaseStreamBlock
from strategy_pages.caching import SkipViewRestrictionsMixin

from ..abuse import protect_form_post
from ..admin_forms import WorkshopPageForm
from ..forms import RegistrationFormBuilder
from .gdpr import PersonalDataSettings
from .notification_settings import WorkshopNotificationSettings


class WorkshopFormField(AbstractFormField):
    """Extra fields administrators add to a workshop's registration form."""

    page = ParentalKey("WorkshopPage", on_delete=models.CASCADE, related_name="form_fields")


class WorkshopPage(SkipViewRestrictionsMixin, PersonalDataSettings, WorkshopNotificationSettings, AbstractForm):
    """A workshop (one evening or event) with sessions that people register for."""

    template = "forms/workshop_page.html"
    # The description and the blank form are a fragment reused until the next content change; places
    # and the CSRF token are filled in on every request (strategy_pages.caching).
    cache_page_content = True

    description = StreamField(BaseStreamBlock(), verbose_name=_("description"), blank=True)
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
        validators=[validate_to_address],
    )

    base_form_class = WorkshopPageForm
    form_builder = RegistrationFormBuilder
    landing_page_template = "forms/workshop_page_landing.html"

    # Later mixins (notification settings) extend these panels rather than replace them.
    content_panels = [
        *AbstractForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("description"),
        FieldPanel("venue"),
        InlinePanel("sessions", label=_("Sessions"), min_num=1),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("registration_opens_at"), FieldPanel("registration_closes_at")]),
                FieldPanel("waitlist_enabled"),
                FieldPanel("notification_recipients"),
            ],
            heading=_("Registration settings"),
        ),
        InlinePanel(
            "form_fields",
            label=_("Extra form fields"),
            help_text=_("Name, e-mail, phone, sessions and consent are always asked; add only other questions."),
        ),
        *WorkshopNotificationSettings.notification_panels,
        *PersonalDataSettings.personal_data_panels,
    ]
    search_fields = [*AbstractForm.search_fields, index.SearchField("description"), index.SearchField("venue")]

    parent_page_types = ["strategy_forms.FormIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("workshop page")
        verbose_name_plural = _("workshop pages")

    def get_submission_class(self):
        return Registration

    def get_submissions(self):
        # The listing shows each registration's session: fetch them in the same query.
        return super().get_submissions().select_related("session")

    def get_data_fields(self):
        """Columns of Wagtail's submissions listing and export."""
        return [
            ("full_name", _("Full name")),
            ("email", _("E-mail")),
            ("phone", _("Phone")),
            ("session", _("Session")),
            ("status", _("Status")),
            ("submit_time", _("Submission date")),
            *self.form_builder(self.get_form_fields()).data_fields(),
        ]

    def clean(self):
        super().clean()
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            raise ValidationError({"registration_closes_at": _("Registration must close after it opens.")})

    def registration_is_open(self, now=None):
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)

    def get_context(self, request, *args, **kwargs):
        from ..fragments import remember_sessions
        from ..services import sessions_with_places

        context = super().get_context(request, *args, **kwargs)
        context["sessions"] = sessions_with_places(self)
        context["registration_open"] = self.registration_is_open()
        remember_sessions(request, self, context["sessions"])
        return context

    def content_cache_variant(self, request):
        """Cached content differs before, during and after the registration window (its notice)."""
        now = timezone.now()
        if self.registration_is_open(now):
            return "open"
        return "before" if self.registration_opens_at and now < self.registration_opens_at else "after"

    @protect_form_post
    def serve(self, request, *args, **kwargs):
        """Show the form, or register the person through the service and list each session's outcome.

        Statuses: 400 for an invalid form, 409 for a post outside the registration
        window or when every chosen session was refused (e.g. already registered).
        """
        from ..exceptions import RegistrationClosed

        if request.method != "POST":
            # Built only if rendered: the blank form is usually part of cached content.
            return self.render_form(request, SimpleLazyObject(lambda: self.get_form(page=self, user=request.user)))
        form = self.get_form(request.POST, page=self, user=request.user)
        if not self.registration_is_open():
            form.add_error(None, RegistrationClosed.message)
            return self.render_form(request, form, status=409)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            outcomes = self.process_form_submission(form)
        except RegistrationClosed as exc:
            form.add_error(None, exc.message)
            return self.render_form(request, form, status=409)
        if all(outcome.refused for outcome in outcomes):
            for outcome in outcomes:
                form.add_error(None, f"{outcome.session.title}: {outcome.message}")
            return self.render_form(request, form, status=409)
        return self.render_landing_page(request, outcomes, *args, **kwargs)

    def render_form(self, request, form, status=200):
        context = self.get_context(request)
        context["form"] = form
        return TemplateResponse(request, self.get_template(request), context, status=status)

    def process_form_submission(self, form):
        """Registers through the service; returns one ``SessionOutcome`` per chosen session."""
        from ..services import register

        return register(
            self,
            sessions=form.cleaned_data["sessions"],
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data.get("phone", ""),
            form_data=form.extra_data(),
        )

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        from ..services import cancel_token

        response = super().render_landing_page(request, form_submission, *args, **kwargs)
        outcomes = form_submission or []
        response.context_data["outcomes"] = [
            (outcome, cancel_token(outcome.registration) if outcome.registration else None) for outcome in outcomes
        ]
        return response


class WorkshopSession(Orderable):
    """One session of a workshop: a time slot with a number of places."""

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("capacity"),
    ]

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

    def save(self, *args, **kwargs):
        # Publishing writes sessions outside the registration service. The editor's form already
        # refused a capacity below the confirmed count, but a registration confirmed between that
        # check and the publish must still fit: never store a capacity below it.
        if self.pk is None:
            return super().save(*args, **kwargs)
        from ..services import lowest_allowed_capacity

        with transaction.atomic():
            self.capacity = max(self.capacity, lowest_allowed_capacity(self))
            return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # A field error here also keeps the database check constraint's generic message away.
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})


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
    # Checked in at the session: None until staff mark it (forms.services.mark_attendance).
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # Set when the personal data was anonymised (retention period or erasure, forms.gdpr).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

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

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def get_data(self):
        return {
            **super().get_data(),
            "full_name": self.full_name,
            "email": self.email,
            "phone": self.phone,
            "session": str(self.session),
            "status": self.get_status_display(),
        }
