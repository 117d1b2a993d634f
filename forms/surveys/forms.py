"""The Wagtail editor form of survey pages: the questions are edited by form administrators only."""

from wagtail.contrib.forms.forms import WagtailAdminFormPageForm

from ..privacy.models import FORM_SETTINGS_PERMISSION, PermissionedFormsetsMixin


class SurveyPageForm(PermissionedFormsetsMixin, WagtailAdminFormPageForm):
    formset_permissions = {"form_fields": FORM_SETTINGS_PERMISSION}
