"""Workshops: the page people register through, its sessions, registrations and e-mail settings.

Built on Wagtail's form builder. Rules about places (capacity, waitlist, cancellation) live in
``forms.workshops.services``; the page's views and forms are named by path (``forms.lazy_import``),
so these models import nothing above them.
"""

import re
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.queryset import FakeQuerySet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, Panel
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
from strategy_pages.prepared import prepared_query

from ..conf import form_page_parent_page_types
from ..lazy_import import LazyImport
from ..privacy.models import FormAdminInlinePanel, OutOfReferenceIndex, PersonalDataSettings, form_admin_field
from ..questions import PreparedQuestionsMixin

# Names administrators may use in message texts, e.g. "Dzień dobry {imie_nazwisko}".
# Replaced from a fixed table (forms.workshops.messages.placeholder_values), never with str.format.
PLACEHOLDERS = (
    "imie_nazwisko",
    "warsztat",
    "sesja",
    "data",
    "godzina",
    "miejsce",
    "link_anulowania",
    "pozycja",
    "link_strony",
)
PLACEHOLDER_PATTERN = re.compile(r"\{(\w+)\}")

PLACEHOLDER_HELP = _(
    "Leave blank to use the default text. You can use: {imie_nazwisko} (name), {warsztat} (workshop), "
    "{sesja} (session), {data} (date), {godzina} (start–end time), {miejsce} (place), "
    "{link_anulowania} (cancellation link), {pozycja} (place on the waiting list), {link_strony} (page address)."
)


