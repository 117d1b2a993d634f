"""The public registration form: fixed fields every registration has, plus the form builder's extra fields.

Only validation lives here; places are decided by ``forms.services``.
"""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

# Names of the fixed fields: an extra field whose clean_name is one of these gets a prefix.
RESERVED_FIELD_NAMES = frozenset({"full_name", "email", "phone", "sessions", "consent"})
EXTRA_FIELD_PREFIX = "extra_"

FULL_NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 40
MULTILINE_MAX_LENGTH = 5000
SINGLELINE_MAX_LENGTH = 255
URL_MAX_LENGTH = 500

phone_validator = RegexValidator(
    r"^[0-9 +()\-./]*$", _("Enter the phone number using digits, spaces and the characters + ( ) - only.")
)


class PageChoicesField(forms.ModelMultipleChoiceField):
    """Checkboxes limited to the page's own objects: any other id is an error, never a crash.

    Subclasses name the messages: ``required_message`` and ``not_on_page_message``."""

    widget = forms.CheckboxSelectMultiple
    required_message = not_on_page_message = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages.update(
            required=self.required_message,
            invalid_choice=self.not_on_page_message,
            invalid_pk_value=self.not_on_page_message,
            invalid_list=self.not_on_page_message,
        )


class SessionChoiceField(PageChoicesField):
    required_message = _("Choose at least one session.")
    not_on_page_message = _("Choose sessions from the list on this page.")

    def label_from_instance(self, obj):
        return obj.title


class RegistrationForm(BaseForm):
    """Fixed fields; ``RegistrationFormBuilder`` adds the administrator's extra fields to a subclass."""

    full_name = forms.CharField(
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
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=PHONE_MAX_LENGTH,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    sessions = SessionChoiceField(label=_("Sessions"), queryset=None)
    consent = forms.BooleanField(
        label=_("Consent to the processing of personal data"),
        error_messages={"required": _("To register, tick the consent to the processing of your personal data.")},
    )

    extra_field_names = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set per instance: the queryset must never leak between pages.
        self.fields["sessions"].queryset = self.page.sessions.all() if self.page else self.fields[
            "sessions"
        ].queryset.none()

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


class RegistrationFormBuilder(FormBuilder):
    """Wagtail's form builder for the extra fields, with a length limit on every text field."""

    def create_singleline_field(self, field, options):
        options["max_length"] = SINGLELINE_MAX_LENGTH
        return forms.CharField(**options)

    def create_multiline_field(self, field, options):
        options["max_length"] = MULTILINE_MAX_LENGTH
        return super().create_multiline_field(field, options)

    def create_email_field(self, field, options):
        options["max_length"] = EMAIL_MAX_LENGTH
        return super().create_email_field(field, options)

    def create_url_field(self, field, options):
        options["max_length"] = URL_MAX_LENGTH
        return super().create_url_field(field, options)

    def create_hidden_field(self, field, options):
        options["max_length"] = SINGLELINE_MAX_LENGTH
        return super().create_hidden_field(field, options)

    def create_dropdown_field(self, field, options):
        # An optional drop-down must not silently preselect its first answer.
        formfield = super().create_dropdown_field(field, options)
        if not field.required:
            formfield.choices = [("", "—"), *formfield.choices]
        return formfield

    def create_number_field(self, field, options):
        options["max_digits"] = 15
        return super().create_number_field(field, options)

    @staticmethod
    def field_key(field):
        """The key of an extra field in the form and in ``form_data``; never one of the fixed fields' names."""
        name = field.clean_name or field.get_field_clean_name()
        return f"{EXTRA_FIELD_PREFIX}{name}" if name in RESERVED_FIELD_NAMES else name

    @property
    def formfields(self):
        formfields = {}
        for field in self.fields:
            create_field = self.get_create_field_function(field.field_type)
            formfields[self.field_key(field)] = create_field(field, self.get_field_options(field))
        return formfields

    def data_fields(self):
        """(key, label) of the extra fields, for the submissions listing."""
        return [(self.field_key(field), field.label) for field in self.fields]

    def get_form_class(self):
        formfields = self.formfields
        return type(
            "WorkshopRegistrationForm",
            (RegistrationForm,),
            {**formfields, "extra_field_names": tuple(formfields)},
        )
