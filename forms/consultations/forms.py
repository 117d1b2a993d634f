"""Forms of the consultation submission and of its admin screens (moderation, assessment).

Only validation lives here; the rules are in ``forms.consultations.services``.
"""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..fields import BoundedIdsMixin, BoundedModelChoiceField, LocalDateInput, ParticipantForm, SingleLineField
from ..working_groups.forms import StaffEntryForm
from . import services
from .models import Assessment, ThematicArea

CONTENT_MAX_LENGTH = 10000


class AreaChoiceField(BoundedIdsMixin, forms.ModelChoiceField):
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


class StaffSubmissionForm(StaffEntryForm):
    """A submission that arrived by e-mail, phone, on paper or in person, entered by a moderator."""

    area = AreaChoiceField(
        label=_("Thematic area"), queryset=ThematicArea.objects.all(), widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": _("Choose the thematic area of the submission.")},
    )
    title = forms.CharField(
        label=_("Title"), max_length=200,
        help_text=_("Published in the consultation report: no names. For a letter without a title, sum it up."),
    )
    content = forms.CharField(label=_("Need or proposal"), max_length=CONTENT_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 8}))
    place = forms.CharField(label=_("Place it concerns"), max_length=200, required=False)
    attachment = forms.FileField(
        label=_("Attachment (e.g. the scanned paper form)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    posted_on = forms.DateField(
        label=_("Date of posting"), required=False, widget=LocalDateInput,
        help_text=_("For a letter that arrived after the end: the postmark date (the date of posting counts)."),
    )
    late_reason = forms.CharField(
        label=_("Reason for accepting after the end"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the submission arrived after the end, e.g. “posted on time, delivered late by "
                    "the post”."),
    )

    field_order = [
        "channel", "received_at", "posted_on", "late_reason", "full_name", "email", "phone", "represents", "area",
        "title", "content", "place", "attachment", "notice_delivery", "consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = _("A PDF file or an image (JPEG, PNG), at most %(limit)s.") % {
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

    def clean(self):
        cleaned_data = super().clean()
        received_at = cleaned_data.get("received_at")
        if received_at is not None and received_at >= self.page.ends_at:
            if not cleaned_data.get("posted_on") and "posted_on" not in self.errors:
                self.add_error("posted_on", _("The submission arrived after the end: give the date of posting."))
            if not (cleaned_data.get("late_reason") or "").strip():
                self.add_error("late_reason", _("Give the reason for accepting it after the end."))
        return cleaned_data


class ModerationForm(forms.Form):
    DECISIONS = [("accept", _("Accept for review")), ("reject", _("Reject as off-topic"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    area = BoundedModelChoiceField(label=_("Thematic area"), queryset=ThematicArea.objects.all(), empty_label=None)
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

    # The version the form was opened at (0: not assessed yet), so a save on a stale one is refused.
    version = forms.IntegerField(min_value=0, max_value=2**31 - 1, widget=forms.HiddenInput)

    def clean_trends(self):
        return services.parse_trends(self.cleaned_data.get("trends", ""))
