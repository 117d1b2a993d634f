"""Forms of the working-group sign-up and of its admin screens.

Only validation lives here; the rules are in ``forms.working_groups.services``.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..fields import BoundedModelChoiceField, PageChoicesField, ParticipantForm
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
