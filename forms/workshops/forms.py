"""The workshop's public registration form (fixed fields plus the form builder's extra fields) and the
Wagtail editor form of workshop pages.

Only validation lives here; places are decided by ``forms.workshops.services``.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import WagtailAdminFormPageForm

from ..fields import (
    EMAIL_MAX_LENGTH,
    FULL_NAME_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    ConsentField,
    LengthLimitedFormBuilder,
    PageChoicesField,
    PublicForm,
    SingleLineField,
    phone_validator,
)
from ..privacy.models import FORM_SETTINGS_PERMISSION, PermissionedFormsetsMixin
from . import services
from .exceptions import CapacityBelowConfirmed
from .models import RESERVED_FIELD_NAMES, Registration, WorkshopSession


class SessionChoiceField(PageChoicesField):
    required_message = _("Choose at least one session.")
    not_on_page_message = _("Choose sessions from the list on this page.")

    def label_from_instance(self, obj):
        return obj.title


class RegistrationForm(PublicForm):
    """Fixed fields; ``RegistrationFormBuilder`` adds the administrator's extra fields to a subclass."""

    full_name = SingleLineField(
        label=_("Full name"),
        max_length=FULL_NAME_MAX_LENGTH,
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We send the confirmation and the cancellation link to this address."),
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, for example jan.kowalski@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = SingleLineField(
        label=_("Phone number"),
        max_length=PHONE_MAX_LENGTH,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    sessions = SessionChoiceField(label=_("Sessions"), queryset=None)
    consent = ConsentField(
        label=_("Consent to the processing of personal data"),
        error_messages={"required": _("To register, tick the consent to the processing of your personal data.")},
    )

    extra_field_names = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set per instance: the queryset must never leak between pages.
        # Cancelled sessions cannot be chosen any more.
        self.fields["sessions"].queryset = (
            self.page.sessions.filter(cancelled_at__isnull=True) if self.page
            else self.fields["sessions"].queryset.none()
        )

    def clean_full_name(self):
        # Stored as plain text and escaped on output; only surrounding whitespace is dropped.
        return self.cleaned_data["full_name"].strip()

    def selected_session_ids(self):
        """The session ids the person ticked (as strings), to keep them ticked when the form is shown again."""
        if not self.is_bound:
            return set()
        return {str(value) for value in self.data.getlist(self.add_prefix("sessions"))}

    def extra_data(self):
        """Answers to the administrator's extra fields, stored in ``form_data``."""
        return {name: self.cleaned_data.get(name) for name in self.extra_field_names}

    def extra_fields(self):
        return [self[name] for name in self.extra_field_names]


class RegistrationFormBuilder(LengthLimitedFormBuilder):
    """The form builder for a workshop's extra fields, with a length limit on every text field."""

    @staticmethod
    def field_key(field):
        """The key of an extra field in the form and in ``form_data`` (``WorkshopFormField.form_data_key``)."""
        return field.form_data_key

    def build_form_class(self):
        formfields = self.formfields
        return type(
            "WorkshopRegistrationForm",
            (RegistrationForm,),
            {**formfields, "extra_field_names": tuple(formfields)},
        )


class WorkshopPageForm(PermissionedFormsetsMixin, WagtailAdminFormPageForm):
    # Sessions (who gets a place) and extra questions (what is collected): form administrators only.
    formset_permissions = {"sessions": FORM_SETTINGS_PERMISSION, "form_fields": FORM_SETTINGS_PERMISSION}

    def clean(self):
        cleaned_data = super().clean()
        self._clean_sessions()
        self._clean_extra_field_names()
        return cleaned_data

    def _clean_sessions(self):
        formset = self.formsets.get("sessions")
        if formset is None:
            return
        for form in formset.forms:
            if not form.is_valid() or not form.instance.pk:
                continue
            if form.cleaned_data.get("DELETE"):
                if Registration.objects.filter(session_id=form.instance.pk).exists():
                    self.add_error(
                        None,
                        _("The session “%(title)s” has registrations and cannot be removed.")
                        % {"title": form.instance.title},
                    )
                continue
            try:
                services.check_capacity_change(form.instance, form.cleaned_data["capacity"])
            except CapacityBelowConfirmed as exc:
                form.add_error("capacity", exc.message)

    def _clean_extra_field_names(self):
        formset = self.formsets.get("form_fields")
        if formset is None:
            return
        for form in formset.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            if (form.instance.clean_name or form.instance.get_field_clean_name()) in RESERVED_FIELD_NAMES:
                form.add_error(
                    "label",
                    _("Every registration already asks for this (name, e-mail, phone, sessions, consent). "
                      "Choose another label."),
                )


# Admin -------------------------------------------------------------------------------------


class StaffRegistrationForm(forms.Form):
    CHANNELS = [("phone", _("by phone")), ("email", _("by e-mail")),
                ("in_person", _("in person"))]

    sessions = BoundedModelMultipleChoiceField(
        label=_("Sessions"), queryset=WorkshopSession.objects.none(), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one session.")},
    )
    full_name = SingleLineField(label=_("Full name"), max_length=FULL_NAME_MAX_LENGTH)
    email = forms.EmailField(
        label=_("E-mail address"), max_length=EMAIL_MAX_LENGTH, required=False,
        help_text=_("The person gets the confirmation and the cancellation link at this address. "
                               "Leave empty if the person has none: then the phone number is required."),
    )
    phone = SingleLineField(label=_("Phone number"), max_length=PHONE_MAX_LENGTH, required=False,
                            validators=[phone_validator])
    channel = forms.ChoiceField(label=_("The person registered"), choices=CHANNELS, initial="phone")
    consent = ConsentField(
        label=_("The person agreed to the processing of their personal data and was told where to find "
                           "the data protection information."),
        error_messages={"required": _("Registration needs the person's consent.")},
    )

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["sessions"].queryset = page.sessions.filter(cancelled_at__isnull=True).order_by(
            "sort_order", "starts_at"
        )
        self.fields["sessions"].label_from_instance = lambda session: (
            f"{session.title}, {timezone.localtime(session.starts_at):%d.%m.%Y %H:%M}"
        )

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("email") and not (cleaned_data.get("phone") or "").strip() and not self.errors:
            self.add_error("phone", _("Give the phone number or the e-mail address of the person."))
        return cleaned_data

    extra_field_names = ()

    def extra_data(self):
        """Answers to the workshop's extra questions, stored in ``form_data`` like the public form's."""
        return {name: self.cleaned_data.get(name) for name in self.extra_field_names}

    def extra_fields(self):
        return [self[name] for name in self.extra_field_names]

    def email_or_empty(self):
        """The address, or "" for a person who has none: never a made-up address (it would reach the
        exports, the outbox and the finder as if it were the person's). The service tells such people
        apart by their phone number, and nothing is mailed to them."""
        return self.cleaned_data.get("email") or ""


def staff_registration_form_class(page):
    """The staff form with the workshop's extra questions (asked before the consent, as on the page)."""
    extra = page.form_builder(page.get_form_fields()).formfields
    fixed = [name for name in StaffRegistrationForm.base_fields if name != "consent"]
    return type("StaffWorkshopRegistrationForm", (StaffRegistrationForm,), {
        **extra, "extra_field_names": tuple(extra), "field_order": [*fixed, *extra, "consent"],
    })


class WalkInForm(StaffRegistrationForm):
    """A person registered at the door: the staff form without the session (it is the door's) or channel."""

    sessions = None
    channel = None

    def __init__(self, *args, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        self.fields["full_name"].widget.attrs["autocomplete"] = "off"


class MoveForm(forms.Form):
    session = BoundedModelChoiceField(label=_("Move to session"), queryset=WorkshopSession.objects.none(),
                                     widget=forms.RadioSelect, empty_label=None)

    def __init__(self, *args, registration, **kwargs):
        super().__init__(*args, **kwargs)
        sessions = {s.pk: s for s in services.sessions_with_places(registration.session.page)}
        self.fields["session"].queryset = WorkshopSession.objects.filter(
            page_id=registration.session.page_id
        ).exclude(pk=registration.session_id).order_by("sort_order", "starts_at")

        def label(session):
            annotated = sessions.get(session.pk)
            left = annotated.places_left if annotated else 0
            return _("%(title)s, %(date)s – places left: %(left)d") % {
                "title": session.title, "date": f"{timezone.localtime(session.starts_at):%d.%m.%Y %H:%M}",
                "left": left,
            }

        self.fields["session"].label_from_instance = label


class CancelSessionsForm(forms.Form):
    """Staff cancel a session or a whole workshop: the reason goes to every person told."""

    reason = forms.CharField(
        label=_("Reason (sent to everyone registered)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Give the reason: it is sent to everyone registered.")},
    )
