"""Per-workshop e-mail settings: reminder timing, staff mail, and texts that override the defaults."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

# Names administrators may use in message texts, e.g. "Dzień dobry {imie_nazwisko}".
# Replaced from a fixed table (forms.notifications.placeholder_values), never with str.format.
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
                FieldRowPanel([FieldPanel("staff_notifications"), FieldPanel("capacity_alerts")]),
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