def validate_placeholders(value):
    unknown = sorted({name for name in PLACEHOLDER_PATTERN.findall(value) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            _("Unknown placeholder: %(names)s. Allowed: %(allowed)s."),
            params={
                "names": ", ".join(f"{{{name}}}" for name in unknown),
                "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            },
        )


def _subject(label):
    return models.CharField(
        label, max_length=255, blank=True, validators=[validate_placeholders], help_text=PLACEHOLDER_HELP
    )


def _text(label):
    return models.TextField(label, blank=True, validators=[validate_placeholders], help_text=PLACEHOLDER_HELP)


# Message kinds whose texts a page can override: prefix of the fields -> heading in the editor.
EDITABLE_MESSAGES = {
    "confirmation": _("E-mail: registration confirmed"),
    "waitlist": _("E-mail: placed on the waiting list"),
    "promotion": _("E-mail: a place freed up (promoted from the waiting list)"),
    "cancellation": _("E-mail: cancellation confirmed"),
    "reminder": _("E-mail: reminder before the session"),
}


class WorkshopNotificationSettings(models.Model):
    """Abstract: mixed into ``WorkshopPage`` (the notification fields live in this module, not there)."""

    class StaffNotifications(models.TextChoices):
        EACH = "each", _("an e-mail for each registration")
        DIGEST = "digest", _("one daily digest")
        OFF = "off", _("none")

    reminder_lead_hours = models.PositiveSmallIntegerField(
        _("send reminders (hours before the session)"),
        default=24,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_("Confirmed participants get a reminder this many hours before their session; 0 turns it off."),
    )
    staff_notifications = models.CharField(
        _("staff e-mail about registrations"),
        max_length=10,
        choices=StaffNotifications.choices,
        default=StaffNotifications.EACH,
        help_text=_("Sent to the addresses in “notify”; nothing is sent when that field is empty."),
    )
    capacity_alerts = models.BooleanField(
        _("alert staff when a session fills up"),
        default=True,
        help_text=_("One e-mail when a session is 80 percent full and one when it is full."),
    )

    confirmation_subject = _subject(_("subject: registration confirmed"))
    confirmation_text = _text(_("text: registration confirmed"))
    waitlist_subject = _subject(_("subject: waiting list"))
    waitlist_text = _text(_("text: waiting list"))
    promotion_subject = _subject(_("subject: promoted from the waiting list"))
    promotion_text = _text(_("text: promoted from the waiting list"))
    cancellation_subject = _subject(_("subject: cancellation"))
    cancellation_text = _text(_("text: cancellation"))
    reminder_subject = _subject(_("subject: reminder"))
    reminder_text = _text(_("text: reminder"))

    notification_panels = [
        MultiFieldPanel(
            [
                FieldPanel("reminder_lead_hours"),
                # Staff mail carries registrants' data: form administrators choose who gets it and how.
                FieldRowPanel([form_admin_field("staff_notifications"), form_admin_field("capacity_alerts")]),
            ],
            heading=_("E-mail notifications"),
        ),
        *(
            MultiFieldPanel(
                [FieldPanel(f"{prefix}_subject"), FieldPanel(f"{prefix}_text")],
                heading=heading,
                classname="collapsed",
            )
            for prefix, heading in EDITABLE_MESSAGES.items()
        ),
    ]

    class Meta:
        abstract = True

    def custom_message(self, prefix):
        """The page's own (subject, text) for a message kind; blanks mean "use the default"."""
        return getattr(self, f"{prefix}_subject").strip(), getattr(self, f"{prefix}_text").strip()


# Names of the fixed fields: an extra field whose clean_name is one of these gets a prefix.
RESERVED_FIELD_NAMES = frozenset({"full_name", "email", "phone", "sessions", "consent"})
EXTRA_FIELD_PREFIX = "extra_"


class SessionChangesPanel(Panel):
    """In the page editor: how many people will be told, on publishing, about the sessions whose date, time
    or venue the draft changes (counts only, never names). Counted by ``services.pending_session_changes``."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "forms/workshops/admin/session_changes_panel.html"

        def is_shown(self):
            return bool(self.instance.pk)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["changes"] = self.instance.page_views.pending_session_changes(self.instance)
            return context


class WorkshopFormField(AbstractFormField):
    """Extra fields administrators add to a workshop's registration form."""

    page = ParentalKey("WorkshopPage", on_delete=models.CASCADE, related_name="form_fields")

    @property
    def form_data_key(self):
        """The field's name in the form and in ``form_data``; never one of the fixed fields' names."""
        name = self.clean_name or self.get_field_clean_name()
        return f"{EXTRA_FIELD_PREFIX}{name}" if name in RESERVED_FIELD_NAMES else name


class WorkshopPage(  # noqa: DJ008 - Page.__str__
    SkipViewRestrictionsMixin, PreparedQuestionsMixin, PersonalDataSettings, WorkshopNotificationSettings, AbstractForm
):
    """A workshop (one evening or event) with sessions that people register for."""

    template = "forms/workshops/workshop_page.html"
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
    max_sessions_per_person = models.PositiveSmallIntegerField(
        _("sessions per person at most"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave blank for no limit. Places on a waiting list count too."),
    )
    waitlist_offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed place"),
        default=0,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_("A freed place is offered to the first person waiting, who accepts it by a link within this "
                    "many hours; unanswered, it goes to the next person. 0 gives the place at once."),
    )
    no_offers_hours_before = models.PositiveSmallIntegerField(
        _("no automatic places (hours before the session)"),
        default=0,
        validators=[MaxValueValidator(24 * 14)],
        help_text=_("In this many hours before a session freed places are neither offered nor given automatically: "
                    "staff decide. 0 turns it off."),
    )
    show_public_counts = models.BooleanField(
        _("show how many places are taken"),
        default=False,
        help_text=_("The page shows each session's taken places and the length of its waiting list (never names)."),
    )
    notification_recipients = models.CharField(
        _("notify"),
        max_length=1000,
        blank=True,
        help_text=_("E-mail addresses of staff notified about registrations, separated by commas."),
        validators=[validate_to_address],
    )

    base_form_class = LazyImport("forms.workshops.forms.WorkshopPageForm")
    form_builder = LazyImport("forms.workshops.forms.RegistrationFormBuilder")
    page_views = LazyImport("forms.workshops.views")
    landing_page_template = "forms/workshops/workshop_page_landing.html"

    # Later mixins (notification settings) extend these panels rather than replace them.
    content_panels = [
        *AbstractForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("description"),
        FieldPanel("venue"),
        # Sessions, places, the registration window and the waitlist decide who gets a place; the
        # recipients and the extra questions route and collect personal data: form administrators only.
        # Title, description and venue are content: editors keep them.
        SessionChangesPanel(heading=_("Notifying registered people")),
        FormAdminInlinePanel(
            "sessions", heading=_("Sessions"), label=_("session"), add_button_label=_("Add session"), min_num=1
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [form_admin_field("registration_opens_at"), form_admin_field("registration_closes_at")]
                ),
                form_admin_field("waitlist_enabled"),
                FieldRowPanel(
                    [form_admin_field("waitlist_offer_hours"), form_admin_field("no_offers_hours_before")]
                ),
                FieldRowPanel(
                    [form_admin_field("max_sessions_per_person"), form_admin_field("show_public_counts")]
                ),
                form_admin_field("notification_recipients"),
            ],
            heading=_("Registration settings"),
        ),
        FormAdminInlinePanel(
            "form_fields",
            heading=_("Extra form fields"),
            label=_("form field"),
            add_button_label=_("Add form field"),
            help_text=_("Name, e-mail, phone, sessions and consent are always asked; add only other questions."),
        ),
        *WorkshopNotificationSettings.notification_panels,
        *PersonalDataSettings.personal_data_panels,
    ]
    search_fields = [*AbstractForm.search_fields, index.SearchField("description"), index.SearchField("venue")]

    parent_page_types = form_page_parent_page_types()
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

    def last_session_start(self):
        """When the last of the page's sessions (saved or only in this draft) starts; None without sessions."""
        return max((session.starts_at for session in self.sessions.all() if session.starts_at), default=None)

    def registration_closes_after_last_session(self):
        """Registration stays open after the last session has started (nobody can join a started session)."""
        last_start = self.last_session_start()
        return bool(self.registration_closes_at and last_start and self.registration_closes_at > last_start)

    def registration_is_open(self, now=None):
        now = now or timezone.now()
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return self.page_views.add_sessions_to_context(self, request, context)

    def sessions_with_places(self):
        """The page's sessions, each with ``confirmed_count``, ``waitlisted_count`` and ``places_left``.

        Counted in one query on every call, never cached, so remaining places are current. A preview or an
        old revision holds its sessions in memory (not saved yet): they are shown as they would be after
        publishing, each saved one with the registrations it has now, a new one with none.
        """
        sessions = self.sessions.all()
        if not isinstance(sessions, FakeQuerySet):
            return set_places_left(_counted_sessions_of(self.pk))
        sessions = sorted((session for session in sessions if session.cancelled_at is None),
                          key=lambda session: (session.sort_order or 0, session.starts_at))
        saved_ids = [session.pk for session in sessions if session.pk]
        counts = {
            row["pk"]: row
            for row in WorkshopSession.objects.filter(pk__in=saved_ids).with_places().values(
                "pk", "confirmed_count", "waitlisted_count", "offered_count"
            )
        }
        for session in sessions:
            row = counts.get(session.pk, {})
            session.confirmed_count = row.get("confirmed_count", 0)
            session.waitlisted_count = row.get("waitlisted_count", 0)
            session.offered_count = row.get("offered_count", 0)
        return set_places_left(sessions)

    def content_cache_variant(self, request):
        """Cached content differs before, during and after the registration window (its notice)."""
        now = timezone.now()
        if self.registration_is_open(now):
            return "open"
        return "before" if self.registration_opens_at and now < self.registration_opens_at else "after"

    def serve(self, request, *args, **kwargs):
        return self.page_views.serve_workshop_page(self, request, *args, **kwargs)

    def render_landing_page(self, request, form_submission=None, *args, **kwargs):
        return self.page_views.render_landing_page(self, request, form_submission, *args, **kwargs)


class SessionQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def with_places(self):
        """Each session annotated with ``confirmed_count``, ``waitlisted_count`` (open offers included: those
        people still wait) and ``offered_count`` (places held by open offers), counted in the same query."""
        return self.annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status="confirmed")),
            waitlisted_count=Count("registrations", filter=Q(registrations__status="waitlisted")),
            offered_count=Count("registrations", filter=open_offer_filter("registrations__")),
        )


@prepared_query(maxsize=1024)
def _counted_sessions_of(page_pk):
    """The saved sessions of a workshop page not cancelled, counted (``with_places``), in their order."""
    return (
        WorkshopSession.objects.filter(page_id=page_pk).not_cancelled().with_places()
        .order_by("sort_order", "starts_at")
    )


def open_offer_filter(prefix=""):
    """A waiter offered a freed place who has not answered yet: the place is held for them."""
    return Q(**{f"{prefix}status": "waitlisted", f"{prefix}offer_expires_at__isnull": False})


def takes_place_filter(prefix=""):
    """Registrations that hold one of a session's places: confirmed ones and open offers."""
    return Q(**{f"{prefix}status": "confirmed"}) | open_offer_filter(prefix)


def set_places_left(sessions):
    """Sets ``taken_count`` (confirmed places and open offers) and ``places_left`` on sessions annotated by
    ``with_places``; returns them."""
    for session in sessions:
        session.taken_count = session.confirmed_count + getattr(session, "offered_count", 0)
        session.places_left = max(session.capacity - session.taken_count, 0)
    return sessions


