"""Forms of the consultation submission and of its admin screens (moderation, assessment).

Only validation lives here; the rules are in ``forms.consultations.services``.
"""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..fields import ParticipantForm, SingleLineField
from . import services
from .models import Assessment, ThematicArea

CONTENT_MAX_LENGTH = 10000


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
    title = SingleLineField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give your submission a short title.")},
        help_text=_("The title is published in the consultation report: please do not put your name in it."),
    )
    content = forms.CharField(
        label=_("Your need or proposal"),
        max_length=CONTENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("Describe your need or proposal.")},
    )
    place = SingleLineField(
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
            "limit": filesizeformat(services.attachment_max_bytes())
        }

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment:
            try:
                services.check_attachment(attachment)
            except services.AttachmentRejected as exc:
                raise forms.ValidationError(exc.message) from exc
        return attachment


# Admin -------------------------------------------------------------------------------------


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
        return services.parse_trends(self.cleaned_data.get("trends", ""))
