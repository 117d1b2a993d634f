"""Form fields shared by every public form: length limits, the phone check, choices limited to the page,
the form builder with a length limit on every text field, the person's fields of the participation forms,
and the renderer of the public forms' widgets."""

import re
import unicodedata
from pathlib import Path

import jinja2
from django import forms
from django.core.validators import RegexValidator
from django.forms.renderers import Jinja2
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

FULL_NAME_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 40
MULTILINE_MAX_LENGTH = 5000
SINGLELINE_MAX_LENGTH = 255
URL_MAX_LENGTH = 500

_WHITESPACE_RUN = re.compile(r"\s+")
# Control (Cc), format (Cf: zero-width and bidirectional overrides), line and paragraph separators.
_STRIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})


def single_line(value):
    """One line of plain text: every control or format character and line break becomes a space, runs of
    white space become one, surrounding space goes. Mail headers and subjects can never be split by it."""
    if value is None:
        return value
    text = "".join(" " if unicodedata.category(ch) in _STRIPPED_CATEGORIES else ch for ch in str(value))
    return _WHITESPACE_RUN.sub(" ", text).strip()


class SingleLineField(forms.CharField):
    """A ``CharField`` for one line (names, titles, places, phone numbers): cleaned by ``single_line``
    before any validation, so the stored value never holds line breaks or control characters."""

    def to_python(self, value):
        value = super().to_python(value)
        return single_line(value) if value not in self.empty_values else value


phone_validator = RegexValidator(
    r"^[0-9 +()\-./]*$", _("Enter the phone number using digits, spaces and the characters + ( ) - only.")
)


# The largest primary key any supported database stores (a signed 64-bit integer): a longer number in
# a form or a query string is no id of anything, and handed to the database it overflows (SQLite raises
# OverflowError, PostgreSQL "value out of range"), which would be a 500.
MAX_ID = 2**63 - 1


def parse_id(value):
    """An id from user input as an int, or None for anything that cannot be one (not ASCII digits, too big)."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class BoundedIdsMixin:
    """For model choice fields keyed by integer ids: values that cannot be an id are invalid choices, and
    never reach the database."""

    def _valid_ids(self, values):
        for value in values:
            if value in self.empty_values:
                continue
            if parse_id(value) is None:
                raise forms.ValidationError(
                    self.error_messages.get("invalid_pk_value") or self.error_messages["invalid_choice"],
                    code="invalid_choice", params={"pk": value},
                )

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            return super().to_python(value)
        self._valid_ids([value])
        return super().to_python(value)

    def _check_values(self, value):
        try:
            values = list(value)
        except TypeError:
            values = [value]
        self._valid_ids(values)
        return super()._check_values(value)


class BoundedModelChoiceField(BoundedIdsMixin, forms.ModelChoiceField):
    pass


class BoundedModelMultipleChoiceField(BoundedIdsMixin, forms.ModelMultipleChoiceField):
    pass


CONSENT_VALUE = "on"


class ConsentCheckbox(forms.CheckboxInput):
    """A consent checkbox that counts only when its own value comes back.

    Django's ``CheckboxInput`` takes any value but "false" as ticked (``consent=off`` or ``consent=0``
    would count as consent); here only ``CONSENT_VALUE``, which the box itself sends, does."""

    def format_value(self, value):
        # Rendered as the box's value attribute (once: not also in ``attrs``).
        return CONSENT_VALUE

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            values = data.getlist(name)
        else:
            value = data.get(name)
            values = [] if value is None else [value]
        return len(values) == 1 and values[0] == CONSENT_VALUE


class ConsentField(forms.BooleanField):
    """A required consent: ticked only by the checkbox's own value (``ConsentCheckbox``)."""

    widget = ConsentCheckbox


class PageChoicesField(BoundedIdsMixin, forms.ModelMultipleChoiceField):
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


