"""Working groups: the sign-up page, the groups themselves and one sign-up row per person per group.

Rules (sign-up window, duplicates, accepting, moving, merging) live in ``forms.working_groups.services``;
models only hold data, and name their views and forms by path (``forms.lazy_import``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractForm, AbstractFormSubmission, validate_to_address
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin
from wagtail.search import index

from strategy_pages.caching import SkipViewRestrictionsMixin

from ..conf import form_page_parent_page_types
from ..lazy_import import LazyImport
from ..phones import phone_key
from ..privacy.models import OutOfReferenceIndex, PersonalDataSettings, form_admin_field

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


class Channel(models.TextChoices):
    """How a sign-up or a submission reached the office. Shown in the lists, the exports and (counts
    only) the public consultation report."""

    ONLINE = "online", _("through the web form")
    EMAIL = "email", _("by e-mail")
    PHONE = "phone", _("by phone")
    PAPER = "paper", _("on paper")
    IN_PERSON = "in_person", _("in person")


# What staff may choose when they enter something that arrived outside the web form.
STAFF_CHANNELS = (Channel.EMAIL, Channel.PHONE, Channel.PAPER, Channel.IN_PERSON)


class NoticeDelivery(models.TextChoices):
    """How the person was given the data protection notice (GDPR Art. 13) when their data was collected."""

    WEB_FORM = "web_form", _("shown with the web form")
    READ_OUT = "read_out", _("read out on the phone")
    PAPER_CLAUSE = "paper_clause", _("the information clause of the paper form")
    EMAIL = "email", _("sent by e-mail")
    HANDED_OVER = "handed_over", _("handed over in person")


# The usual way per channel: the staff form starts with it.
DEFAULT_NOTICE_DELIVERY = {
    Channel.ONLINE: NoticeDelivery.WEB_FORM,
    Channel.EMAIL: NoticeDelivery.EMAIL,
    Channel.PHONE: NoticeDelivery.READ_OUT,
    Channel.PAPER: NoticeDelivery.PAPER_CLAUSE,
    Channel.IN_PERSON: NoticeDelivery.HANDED_OVER,
}


class ReceivedThroughChannel(models.Model):
    """Abstract: what the sign-ups and the consultation submissions record about how they arrived.

    A person without an e-mail address has an empty ``email`` (never a made-up address) and is
    recognised by ``phone_key``, the digits of the phone number, filled on save.
    """

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.ONLINE)
    received_at = models.DateTimeField(
        _("received"), null=True, blank=True,
        help_text=_("When it reached the office (the web form: when it was sent)."),
    )
    phone_key = models.CharField(_("phone number digits"), max_length=40, blank=True, editable=False, db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notice_delivery = models.CharField(
        _("data protection notice given"), max_length=20, choices=NoticeDelivery.choices,
        default=NoticeDelivery.WEB_FORM,
    )
    data_protection_notice = models.ForeignKey(
        "strategy_forms.DataProtectionNotice",
        verbose_name=_("data protection notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.phone_key = phone_key(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields and "phone_key" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "phone_key"]
        super().save(*args, **kwargs)

    @property
    def arrived_at(self):
        return self.received_at or self.submit_time

    @property
    def entered_by_staff(self):
        return self.channel != Channel.ONLINE


class ParticipationFormPage(SkipViewRestrictionsMixin, PersonalDataSettings, AbstractForm):  # noqa: DJ008 - Page.__str__
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
    # The groups and the blank form are a fragment reused until the next change of the page or of the
    # data it shows (``FormsConfig.ready``); the CSRF token is filled in on every request.
    cache_page_content = True

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

    parent_page_types = form_page_parent_page_types()
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

    def content_cache_variant(self, request):
        """Cached content differs before, during and after the sign-up window (form or notice)."""
        now = timezone.now()
        if self.signup_is_open(now):
            return "open"
        return "before" if self.signup_opens_at and now < self.signup_opens_at else "after"

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
            ("channel", _("Channel")),
            ("received_at", _("Received")),
            ("notice_delivery", _("Data protection notice given")),
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
    # Staff decisions stay internal until the group is marked as formed; then the accepted people are
    # told (``services.mark_group_formed``). Set only by the service.
    formed_at = models.DateTimeField(_("formed"), null=True, blank=True, editable=False)
    formed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked as formed by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
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

    @property
    def is_formed(self):
        return self.formed_at is not None


class WorkingGroupSignup(OutOfReferenceIndex, ReceivedThroughChannel, AbstractFormSubmission):
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
    # Stored lower-cased so the uniqueness constraint ignores letter case; empty for a person who
    # signed up by phone or on paper without one (then the phone number identifies them).
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    represents = models.CharField(_("represents"), max_length=100)
    motivation = models.TextField(_("experience and motivation"), blank=True)
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
                condition=Q(status__in=["pending", "accepted"]) & ~Q(email=""),
                name="one_active_signup_per_email_and_group",
            ),
            # People without an e-mail address are told apart by their phone number.
            models.UniqueConstraint(
                fields=["group", "phone_key"],
                condition=Q(status__in=["pending", "accepted"], email="") & ~Q(phone_key=""),
                name="one_active_signup_per_phone_and_group",
            ),
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(phone_key=""), name="signup_has_email_or_phone",
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
            "channel": self.get_channel_display(),
            "received_at": self.arrived_at,
            "notice_delivery": self.get_notice_delivery_display(),
        }



class GroupRecommendations(RevisionMixin, ClusterableModel):
    """A working group's recommendations on the municipality's vision and development goals.

    One document per group, created with the group (``services.recommendations_for``). Every save in
    the admin is a Wagtail revision with its author; the group agrees one revision, which is pinned
    (``agreed_revision``), and the public report shows that revision even while a new draft is edited.
    The office then hands the agreed version to the mayor (``handed_over_revision``). These fields are
    the document's state, not its content: they are never taken from a revision (``with_content_json``)
    and only the services change them.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        AGREED = "agreed", _("agreed by the group")
        HANDED_OVER = "handed_over", _("handed to the mayor")

    STATE_FIELDS = (
        "group_id", "state", "agreed_revision_id", "agreed_at", "agreed_by_id", "agreement_note",
        "handed_over_revision_id", "handed_over_at", "handed_over_by_id",
    )

    group = models.OneToOneField(
        WorkingGroup, verbose_name=_("working group"), on_delete=models.PROTECT, related_name="recommendations",
        editable=False,
    )
    vision = models.TextField(
        _("vision statement"), blank=True, max_length=3000,
        help_text=_("A few sentences: what the municipality should be like in its area, as the group sees it."),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    agreed_revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("agreed version"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="+",
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True, editable=False)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("marked as agreed by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )
    agreement_note = models.CharField(_("how it was agreed"), max_length=300, blank=True, editable=False)
    handed_over_revision = models.ForeignKey(
        "wagtailcore.Revision", verbose_name=_("version handed to the mayor"), null=True, blank=True,
        editable=False, on_delete=models.PROTECT, related_name="+",
    )
    handed_over_at = models.DateTimeField(_("handed to the mayor"), null=True, blank=True, editable=False)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )

    panels = [
        HelpPanel(template="forms/working_groups/admin_recommendations_state.html", heading=_("State")),
        FieldPanel("vision"),
        InlinePanel("goals", heading=_("Recommended development goals"), label=_("goal")),
    ]
    base_form_class = LazyImport("forms.working_groups.forms.RecommendationsAdminForm")

    class Meta:
        verbose_name = _("working-group recommendations")
        verbose_name_plural = _("working-group recommendations")
        ordering = ["group__sort_order", "group__pk"]

    def __str__(self):
        return str(_("Recommendations of the group “%(name)s”") % {"name": self.group.name})

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        # The state belongs to the document, not to a version: reverting never brings an old state back.
        for name in self.STATE_FIELDS:
            setattr(obj, name, getattr(self, name))
        return obj

    def save_revision(self, *args, overwrite_revision=None, **kwargs):
        # Wagtail's autosave may overwrite the latest revision in place; an agreed or handed-over
        # version is a record and must never change, so a new revision is made instead.
        if overwrite_revision is not None and overwrite_revision.pk in (
            self.agreed_revision_id, self.handed_over_revision_id
        ):
            overwrite_revision = None
        return super().save_revision(*args, overwrite_revision=overwrite_revision, **kwargs)

    @property
    def has_unagreed_changes(self):
        return self.latest_revision_id is not None and self.latest_revision_id != self.agreed_revision_id

    def agreed_version(self):
        """The agreed revision as an object (its goals in memory), or None."""
        return self.agreed_revision.as_object() if self.agreed_revision_id else None


class RecommendedGoal(ClusterableModel, Orderable):
    """One recommended development goal, with why, and what it rests on."""

    document = ParentalKey(GroupRecommendations, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("development goal"), max_length=250)
    justification = models.TextField(_("justification"), max_length=5000)
    trends = ParentalManyToManyField(
        "strategy_forms.Trend", verbose_name=_("trends it rests on"), blank=True, related_name="recommended_goals",
    )
    submissions = ParentalManyToManyField(
        "strategy_forms.ConsultationSubmission", verbose_name=_("assessed submissions it rests on"), blank=True,
        related_name="recommended_goals",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("justification"),
        FieldPanel("trends"),
        FieldPanel("submissions"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("recommended development goal")
        verbose_name_plural = _("recommended development goals")

    def __str__(self):
        return self.title
