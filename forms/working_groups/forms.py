"""Forms of the working-group sign-up and of its admin screens.

Only validation lives here; the rules are in ``forms.working_groups.services``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ..fields import PageChoicesField, ParticipantForm
from . import services
from .models import WorkingGroup

MOTIVATION_MAX_LENGTH = 3000


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