class WorkshopSession(Orderable):
    """One session of a workshop: a time slot with a number of places."""

    objects = SessionQuerySet.as_manager()

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
    # What registrants were last told (confirmation or change notice) and the calendar entry's SEQUENCE
    # (RFC 5546): kept by forms.workshops.services, never by the editor (see ``save``).
    calendar_sequence = models.PositiveIntegerField(_("calendar version"), default=0, editable=False)
    announced_starts_at = models.DateTimeField(null=True, editable=False)
    announced_ends_at = models.DateTimeField(null=True, editable=False)
    announced_venue = models.CharField(max_length=255, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancellation_reason = models.TextField(_("reason for cancelling"), blank=True, editable=False)

    # Publishing a revision saves sessions from the revision's copy: these fields would go back in time.
    SERVICE_FIELDS = frozenset(
        {"calendar_sequence", "announced_starts_at", "announced_ends_at", "announced_venue", "cancelled_at",
         "cancellation_reason"}
    )

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
        if kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.SERVICE_FIELDS
            ]
        with transaction.atomic():
            self.capacity = max(self.capacity, self.locked_confirmed_count())
            return super().save(*args, **kwargs)

    @property
    def is_cancelled(self):
        return self.cancelled_at is not None

    def locked_confirmed_count(self):
        """The confirmed count of this saved session, read under its row lock (call inside a transaction)."""
        WorkshopSession.objects.select_for_update(of=("self",)).filter(pk=self.pk).exists()
        return self.registrations.filter(status=Registration.Status.CONFIRMED).count()

    def clean(self):
        super().clean()
        # A field error here also keeps the database check constraint's generic message away.
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The session must end after it starts.")})


