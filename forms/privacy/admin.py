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
    attributes = {"export_log_instance": lambda self: self.form_page, "export_log_what": "form_submissions",
                  "get_export_sheet_title": lambda self: self.form_page.title}
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


# History: entries about records that hold personal data -------------------------------------------


def personal_data_models():
    from ..consultations.models import Assessment
    from .models import PersonalDataRequest

    return (Registration, WorkingGroupSignup, ConsultationSubmission, Assessment, PersonalDataRequest)


def restrict_log_entries(queryset, user):
    """Log entries (a queryset of any log-entry model) without those about records holding personal data
    that ``user`` may not see: form administrators see them all; a reviewer sees those of the
    consultation submissions they may assess; everyone else none (not even who moderated them)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q
    from wagtail.models import ModelLogEntry

    from ..consultations import services as consultations

    if can_view_personal_data(user):
        return queryset
    protected = list(ContentType.objects.get_for_models(*personal_data_models()).values())
    allowed = ~Q(content_type__in=protected)
    if issubclass(queryset.model, ModelLogEntry) and not consultations.can_moderate(user):
        visible = [str(pk) for pk in consultations.submissions_visible_to(user).values_list("pk", flat=True)]
        if visible:
            submission_type = ContentType.objects.get_for_model(ConsultationSubmission)
            allowed |= Q(content_type=submission_type, object_id__in=visible)
    return queryset.filter(allowed)


def _site_history_view_class():
    from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet

    class RestrictedFilterSet(SiteHistoryReportFilterSet):
        def get_user_choices(self):
            from django.contrib.auth import get_user_model
            from wagtail.log_actions import registry

            ids = set()
            for log_model in registry.get_log_entry_models():
                entries = restrict_log_entries(log_model.objects.viewable_by_user(self.request.user),
                                               self.request.user)
                ids.update(entries.values_list("user_id", flat=True).distinct())
            User = get_user_model()
            return User.objects.filter(pk__in=ids - {None}).order_by(User.USERNAME_FIELD)

    class PersonalDataSafeLogEntriesView(FormulaSafeExportMixin, LogEntriesView):
        """Reports › Site history and its CSV/XLSX export, without entries the user may not see; the
        export is written (and logged) like every other export: labels can be people's names."""

        filterset_class = RestrictedFilterSet
        export_log_what = "site_history"
        export_sheet_title = _("Site history")

        def export_log_instance(self):
            return Page.get_first_root_node()

        def filter_queryset(self, queryset):
            return restrict_log_entries(super().filter_queryset(queryset), self.request.user)

    return PersonalDataSafeLogEntriesView


def site_history_urls():
    """Paths for cms/urls.py, ahead of Wagtail's own (which keep their names for reversing)."""
    from wagtail.admin.auth import require_admin_access

    view = _site_history_view_class()
    return [
        path("admin/reports/site-history/", require_admin_access(view.as_view())),
        path("admin/reports/site-history/results/", require_admin_access(view.as_view(results_only=True))),
    ]
