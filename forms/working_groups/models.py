"""Working groups: the sign-up page, the groups themselves and one sign-up row per person per group.

Rules (sign-up window, duplicates, accepting, moving, merging) live in ``forms.working_groups.services``;
models only hold data, and name their views and forms by path (``forms.lazy_import``).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormSubmission, validate_to_address
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from ..lazy_import import LazyImport
from ..privacy.models import PersonalDataSettings, form_admin_field

TEXT_FEATURES = ["bold", "italic", "link", "ul", "ol", "h2", "h3"]

# Whom a person represents: the source strategy page names these (configurable per page).
DEFAULT_REPRESENTATION_CHOICES = (
    _("resident"),
    _("village council"),
    _("entrepreneur"),
    _("activist"),
    _("company"),
    _("association"),
    _("other organisation"),
)


def default_representation_choices():
    # Evaluated when a page is created, in the language of the admin (Polish on this site).
    return "\n".join(str(choice) for choice in DEFAULT_REPRESENTATION_CHOICES)


class ParticipationFormPage(PersonalDataSettings, AbstractForm):
    """Abstract: what the working-group sign-up and the consultation pages share.

    Both keep Wagtail's form-builder submissions listing and export, but their fields
    are fixed (``forms.working_groups.forms``), so there are no administrator-defined fields.
    """

    representation_choices = models.TextField(
        _("whom people can represent"),
        default=default_representation_choices,
        help_text=_("One choice per line, shown as “I represent” in the form."),
    )
    notification_recipients = models.CharField(
        _("notify"),
        max_length=1000,
        blank=True,
        help_text=_("E-mail addresses of staff notified about each submission, separated by commas."),
        validators=[validate_to_address],
    )

    class Meta:
        abstract = True

    def representation_list(self):
        return [line.strip() for line in self.representation_choices.splitlines() if line.strip()]

    def get_form_fields(self):
        return []

    def serve_preview(self, request, mode_name):
        # Wagtail's "landing" preview would render the landing page without an outcome.
        return super().serve_preview(request, "form")


class WorkingGroupSignupPage(ParticipationFormPage):
    """The "Grupy robocze" page: what the groups do, and the sign-up form."""

    template = "forms/working_groups/signup_page.html"
    landing_page_template = "forms/working_groups/signup_page_landing.html"

    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)
    signup_text = RichTextField(
        _("how to sign up"), blank=True, features=TEXT_FEATURES, help_text=_("Shown above the sign-up form.")
    )
    # The other ways to sign up (the source names an e-mail address and two phone numbers).
    other_ways_text = models.TextField(
        _("other ways to sign up"), blank=True, help_text=_("For example: You can also sign up by e-mail or phone.")
    )
    signup_email = models.EmailField(_("sign-up e-mail address"), blank=True)
    signup_phones = models.CharField(
        _("sign-up phone numbers"), max_length=200, blank=True, help_text=_("Separated by commas.")
    )
    signup_opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    signup_closes_at = models.DateTimeField(_("sign-up closes"), null=True, blank=True)

    content_panels = [
        *AbstractForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        FieldPanel("signup_text"),
        MultiFieldPanel(
            # People send their sign-up to this address and these numbers: form administrators set them.
            [FieldPanel("other_ways_text"), form_admin_field("signup_email"), form_admin_field("signup_phones")],
            heading=_("Other ways to sign up"),
        ),
        MultiFieldPanel(
            [
                HelpPanel(
                    content=_(
                        "The groups (name, description, minimum number of members, thematic area) are edited "
                        "under Snippets › Working groups; sign-ups per group are under Participation › Working groups."
                    )
                ),
                FieldRowPanel([form_admin_field("signup_opens_at"), form_admin_field("signup_closes_at")]),
                form_admin_field("representation_choices"),
                form_admin_field("notification_recipients"),
            ],
            heading=_("Sign-up"),
        ),
        *PersonalDataSettings.personal_data_panels,
    ]
    search_fields = [*AbstractForm.search_fields, index.SearchField("intro"), index.SearchField("signup_text")]

    parent_page_types = ["strategy_forms.FormIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("working-group sign-up page")
        verbose_name_plural = _("working-group sign-up pages")

    def clean(self):
        super().clean()
        opens, closes = self.signup_opens_at, self.signup_closes_at
        if opens and closes and closes <= opens:
            raise ValidationError({"signup_closes_at": _("Sign-up must close after it opens.")})

    def signup_is_open(self, now=None):
        now = now or timezone.now()
        if self.signup_opens_at and now < self.signup_opens_at:
            return False
        return not (self.signup_closes_at and now >= self.signup_closes_at)

    def open_groups(self):
        """Groups people can choose: merged groups are closed."""
        return self.working_groups.filter(merged_into__isnull=True).order_by("sort_order", "pk")

    form_class = LazyImport("forms.working_groups.forms.WorkingGroupSignupForm")
    page_views = LazyImport("forms.working_groups.views")

    def get_form_class(self):
        return self.form_class

    def get_submission_class(self):
        return WorkingGroupSignup

    def get_submissions(self):
        return super().get_submissions().select_related("group")

    def get_data_fields(self):
        return [
            ("full_name", _("Full name")),
            ("email", _("E-mail")),
            ("phone", _("Phone")),
            ("represents", _("Represents")),
            ("group", _("Working group")),
            ("status", _("Status")),
            ("motivation", _("Experience and motivation")),
            ("submit_time", _("Submission date")),
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["groups"] = self.open_groups().select_related("area")
        context["signup_open"] = self.signup_is_open()
        phones = [phone.strip() for phone in self.signup_phones.split(",") if phone.strip()]
        if self.other_ways_text or self.signup_email or phones:
            # In the shape of the site's contact block, whose template shows it (e-mail protected from robots).
            context["other_ways"] = {"title": "", "text": self.other_ways_text, "email": self.signup_email,
                                     "phones": phones}
        return context

    def serve(self, request, *args, **kwargs):
        return self.page_views.serve_signup_page(self, request)


class WorkingGroup(models.Model):
    """One working group people can join. Not a page child on purpose: sign-ups point at it and
    the service changes it (merging), which page revisions would overwrite on the next publish."""

    page = models.ForeignKey(
        WorkingGroupSignupPage, verbose_name=_("sign-up page"), on_delete=models.PROTECT, related_name="working_groups"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("For example: społeczna."))
    description = models.TextField(_("description"), blank=True)
    minimum_members = models.PositiveSmallIntegerField(
        _("minimum number of members"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("The group is formed only when at least this many people have signed up."),
    )
    area = models.ForeignKey(
        "strategy_forms.ThematicArea",
        verbose_name=_("thematic area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="working_groups",
        help_text=_("Members assess the consultation submissions of this area."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    reviewers = models.ForeignKey(
        "auth.Group",
        verbose_name=_("reviewers' permission group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="reviewed_working_groups",
        help_text=_("Admin users in this group see and assess the submissions of the group's area."),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_groups",
    )

    panels = [
        FieldPanel("page"),
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("minimum_members"), FieldPanel("sort_order")]),
        FieldPanel("area"),
    ]

    class Meta:
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")
        ordering = ["page", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["page", "name"], name="working_group_unique_name_per_page")]

    def __str__(self):
        return self.name

    @property
    def is_merged(self):
        return self.merged_into_id is not None


class WorkingGroupSignup(AbstractFormSubmission):
    """One person's sign-up for one working group (a person choosing three groups has three rows).

    The form builder's submission class, so Wagtail's submissions listing and export work.
    Rows are never deleted by the service: the status changes.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        MERGED = "merged", _("already in the group it was merged into")

    ACTIVE_STATUSES = (Status.PENDING, Status.ACCEPTED)

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.PROTECT, related_name="signups"
    )
    full_name = models.CharField(_("full name"), max_length=200)
    # Stored lower-cased so the uniqueness constraint ignores letter case.
    email = models.EmailField(_("e-mail"), max_length=254)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    represents = models.CharField(_("represents"), max_length=100)
    motivation = models.TextField(_("experience and motivation"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    # Set when the personal data was anonymised (retention period or erasure, forms.privacy.services).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("working-group sign-up")
        verbose_name_plural = _("working-group sign-ups")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "email"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_active_signup_per_email_and_group",
            ),
        ]
        permissions = [("manage_working_groups", _("Can manage working-group sign-ups"))]

    def __str__(self):
        return f"{self.full_name} – {self.group}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    def get_data(self):
        return {
            **super().get_data(),
            "full_name": self.full_name,
            "email": self.email,
            "phone": self.phone,
            "represents": self.represents,
            "group": str(self.group),
            "status": self.get_status_display(),
            "motivation": self.motivation,
        }

