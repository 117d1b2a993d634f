"""Form fields shared by every public form: length limits, the phone check, choices limited to the page,
the form builder with a length limit on every text field, and the person's fields of the participation forms."""

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from .phones import phone_key
from .working_groups.models import DEFAULT_NOTICE_DELIVERY, STAFF_CHANNELS, NoticeDelivery

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


class LengthLimitedFormBuilder(FormBuilder):
    """Wagtail's form builder with a length limit on every text field; keys are the fields' clean names."""

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
        return field.clean_name or field.get_field_clean_name()

    @property
    def formfields(self):
        formfields = {}
        for field in self.fields:
            create_field = self.get_create_field_function(field.field_type)
            formfields[self.field_key(field)] = create_field(field, self.get_field_options(field))
        return formfields

    def data_fields(self):
        """(key, label) of the builder's fields, for the submissions listing."""
        return [(self.field_key(field), field.label) for field in self.fields]


class ParticipantForm(BaseForm):
    """The person's fields, shared by both public forms. ``page`` is the page the form is on."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=FULL_NAME_MAX_LENGTH,
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=EMAIL_MAX_LENGTH,
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
    represents = forms.ChoiceField(
        label=_("I represent"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whom you represent.")},
    )
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data for this purpose."),
        error_messages={"required": _("To send the form, tick the consent to the processing of your personal data.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = self.page.representation_list() if self.page else []
        self.fields["represents"].choices = [(choice, choice) for choice in choices]

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def person_fields(self):
        return [self["full_name"], self["email"], self["phone"], self["represents"]]


# Staff entering what arrived by e-mail, phone, on paper or in person ---------------------------------

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL_FORMAT)


class LocalDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _now_local():
    return timezone.localtime().replace(second=0, microsecond=0)


class StaffEntryForm(forms.Form):
    """The person and how their sign-up or submission arrived, for the admin's "add" screens.

    ``page`` is the form page. Subclasses add what the page's own form asks; the rules are in the
    domain's services. A person without an e-mail address is entered with none (never a made-up one).
    """

    full_name = forms.CharField(label=_("Full name"), max_length=FULL_NAME_MAX_LENGTH)
    email = forms.EmailField(
        label=_("E-mail address"), max_length=EMAIL_MAX_LENGTH, required=False,
        help_text=_("The confirmation goes to this address. Leave it empty if the person has none (do not make "
                    "one up): then the phone number is required and staff get a task to call the person."),
    )
    phone = forms.CharField(label=_("Phone number"), max_length=PHONE_MAX_LENGTH, required=False,
                            validators=[phone_validator])
    represents = forms.ChoiceField(label=_("The person represents"), widget=forms.RadioSelect)
    channel = forms.ChoiceField(
        label=_("It arrived"), widget=forms.RadioSelect,
        choices=[(channel.value, channel.label) for channel in STAFF_CHANNELS],
        error_messages={"required": _("Choose how it arrived.")},
    )
    received_at = forms.DateTimeField(
        label=_("Date of arrival"), widget=LocalDateTimeInput, input_formats=[DATETIME_LOCAL_FORMAT],
        help_text=_("When the e-mail, call, letter or visit reached the office (not when it is typed in)."),
        error_messages={"required": _("Give the date of arrival.")},
    )
    notice_delivery = forms.ChoiceField(
        label=_("The data protection notice was"), widget=forms.RadioSelect,
        choices=[(value, label) for value, label in NoticeDelivery.choices if value != NoticeDelivery.WEB_FORM],
        error_messages={"required": _("Choose how the person was given the data protection notice.")},
    )
    consent = forms.BooleanField(
        label=_("The person was given the data protection notice as chosen above and agreed to the processing of "
                "their personal data for this purpose."),
        error_messages={"required": _("The person's data can be entered only after they were given the data "
                                      "protection notice and agreed.")},
    )

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["represents"].choices = [(choice, choice) for choice in page.representation_list()]
        self.fields["received_at"].initial = _now_local
        # The usual notice per channel, for the page's script to preselect (the choice stays the staff's).
        self.fields["channel"].widget.attrs["data-default-notice"] = ",".join(
            f"{channel}:{DEFAULT_NOTICE_DELIVERY[channel]}" for channel in STAFF_CHANNELS
        )

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def clean_phone(self):
        return self.cleaned_data["phone"].strip()

    def clean_received_at(self):
        received_at = self.cleaned_data["received_at"]
        if received_at > timezone.now():
            raise forms.ValidationError(_("The date of arrival cannot be in the future."))
        return received_at

    def clean(self):
        cleaned_data = super().clean()
        has_contact = cleaned_data.get("email") or phone_key(cleaned_data.get("phone"))
        if "email" in cleaned_data and "phone" in cleaned_data and not has_contact:
            self.add_error("phone", _("Give the phone number or the e-mail address of the person."))
        return cleaned_data

