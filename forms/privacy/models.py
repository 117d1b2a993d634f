"""Personal data: the GDPR information notice (a snippet), the per-page retention settings every
form page shares, and the register of export/erasure requests.

Rules (what is anonymised when, what an erasure touches) live in ``forms.privacy.services``; models only hold data.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index
from wagtail.snippets.widgets import AdminSnippetChooser

from strategy_pages.panels import InlinePanel

NOTICE_FEATURES = ["bold", "italic", "link", "ul", "ol"]

# Fields of form pages that route, keep or expose personal data (recipients, staff-mail settings,
# retention, notice), and those that decide who gets a place, are shown to and saved for users with
# this permission only (form administrators, superusers). Wagtail drops such a field from the editor's
# form for everyone else, so a value in an editor's POST is ignored, not only hidden.
# The same codename as ``forms.privacy.permissions.VIEW_PERSONAL_DATA`` (models import nothing above them).
FORM_SETTINGS_PERMISSION = "strategy_forms.view_personal_data"


def form_admin_field(field_name, **kwargs):
    """A ``FieldPanel`` shown to and saved for form administrators only (``FORM_SETTINGS_PERMISSION``)."""
    return FieldPanel(field_name, permission=FORM_SETTINGS_PERMISSION, **kwargs)


class OutOfReferenceIndex:
    """Rows of personal data stay out of Wagtail's reference index: it lists what uses a page, an image or
    a snippet to whoever may edit them, and keeping it up to date ran a query-heavy task on every save."""

    wagtail_reference_index_ignore = True


class FormAdminInlinePanel(InlinePanel):
    """An ``InlinePanel`` for form administrators only. The page's editor form
    (``PermissionedFormsetsMixin``) drops the formset for other users, so it is neither shown nor saved."""

    class BoundPanel(InlinePanel.BoundPanel):
        def __init__(self, **kwargs):
            form = kwargs.get("form")
            self.hidden = form is not None and kwargs["panel"].relation_name not in form.formsets
            if self.hidden:
                kwargs = {**kwargs, "form": None}
            super().__init__(**kwargs)

        def is_shown(self):
            return not self.hidden and super().is_shown()


class PermissionedFormsetsMixin:
    """For a page's editor form: child formsets named in ``formset_permissions`` exist only for users
    with the permission; for anyone else they are removed, so their rows are neither shown nor saved."""

    formset_permissions = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        for name, permission in self.formset_permissions.items():
            if name in self.formsets and not (user is not None and user.has_perm(permission)):
                del self.formsets[name]
DEFAULT_RETENTION_DAYS = 90
MAX_RETENTION_DAYS = 3650


def default_complaint_text():
    # Evaluated when a notice is created, in the admin's language (Polish on this site).
    text = gettext(
        "You have the right to lodge a complaint with the supervisory authority: the President of the "
        "Personal Data Protection Office (Prezes Urzędu Ochrony Danych Osobowych), ul. Stawki 2, "
        "00-193 Warszawa, when you consider that the processing of your personal data infringes the GDPR."
    )
    return f"<p>{text}</p>"


def default_rights_text():
    text = gettext(
        "You have the right to access your data, to have it rectified or erased, to restrict its processing, "
        "to data portability and to object to the processing; where processing is based on consent, you may "
        "withdraw it at any time without affecting the lawfulness of processing before the withdrawal."
    )
    return f"<p>{text}</p>"


class DataProtectionNotice(index.Indexed, models.Model):
    """The information clause of GDPR Art. 13, shown when personal data is collected.

    Each form page may choose one; pages that do not use the notice marked as the default.
    """

    title = models.CharField(_("title"), max_length=200)
    is_default = models.BooleanField(
        _("default notice"),
        default=False,
        help_text=_("Used by every form that does not choose a notice of its own. Only one notice is the default."),
    )
    controller = RichTextField(
        _("controller"), features=NOTICE_FEATURES, help_text=_("Who the controller is, with address and contact.")
    )
    dpo_contact = RichTextField(_("data protection officer"), features=NOTICE_FEATURES,
                                help_text=_("How to contact the data protection officer."))
    purposes = RichTextField(_("purposes of processing"), features=NOTICE_FEATURES)
    legal_basis = RichTextField(_("legal basis"), features=NOTICE_FEATURES,
                                help_text=_("For example Art. 6(1)(a) or (e) GDPR, with the act concerned."))
    recipients = RichTextField(_("recipients"), features=NOTICE_FEATURES,
                               help_text=_("Who receives the data, e.g. the hosting and e-mail providers."))
    retention = RichTextField(_("retention period"), features=NOTICE_FEATURES,
                              help_text=_("How long the data is kept (the forms anonymise it automatically)."))
    rights = RichTextField(_("rights of the data subject"), features=NOTICE_FEATURES, default=default_rights_text)
    complaint = RichTextField(
        _("right to lodge a complaint"), features=NOTICE_FEATURES, default=default_complaint_text,
        help_text=_("The right to complain to the President of the Personal Data Protection Office (UODO)."),
    )
    other_information = RichTextField(
        _("other information"), features=NOTICE_FEATURES, blank=True,
        help_text=_("For example whether providing the data is voluntary, and that no automated decisions are made."),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("is_default"),
        FieldPanel("controller"),
        FieldPanel("dpo_contact"),
        FieldPanel("purposes"),
        FieldPanel("legal_basis"),
        FieldPanel("recipients"),
        FieldPanel("retention"),
        FieldPanel("rights"),
        FieldPanel("complaint"),
        FieldPanel("other_information"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    # Section headings in the order of Art. 13, for the public page.
    SECTIONS = (
        ("controller", _("Controller")),
        ("dpo_contact", _("Data protection officer")),
        ("purposes", _("Purposes of processing")),
        ("legal_basis", _("Legal basis")),
        ("recipients", _("Recipients of the data")),
        ("retention", _("How long the data is kept")),
        ("rights", _("Your rights")),
        ("complaint", _("Right to lodge a complaint")),
        ("other_information", _("Other information")),
    )

    class Meta:
        verbose_name = _("data protection notice")
        verbose_name_plural = _("data protection notices")
        ordering = ["-is_default", "title"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_data_protection_notice"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.is_default:
            # Choosing a new default replaces the old one rather than failing on the constraint.
            DataProtectionNotice.objects.filter(is_default=True).exclude(pk=self.pk).update(is_default=False)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("strategy_forms:data_protection_notice", args=[self.pk])

    @classmethod
    def for_page(cls, page):
        """The notice a form page gives people: its own, or the default one (None when there is none)."""
        notice = getattr(page, "data_protection_notice", None) if page is not None else None
        return notice or cls.objects.filter(is_default=True).first()

    def sections(self):
        return [(label, getattr(self, name)) for name, label in self.SECTIONS if getattr(self, name)]


class DataProtectionNoticeChooser(AdminSnippetChooser):
    """Wagtail words its buttons "Wybierz {verbose name}" ("Wybierz klauzula…"): here in the right case."""

    def __init__(self, **kwargs):
        super().__init__(DataProtectionNotice, **kwargs)
        self.choose_one_text = _("Choose a data protection notice")
        self.choose_another_text = _("Choose another data protection notice")
        self.link_to_chosen_text = _("Edit this data protection notice")


class PersonalDataSettings(models.Model):
    """Abstract: what every form page that collects personal data sets about it."""

    data_protection_notice = models.ForeignKey(
        "strategy_forms.DataProtectionNotice",
        verbose_name=_("data protection notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Linked from the form's consent. Leave empty to use the default notice."),
    )
    # Empty means the default (a form posted without the field keeps working).
    retention_days = models.PositiveIntegerField(
        _("retention period (days)"),
        default=DEFAULT_RETENTION_DAYS,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RETENTION_DAYS)],
        help_text=_(
            "Personal data is anonymised automatically this many days after the event (the end of the last "
            "session, of the consultation or of the sign-up; for surveys, after each answer). Counts, statuses "
            "and assessments are kept. Empty: 90 days."
        ),
    )

    personal_data_panels = [
        MultiFieldPanel(
            [
                form_admin_field("data_protection_notice", widget=DataProtectionNoticeChooser()),
                form_admin_field("retention_days"),
            ],
            heading=_("Personal data"),
        ),
    ]

    class Meta:
        abstract = True

    @property
    def retention_period(self):
        """The retention period as a timedelta (the default when the field is empty)."""
        return timedelta(days=self.retention_days or DEFAULT_RETENTION_DAYS)


class PersonalDataRequest(OutOfReferenceIndex, models.Model):
    """One export or erasure of everything held about one e-mail address (GDPR Art. 15, 17, 20).

    The address itself is not kept: only its SHA-256 hash, so a repeated request can be matched.
    Also the instance the Wagtail log entry of the request points at.
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("export")
        ERASE = "erase", _("erasure")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    email_hash = models.CharField(_("e-mail address hash (SHA-256)"), max_length=64, db_index=True)
    records = models.JSONField(_("records"), default=dict, help_text=_("Number of records per kind."))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-created_at", "-pk"]
        default_permissions = ()
        permissions = [
            ("view_personal_data", _("Can see, export and erase personal data of participants")),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.email_hash[:12]}"
