"""Forms of the working-group sign-up and of its admin screens.

Only validation lives here; the rules are in ``forms.working_groups.services``.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..fields import (
    DATETIME_LOCAL_FORMAT,
    EMAIL_MAX_LENGTH,
    FULL_NAME_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    BoundedModelChoiceField,
    LocalDateTimeInput,
    PageChoicesField,
    ParticipantForm,
    now_local,
    phone_validator,
)
from ..phones import phone_key
from . import services
from .models import DEFAULT_NOTICE_DELIVERY, STAFF_CHANNELS, NoticeDelivery, WorkingGroup

MOTIVATION_MAX_LENGTH = 3000


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
        self.fields["received_at"].initial = now_local
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


# Admin -------------------------------------------------------------------------------------


class StaffSignupForm(StaffEntryForm):
    """A sign-up that arrived by e-mail, phone, on paper or in person, entered by a form administrator."""

    groups = GroupChoiceField(label=_("Working groups"), queryset=WorkingGroup.objects.none())
    motivation = forms.CharField(
        label=_("Experience and motivation"), required=False, max_length=MOTIVATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}), help_text=_("What the person said about it, if anything."),
    )

    field_order = [
        "channel", "received_at", "full_name", "email", "phone", "represents", "groups", "motivation",
        "notice_delivery", "consent",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = self.page.open_groups()
        self.fields["groups"].error_messages["required"] = _("Choose at least one working group.")


class MoveSignupForm(forms.Form):
    group = BoundedModelChoiceField(label=_("Move to group"), queryset=WorkingGroup.objects.none())

    def __init__(self, *args, signup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = signup.group.page.open_groups().exclude(pk=signup.group_id)


class MergeGroupsForm(forms.Form):
    source = BoundedModelChoiceField(label=_("Merge group"), queryset=WorkingGroup.objects.none())
    target = BoundedModelChoiceField(label=_("into group"), queryset=WorkingGroup.objects.none())

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = self.fields["target"].queryset = page.open_groups()

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("source") and cleaned_data.get("source") == cleaned_data.get("target"):
            raise forms.ValidationError(_("Choose two different groups."))
        return cleaned_data


# Recommendations (Wagtail's snippet editor) -------------------------------------------------------


class SubmissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference} – {obj.title}"


class TrendChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AgreeRecommendationsForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("How the group agreed it"), required=False, max_length=300,
        help_text=_("Optional, for the record: for example “meeting of 12 March, unanimously”."),
    )


class RecommendationsAdminForm(WagtailAdminModelForm):
    """The recommendations editor: each goal offers only the trends and the assessed submissions of
    the group's own thematic area (anything else is refused as an invalid choice)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        goals = self.formsets.get("goals")
        if goals is None or self.instance.group_id is None:
            return
        group = self.instance.group
        trends = services.goal_trend_choices(group)
        submissions = services.goal_submission_choices(group)
        base = goals.form

        class GoalForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["trends"] = TrendChoiceField(
                    queryset=trends, required=False, label=self.fields["trends"].label,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Trends of the group's area (named in the assessments, described under Trends)."),
                )
                self.fields["submissions"] = SubmissionChoiceField(
                    queryset=submissions, required=False, label=self.fields["submissions"].label,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=_("Submissions of the group's area accepted for review and assessed, by reference "
                                "number."),
                )

        GoalForm.__name__ = base.__name__
        # Set on this formset only (forms are built lazily, after this): other requests keep the plain form.
        goals.form = GoalForm