DROPDOWN_REQUIRED_EMPTY_LABEL = _("– choose an answer –")
DROPDOWN_REQUIRED_MESSAGE = _("Choose one of the answers.")


_DJANGO_FORMS_DIR = Path(forms.__file__).parent


class _EndingAsDjangosLoader(jinja2.FileSystemLoader):
    """Django's Jinja2 widget templates, each ending as its Django twin does. Django's template engine
    keeps a template's final newline; Jinja2 keeps it on request only (``keep_trailing_newline``), and
    five of the Jinja2 twins (the attributes, the error lists) end in a newline where the Django ones
    do not. The HTML is then the same byte for byte."""

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        twin = _DJANGO_FORMS_DIR / "templates" / template
        if source.endswith("\n") and twin.is_file() and not twin.read_text(encoding="utf-8").endswith("\n"):
            source = source[:-1]
        return source, filename, uptodate


class PublicFormRenderer(Jinja2):
    """Django's widget templates rendered by Jinja2 (Django ships them for both engines), for the public
    forms only: the same HTML at a fraction of the cost. Drawing a form's eight or so widgets through the
    Django template engine was a fifth of a workshop page's time. The admin keeps Django's renderer:
    Wagtail's own widgets have Django templates only."""

    @cached_property
    def engine(self):
        directory = _DJANGO_FORMS_DIR / self.backend.app_dirname
        return self.backend({
            "APP_DIRS": False,
            "DIRS": [directory],
            "NAME": "public-forms",
            "OPTIONS": {"keep_trailing_newline": True, "loader": _EndingAsDjangosLoader([directory])},
        })


class PublicForm(BaseForm):
    """Wagtail's form base (``page`` and ``user`` arguments) with the public forms' renderer."""

    default_renderer = PublicFormRenderer()


# Form classes built by the builders, by builder type, language and the values of the questions; the
# oldest is dropped beyond the bound. A form page builds its form class once per set of questions, not on
# every view; each form made from it copies its fields (Django's ``base_fields``), so sharing is safe.
_FORM_CLASSES = {}
_FORM_CLASSES_MAX = 256


def _question_values(field):
    return (type(field), *(getattr(field, column.attname) for column in type(field)._meta.concrete_fields))


class LengthLimitedFormBuilder(FormBuilder):
    """Wagtail's form builder with a length limit on every text field; keys are the fields' clean names."""

    def get_form_class(self):
        self.fields = list(self.fields)  # read once: for the key and, when new, for the class
        key = (type(self), get_language(), tuple(_question_values(field) for field in self.fields))
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = self.build_form_class()
            while len(_FORM_CLASSES) >= _FORM_CLASSES_MAX:
                _FORM_CLASSES.pop(next(iter(_FORM_CLASSES)), None)
            _FORM_CLASSES[key] = form_class
        return form_class

    def build_form_class(self):
        return type("WagtailForm", (PublicForm,), self.formfields)

    def create_singleline_field(self, field, options):
        options["max_length"] = SINGLELINE_MAX_LENGTH
        return SingleLineField(**options)

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
        # A drop-down must never preselect its first answer: whoever skips it would be counted as
        # choosing it. It starts empty; a required one fails validation until an answer is chosen (the
        # empty first option is also what HTML requires of a required <select>).
        if field.required:
            options.setdefault("error_messages", {})["required"] = DROPDOWN_REQUIRED_MESSAGE
        formfield = super().create_dropdown_field(field, options)
        empty_label = DROPDOWN_REQUIRED_EMPTY_LABEL if field.required else "—"
        formfield.choices = [("", empty_label), *formfield.choices]
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


class ParticipantForm(PublicForm):
    """The person's fields, shared by both public forms. ``page`` is the page the form is on."""

    full_name = SingleLineField(
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
    phone = SingleLineField(
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
    consent = ConsentField(
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


def now_local():
    return timezone.localtime().replace(second=0, microsecond=0)
