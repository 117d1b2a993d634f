"""Public consultations: the consultation page, submissions, their assessment by the working
groups, and the public report page.

Rules (the consultation period, moderation, who may assess what, the report's columns) live in
``forms.consultations.services``; models only hold data, and name their views and forms by path
(``forms.lazy_import``).
"""

import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormSubmission
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from strategy_pages.caching import SkipViewRestrictionsMixin, cached_fragment

from ..conf import form_page_parent_page_types
from ..lazy_import import LazyImport
from ..privacy.models import OutOfReferenceIndex, form_admin_field
from ..working_groups.models import TEXT_FEATURES, ParticipationFormPage, ReceivedThroughChannel

# Art. 6 ust. 5 of the development-policy act: consultations last at least 35 days.
MINIMUM_CONSULTATION_DAYS = 35


def private_media_root():
    """PRIVATE_MEDIA_ROOT; by default ``var/private-media`` under BASE_DIR (this project's value), or under
    the working directory in a host project that has no BASE_DIR (hosts should set PRIVATE_MEDIA_ROOT)."""
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if configured:
        return str(configured)
    return str(Path(getattr(settings, "BASE_DIR", None) or os.getcwd()) / "var" / "private-media")


@deconstructible(path="forms.consultations.models.PrivateMediaStorage")
class PrivateMediaStorage(FileSystemStorage):
    """Files that must never get a public URL: stored outside MEDIA_ROOT and served only by the
    admin view that checks permissions. The location is read on every use (settings may change)."""

    @property
    def base_location(self):
        return private_media_root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Consultation attachments have no public URL.")


