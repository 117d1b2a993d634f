"""Forms of the working-group sign-up, the consultation submission and their admin screens.

Only validation lives here; the rules are in ``forms.working_groups`` and ``forms.consultations``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm

from . import consultations
from .forms import EMAIL_MAX_LENGTH, FULL_NAME_MAX_LENGTH, PHONE_MAX_LENGTH, PageChoicesField, phone_validator
from .models import Assessment, ThematicArea, WorkingGroup

MOTIVATION_MAX_LENGTH = 3000
CONTENT_MAX_LENGTH = 10000


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


class GroupChoiceField(PageChoicesField):
    required_message = _("Choose at least one working group.")
    not_on_page_message = _("Choose groups from the list on this page.")

    def label_from_instance(self, obj):
        return obj.name


class WorkingGroupSignupForm(ParticipantForm):
    groups = GroupChoiceField(label=_("Working groups: choose one or more"), queryset=WorkingGroup.objects.none())
    motivation = forms.CharField(
        label=_("Your experience and motivation"),
        help_text=_("What knowledge or experience would you bring to the group, and why do you want to join?"),
        max_length=MOTIVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us briefly about your experience and motivation.")},
    )

    field_order = ["full_name", "email", "phone", "represents", "groups", "motivation", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Per instance: only this page's open groups can be chosen.
        self.fields["groups"].queryset = self.page.open_groups() if self.page else WorkingGroup.objects.none()


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ConsultationSubmissionForm(ParticipantForm):
    area = AreaChoiceField(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose the thematic area of your submission.")},
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give your submission a short title.")},
        help_text=_("The title is published in the consultation report: please do not put your name in it."),
    )
    content = forms.CharField(
        label=_("Your need or proposal"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Describe your need or proposal.")},
    )
    place = forms.CharField(
        label=_("Place it concerns"),
        max_length=200,
        required=False,
        help_text=_("For example a street, village or area of the municipality."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )

    field_order = [
        "full_name", "email", "phone", "represents", "area", "title", "content", "place", "attachment", "consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _("Optional: a PDF file or an image (JPEG, PNG), at most %(limit)s.") % {
            "limit": _filesize(consultations.attachment_max_bytes())
        }

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment:
            try:
                consultations.check_attachment(attachment)
            except consultations.AttachmentRejected as exc:
                raise forms.ValidationError(exc.message) from exc
        return attachment


def _filesize(size):
    from django.template.defaultfilters import filesizeformat

    return filesizeformat(size)


# Admin -------------------------------------------------------------------------------------


class MoveSignupForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Move to group"), queryset=WorkingGroup.objects.none())

    def __init__(self, *args, signup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = signup.group.page.open_groups().exclude(pk=signup.group_id)


class MergeGroupsForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Merge group"), queryset=WorkingGroup.objects.none())
    target = forms.ModelChoiceField(label=_("into group"), queryset=WorkingGroup.objects.none())

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = self.fields["target"].queryset = page.open_groups()

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("source") and cleaned_data.get("source") == cleaned_data.get("target"):
            raise forms.ValidationError(_("Choose two different groups."))
        return cleaned_data


class ModerationForm(forms.Form):
    DECISIONS = [("accept", _("Accept for review")), ("reject", _("Reject as off-topic"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    area = forms.ModelChoiceField(label=_("Thematic area"), queryset=ThematicArea.objects.all(), empty_label=None)
    reason = forms.CharField(
        label=_("Reason for rejection"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the submission is rejected."),
    )

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("decision") == "reject" and not (cleaned_data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for rejecting the submission."))
        return cleaned_data


class AssessmentForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=Assessment.Recommendation.choices, widget=forms.RadioSelect
    )
    justification = forms.CharField(label=_("Justification"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    trends = forms.CharField(
        label=_("Trends"), required=False, max_length=1000,
        help_text=_("Development trends this submission points to, separated by commas."),
    )

    def clean_trends(self):
        return consultations.parse_trends(self.cleaned_data.get("trends", ""))
