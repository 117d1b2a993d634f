"""Admin hooks of the personal-data work (imported by ``forms.wagtail_hooks``): the GDPR tool, the data
protection notice snippet, log actions, and the permission gate in front of Wagtail's own
form-submission views.

Wagtail shows a form page's submissions to anyone who may edit the page; here they are limited to
form administrators (``permissions.py``), and the views answer 403 to everyone else. Deleting
registrations, sign-ups or consultation submissions through Wagtail's listing is refused: it would
skip the cancellation rules and lose the records (survey answers may still be deleted).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.contrib.forms.models import FormMixin
from wagtail.contrib.forms.views import DeleteSubmissionsView, FormPagesListView
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..consultations.models import ConsultationSubmission
from ..working_groups.models import WorkingGroupSignup
from ..workshops.models import Registration
from . import services, views
from .exports import EXPORT_ACTION, FormulaSafeExportMixin
from .models import DataProtectionNotice
from .permissions import can_view_personal_data, personal_data_view

# Submission classes whose rows are records kept by the services, never deleted from a listing.
PROTECTED_SUBMISSION_CLASSES = (Registration, WorkingGroupSignup, ConsultationSubmission)


class DataProtectionNoticeViewSet(SnippetViewSet):
    model = DataProtectionNotice
    icon = "info-circle"
    list_display = ["title", "is_default", "updated_at"]
    ordering = ["-is_default", "title"]


register_snippet(DataProtectionNoticeViewSet)


# Wagtail's form-submission views behind the personal-data permission ------------------------------


def _is_protected(form_page):
    return issubclass(form_page.get_submission_class(), PROTECTED_SUBMISSION_CLASSES)


def _safe_view_class(form_page):
    """The page's own submissions listing, with neutralised, logged exports (and no delete for records)."""
    base = form_page.get_submissions_list_view_class()
    attributes = {"export_log_instance": lambda self: self.form_page, "export_log_what": "form_submissions"}
    if _is_protected(form_page):
        attributes["results_template_name"] = "forms/privacy/admin/list_submissions_readonly.html"
    return type(f"Safe{base.__name__}", (FormulaSafeExportMixin, base), attributes)


def _form_page(page_id):
    form_page = get_object_or_404(Page, id=page_id).specific
    if not isinstance(form_page, FormMixin):
        raise Http404
    return form_page


@personal_data_view
def submissions_list(request, page_id, results_only=False):
    form_page = _form_page(page_id)
    return _safe_view_class(form_page).as_view(results_only=results_only)(request, form_page=form_page)


@personal_data_view
def delete_submissions(request, page_id):
    if _is_protected(_form_page(page_id)):
        raise PermissionDenied
    return DeleteSubmissionsView.as_view()(request, page_id=page_id)


forms_index = personal_data_view(FormPagesListView.as_view())
forms_index_results = personal_data_view(FormPagesListView.as_view(results_only=True))


# Registered before wagtail.contrib.forms (the app comes first in INSTALLED_APPS, and the order
# below is lower), so these paths answer first and Wagtail's own views are reached only through them.
@hooks.register("register_admin_urls", order=-10)
def register_personal_data_urls():
    return [
        path("forms/", forms_index),
        path("forms/results/", forms_index_results),
        path("forms/submissions/<int:page_id>/", submissions_list),
        path("forms/submissions/<int:page_id>/results/", submissions_list, {"results_only": True}),
        path("forms/submissions/<int:page_id>/delete/", delete_submissions),
        path("personal-data/", views.personal_data_requests, name="personal_data_requests"),
        path("locked-logins/", views.locked_logins, name="locked_logins"),
    ]


@hooks.register("filter_form_submissions_for_user")
def only_form_administrators_see_submissions(user, editable_forms):
    return editable_forms if can_view_personal_data(user) else editable_forms.none()


class PersonalDataMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_personal_data(request.user)


@hooks.register("register_settings_menu_item")
def register_personal_data_menu_item():
    return PersonalDataMenuItem(
        _("Personal data requests"), reverse("personal_data_requests"), icon_name="user", order=900,
        name="personal-data-requests",
    )


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_settings_menu_item")
def register_locked_logins_menu_item():
    return SuperuserMenuItem(_("Locked logins"), reverse("locked_logins"), icon_name="lock", order=910,
                             name="locked-logins")


@hooks.register("register_log_actions")
def register_personal_data_log_actions(actions):
    actions.register_action(EXPORT_ACTION, _("Export personal data"), _("Personal data exported"))
    actions.register_action(services.ANONYMISE_ACTION, _("Anonymise personal data"),
                            _("Personal data anonymised after the retention period"))
    actions.register_action(services.EXPORT_ACTION, _("Export one person's data"), _("One person's data exported"))
    actions.register_action(services.ERASE_ACTION, _("Erase one person's data"), _("One person's data erased"))