class ThematicArea(models.Model):
    """A thematic area of the strategy (społeczny, środowiskowy…): consultation submissions are
    filed under one, and the working group of that area assesses them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class ConsultationPage(ParticipationFormPage):
    """A public consultation with a period set by the mayor, and the form to submit needs and proposals."""

    template = "forms/consultations/consultation_page.html"
    landing_page_template = "forms/consultations/consultation_page_landing.html"
    # The announcement and the blank form are a fragment reused until the next change of the page or of
    # the areas (``FormsConfig.ready``); the CSRF token is filled in on every request.
    cache_page_content = True

    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)
    starts_at = models.DateTimeField(_("consultation starts"))
    ends_at = models.DateTimeField(_("consultation ends"), help_text=_("Submissions are accepted until this moment."))
    how_to_submit = RichTextField(
        _("how to submit"),
        features=TEXT_FEATURES,
        help_text=_(
            "Required by Art. 6(4) of the development-policy act: how (and where) comments and proposals "
            "can be submitted, besides this form. The page states the deadline by itself."
        ),
    )

    content_panels = [
        *AbstractForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                HelpPanel(
                    content=_(
                        "Art. 6(5) of the development-policy act: the consultation must last at least 35 days. "
                        "A shorter period is saved, with a warning."
                    )
                ),
                # The period decides which submissions are accepted: form administrators set it.
                FieldRowPanel([form_admin_field("starts_at"), form_admin_field("ends_at")]),
                FieldPanel("how_to_submit"),
            ],
            heading=_("Consultation period"),
        ),
        MultiFieldPanel(
            [form_admin_field("representation_choices"), form_admin_field("notification_recipients")],
            heading=_("Form"),
        ),
        *ParticipationFormPage.personal_data_panels,
    ]
    search_fields = [*AbstractForm.search_fields, index.SearchField("intro"), index.SearchField("how_to_submit")]

    parent_page_types = form_page_parent_page_types()
    subpage_types = ["strategy_forms.ConsultationReportPage"]

    class Meta:
        verbose_name = _("consultation page")
        verbose_name_plural = _("consultation pages")

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The consultation must end after it starts.")})

    @property
    def period(self):
        return self.ends_at - self.starts_at

    def period_is_too_short(self):
        return self.period < timedelta(days=MINIMUM_CONSULTATION_DAYS)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at

    def has_ended(self, now=None):
        return (now or timezone.now()) >= self.ends_at

    def has_not_started(self, now=None):
        return (now or timezone.now()) < self.starts_at

    def period_state(self, now=None):
        now = now or timezone.now()
        return "before" if self.has_not_started(now) else "ended" if self.has_ended(now) else "open"

    def content_cache_variant(self, request):
        """Cached content differs before, during and after the consultation period (form or notice)."""
        return self.period_state()

    form_class = LazyImport("forms.consultations.forms.ConsultationSubmissionForm")
    page_views = LazyImport("forms.consultations.views")

    def get_form_class(self):
        return self.form_class

    def get_submission_class(self):
        return ConsultationSubmission

    def get_submissions(self):
        return super().get_submissions().select_related("area")

    def get_data_fields(self):
        return [
            ("reference", _("Reference number")),
            ("full_name", _("Full name")),
            ("email", _("E-mail")),
            ("phone", _("Phone")),
            ("represents", _("Represents")),
            ("area", _("Thematic area")),
            ("title", _("Title")),
            ("content", _("Content")),
            ("place", _("Place it concerns")),
            ("status", _("Status")),
            ("channel", _("Channel")),
            ("received_at", _("Received")),
            ("posted_on", _("Date of posting")),
            ("notice_delivery", _("Data protection notice given")),
            ("submit_time", _("Submission date")),
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["consultation_open"] = self.is_open()
        # Looked up only when rendered: the content is usually taken from the fragment cache.
        context["report_page"] = SimpleLazyObject(
            lambda: self.get_children().live().public().type(ConsultationReportPage).first()
        )
        return context

    def serve(self, request, *args, **kwargs):
        return self.page_views.serve_consultation_page(self, request)


class ConsultationSubmission(OutOfReferenceIndex, ReceivedThroughChannel, AbstractFormSubmission):
    """A need or proposal sent during a consultation. The submitter's name and contact details are
    for the office only: the public report never shows them."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ACCEPTED = "accepted", _("accepted for review")
        REJECTED = "rejected", _("rejected as off-topic")

    reference = models.CharField(_("reference number"), max_length=20, unique=True, null=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=200)
    # Empty for a submission on paper or by phone from a person without one (never a made-up address).
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    represents = models.CharField(_("represents"), max_length=100)
    area = models.ForeignKey(
        ThematicArea, verbose_name=_("thematic area"), on_delete=models.PROTECT, related_name="submissions"
    )
    # A letter posted before the end that arrived after it: the date of posting counts.
    posted_on = models.DateField(_("date of posting"), null=True, blank=True)
    late_reason = models.TextField(_("reason for accepting after the end"), blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    place = models.CharField(_("place it concerns"), max_length=200, blank=True)
    attachment = models.FileField(
        _("attachment"), storage=PrivateMediaStorage(), upload_to="consultations/%Y/%m/", blank=True, max_length=255
    )
    attachment_name = models.CharField(_("attachment file name"), max_length=255, blank=True)
    attachment_content_type = models.CharField(_("attachment type"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    # Set when the personal data was anonymised (retention period or erasure, forms.privacy.services).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("consultation submission")
        verbose_name_plural = _("consultation submissions")
        ordering = ["id"]
        indexes = [models.Index(fields=["page", "status", "area"], name="consultation_sub_page_status")]
        constraints = [
            models.CheckConstraint(condition=~Q(email="") | ~Q(phone_key=""), name="submission_has_email_or_phone"),
        ]
        permissions = [
            ("moderate_consultation_submissions", _("Can moderate consultation submissions")),
            ("assess_consultation_submissions", _("Can assess consultation submissions of own working group")),
        ]

    def __str__(self):
        return f"{self.reference or self.pk}: {self.title}"

    def get_data(self):
        return {
            **super().get_data(),
            "reference": self.reference,
            "full_name": self.full_name,
            "email": self.email,
            "phone": self.phone,
            "represents": self.represents,
            "area": str(self.area),
            "title": self.title,
            "content": self.content,
            "place": self.place,
            "status": self.get_status_display(),
            "channel": self.get_channel_display(),
            "received_at": self.arrived_at,
            "posted_on": self.posted_on,
            "notice_delivery": self.get_notice_delivery_display(),
        }


class Trend(models.Model):
    """A development trend a working group names in its area ("starzenie się mieszkańców")."""

    area = models.ForeignKey(
        ThematicArea, verbose_name=_("thematic area"), on_delete=models.CASCADE, related_name="trends"
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(
        _("description"), blank=True, max_length=3000,
        help_text=_("What the trend is and how it shows in the municipality; published in the consultation report."),
    )

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        verbose_name = _("trend")
        verbose_name_plural = _("trends")
        ordering = ["area", "name"]
        constraints = [models.UniqueConstraint("area", Lower("name"), name="trend_unique_name_per_area")]

    def __str__(self):
        return self.name

    @property
    def has_description(self):
        return _("yes") if self.description else _("no")


class Assessment(OutOfReferenceIndex, models.Model):
    """The working group's assessment of one accepted submission."""

    class Recommendation(models.TextChoices):
        INCLUDE = "include", _("take into account")
        INCLUDE_PARTIALLY = "partially", _("take into account in part")
        DO_NOT_INCLUDE = "exclude", _("do not take into account")

    submission = models.OneToOneField(
        ConsultationSubmission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="assessment"
    )
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Recommendation.choices)
    justification = models.TextField(_("justification"))
    trends = models.ManyToManyField(Trend, verbose_name=_("trends"), blank=True, related_name="assessments")
    working_group = models.ForeignKey(
        "strategy_forms.WorkingGroup",
        verbose_name=_("working group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The number of the latest ``AssessmentVersion``: the form carries the number it was opened at, so a
    # save on an older one is refused instead of silently overwriting a colleague's (``services.assess``).
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self):
        return f"{self.submission}: {self.get_recommendation_display()}"


class AssessmentVersion(OutOfReferenceIndex, models.Model):
    """One saved version of an assessment, kept for good (append-only): who saved what, and when."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=Assessment.Recommendation.choices)
    justification = models.TextField(_("justification"))
    # Names as they were at this version (a trend renamed later does not rewrite history).
    trend_names = models.JSONField(_("trends"), default=list, blank=True)
    working_group = models.ForeignKey(
        "strategy_forms.WorkingGroup", verbose_name=_("working group"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved"))

    class Meta:
        verbose_name = _("assessment version")
        verbose_name_plural = _("assessment versions")
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="assessment_version_unique_number"),
        ]

    def __str__(self):
        return f"{self.assessment_id} v{self.number}"


class ConsultationReportPage(SkipViewRestrictionsMixin, RoutablePageMixin, Page):  # noqa: DJ008 - Page.__str__
    """The public report of a consultation (child of its consultation page), also as CSV.

    Lists accepted and assessed submissions: title, area, whom the submitter represents and the
    assessment; never names, contact details or attachments.
    """

    template = "forms/consultations/report_page.html"
    # The report is a fragment reused until the next change of a page or of the submissions, assessments,
    # trends and recommendations it shows (``FormsConfig.ready``); the period's end starts a variant.
    cache_page_content = True

    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)
    conclusions = RichTextField(_("conclusions"), blank=True, features=TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("conclusions")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("conclusions")]

    parent_page_types = ["strategy_forms.ConsultationPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("consultation report page")
        verbose_name_plural = _("consultation report pages")

    @property
    def consultation(self):
        # The parent in one query of its type (``get_parent().specific`` makes two).
        return ConsultationPage.objects.get(path=self.path[: -self.steplen])

    page_views = LazyImport("forms.consultations.views")

    def consultation_period(self, request=None):
        """(starts_at, ends_at) of the consultation: one query, none from the fragment cache (a change of
        the consultation page starts a new cache generation)."""
        def build():
            return ConsultationPage.objects.filter(path=self.path[: -self.steplen]).values_list(
                "starts_at", "ends_at"
            ).first()

        return cached_fragment(request, "consultation-period", (self.pk,), build)

    def consultation_has_ended(self, request=None, now=None):
        period = self.consultation_period(request)
        return period is not None and (now or timezone.now()) >= period[1]

    def content_cache_variant(self, request):
        """Cached content differs before and after the consultation ends (the report appears)."""
        return "ended" if self.consultation_has_ended(request) else "open"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return self.page_views.add_report_to_context(self, context, request)

    @path("")
    def report_view(self, request):
        return self.render(request)

    @path("csv/", name="csv")
    def csv_view(self, request):
        return self.page_views.report_csv(self, request)

    @path("rekomendacje/csv/", name="recommendations_csv")
    def recommendations_csv_view(self, request):
        return self.page_views.recommendations_csv(self, request)

    @path("rekomendacje/json/", name="recommendations_json")
    def recommendations_json_view(self, request):
        return self.page_views.recommendations_json(self, request)

    @path("grupa/<int:group_id>/", name="group_recommendations")
    def group_recommendations_view(self, request, group_id):
        return self.page_views.group_recommendations(self, request, group_id)