class WorkshopSubmission(OutOfReferenceIndex, models.Model):
    """The registrations one person sent in one form post: one confirmation and one
    "Moje zgłoszenie" page (``forms.workshops.tokens.submission_token``) for all of them.

    ``other_outcomes`` keeps the chosen sessions that got no registration (no places, or the
    address was already registered) so that the confirmation can list every chosen session.
    """

    page = models.ForeignKey(
        WorkshopPage, on_delete=models.CASCADE, related_name="workshop_submissions", verbose_name=_("workshop")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    # session id (as text) -> "refused" or "duplicate"; never personal data.
    other_outcomes = models.JSONField(_("sessions without a new registration"), default=dict, blank=True)

    class Meta:
        verbose_name = _("workshop submission")
        verbose_name_plural = _("workshop submissions")
        ordering = ["id"]

    def __str__(self):
        return f"{self.page} #{self.pk}"

    def chosen_sessions(self):
        """Every session chosen in this submission, soonest first, each a ``SubmissionSession`` with its
        latest registration (a session left and joined again shows only the newest row) and, while
        waiting, the waitlist position."""
        latest = {}
        for registration in self.registrations.select_related("session__page").order_by("id"):
            latest[registration.session_id] = registration
        others = {int(pk): outcome for pk, outcome in self.other_outcomes.items() if int(pk) not in latest}
        sessions = {s.pk: s for s in WorkshopSession.objects.filter(pk__in=others).select_related("page")}
        rows = [SubmissionSession(r.session, r) for r in latest.values()]
        rows += [SubmissionSession(sessions[pk], None, outcome) for pk, outcome in others.items() if pk in sessions]
        return sorted(rows, key=lambda row: (row.session.starts_at, row.session.pk))


class SubmissionSession:
    """One chosen session of a submission: its latest registration, or why none was made."""

    def __init__(self, session, registration, other_outcome=""):
        self.session, self.registration = session, registration
        self.other_outcome = other_outcome  # "refused" or "duplicate" when there is no registration
        self.state = registration.status if registration is not None else other_outcome
        waiting = registration is not None and registration.status == Registration.Status.WAITLISTED
        self.position = registration.waitlist_position() if waiting else None
        # An open offer the person can still accept (an offer past its deadline waits for its expiry task).
        self.offer = waiting and registration.has_open_offer and registration.offer_expires_at > timezone.now()

    @property
    def active(self):
        return self.state in Registration.ACTIVE_STATUSES

    @property
    def started(self):
        return self.session.starts_at <= timezone.now()

    @property
    def can_register_again(self):
        """Cancelled, or refused for lack of places: the person may try again (a place or the waitlist)."""
        return not self.active and not self.started and self.other_outcome != "duplicate"
# The door check-in code: no letters or digits that are easily confused when read aloud or from a
# phone screen (0/O/D, 1/I/L, 2/Z, 5/S, 8/B, U/V).
CHECK_IN_CODE_ALPHABET = "ACEFGHJKMNPQRTWXY34679"
CHECK_IN_CODE_LENGTH = 6


def generate_check_in_code():
    """A random code (``secrets``); uniqueness is the database's constraint, see ``new_check_in_code``."""
    return "".join(secrets.choice(CHECK_IN_CODE_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH))


def new_check_in_code():
    """A code no registration has yet (22^6, about 113 million codes: a repeat is rare, so one query)."""
    while True:
        code = generate_check_in_code()
        if not Registration.objects.filter(check_in_code=code).exists():
            return code


def normalise_check_in_code(text):
    """What staff type or a scanner reads: letter case, spaces and dashes do not matter."""
    return re.sub(r"[\s-]", "", text or "").upper()


class Registration(OutOfReferenceIndex, AbstractFormSubmission):
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
        WALK_IN = "walk_in", _("registered at the door")

    class CallReason(models.TextChoices):
        PROMOTED = "promoted", _("promoted from the waitlist")
        OFFERED = "offered", _("place offered")

    ACTIVE_STATUSES = (Status.CONFIRMED, Status.WAITLISTED)

    session = models.ForeignKey(
        WorkshopSession, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("session")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    # Stored lower-cased so the uniqueness constraint ignores letter case. Empty for a person registered
    # by staff who has no e-mail address (then the phone number is required and nothing is mailed).
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ONLINE)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    promoted_at = models.DateTimeField(_("promoted from the waitlist"), null=True, blank=True)
    # A freed place offered to this waiter (services.offer, accept_offer): the place is held while
    # ``offer_expires_at`` is set; it is cleared when the offer is accepted, lapses or the person leaves.
    offered_at = models.DateTimeField(_("place offered"), null=True, blank=True, editable=False)
    offer_expires_at = models.DateTimeField(_("offer valid until"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # The form post this registration came from (None for staff entries and older rows).
    submission = models.ForeignKey(
        WorkshopSubmission, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations",
        verbose_name=_("submission"),
    )
    # Checked in at the session: None until staff mark it (forms.workshops.services.mark_attendance).
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # Shown to the person (mail, their page, as a QR code) and typed or scanned at the door.
    check_in_code = models.CharField(
        _("check-in code"), max_length=CHECK_IN_CODE_LENGTH, unique=True, null=True, blank=True, editable=False
    )
    # Set when the personal data was anonymised (retention period or erasure, forms.privacy.services).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # A person staff must phone (no e-mail address to tell them): set by services.request_call, cleared
    # by services.mark_call_made (who cleared it is in the log entry).
    call_reason = models.CharField(_("reason to call"), max_length=30, choices=CallReason.choices, blank=True)
    call_requested_at = models.DateTimeField(_("call requested"), null=True, blank=True, editable=False)
    call_made_at = models.DateTimeField(_("call made"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=["confirmed", "waitlisted"]) & ~Q(email=""),
                name="one_active_registration_per_email_and_session",
            ),
            # People without an e-mail address are told apart by their phone number (the service
            # compares its digits; this catches the same number typed the same way in a race).
            models.UniqueConstraint(
                fields=["session", "phone"],
                condition=Q(status__in=["confirmed", "waitlisted"], email=""),
                name="one_active_phone_only_registration_per_session",
            ),
        ]
        indexes = [
            models.Index(fields=["session", "status", "id"], name="registration_session_status"),
            models.Index(fields=["call_made_at", "call_requested_at"], name="registration_calls_to_make"),
        ]

    def __str__(self):
        return f"{self.session} – {self.get_status_display()}"

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def has_open_offer(self):
        return self.status == self.Status.WAITLISTED and self.offer_expires_at is not None

    @property
    def call_pending(self):
        return self.call_requested_at is not None and self.call_made_at is None

    # Entries of ``form_data`` that are not answers (how staff took the registration).
    INTERNAL_FORM_DATA = frozenset({"staff_channel"})

    def labelled_answers(self):
        """(label, answer) of the workshop's extra questions in the form's order, for staff. Answers to
        questions removed since keep their stored name."""
        data = {key: value for key, value in (self.form_data or {}).items() if key not in self.INTERNAL_FORM_DATA}
        answers = []
        for field in self.session.page.get_form_fields():
            if field.form_data_key in data:
                answers.append((field.label, _answer_text(data.pop(field.form_data_key))))
        return answers + [(key, _answer_text(value)) for key, value in data.items()]

    def waitlist_position(self):
        """1 for the first person waiting, 2 for the next… (FIFO by arrival)."""
        earlier = Registration.objects.filter(session_id=self.session_id, status=self.Status.WAITLISTED, id__lt=self.id)
        return earlier.count() + 1

    def get_data(self):
        return {
            **super().get_data(),
            "full_name": self.full_name,
            "email": self.email,
            "phone": self.phone,
            "session": str(self.session),
            "status": self.get_status_display(),
        }


def _answer_text(value):
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return "—" if value is None or value == "" else str(value)
