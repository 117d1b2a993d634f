"""Admin registration of the working groups and consultations (imported by ``forms.wagtail_hooks``).

Thin: menus, URLs, snippets, log actions, and two page-editor guards; the rules are in
``forms.working_groups`` and ``forms.consultations``.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import consultations, participation_views, working_groups
from .models import ConsultationPage, ThematicArea, WorkingGroup
from .models.consultations import MINIMUM_CONSULTATION_DAYS

PAGE_HAS_PARTICIPATION_DATA_MESSAGE = _(
    "This page (or a page below it) has working groups or consultation submissions and cannot be deleted. "
    "Unpublish it instead."
)
SHORT_PERIOD_WARNING = _(
    "The consultation period of “%(title)s” is %(days)s days. Art. 6(5) of the development-policy act "
    "requires at least %(minimum)d days."
)


class ThematicAreaViewSet(SnippetViewSet):
    model = ThematicArea
    icon = "tag"
    list_display = ["name", "sort_order"]
    ordering = ["sort_order", "name"]


class WorkingGroupViewSet(SnippetViewSet):
    model = WorkingGroup
    icon = "group"
    list_display = ["name", "page", "area", "minimum_members", "reviewers", "merged_into"]
    list_filter = ["page", "area"]
    ordering = ["page", "sort_order", "pk"]


register_snippet(ThematicAreaViewSet)
register_snippet(WorkingGroupViewSet)


@hooks.register("register_admin_urls")
def register_participation_urls():
    return [path("", include(participation_views.admin_urls()))]


class ConditionalMenuItem(MenuItem):
    def __init__(self, label, url, *, shown_when, **kwargs):
        self.shown_when = shown_when
        super().__init__(label, url, **kwargs)

    def is_shown(self, request):
        return self.shown_when(request.user)


participation_menu = Menu(
    items=[
        ConditionalMenuItem(
            _("Working groups: sign-ups"), reverse_lazy("participation_working_groups"),
            name="participation-working-groups", icon_name="group", order=100, shown_when=working_groups.can_manage,
        ),
        ConditionalMenuItem(
            _("Consultation submissions"), reverse_lazy("participation_submissions"),
            name="participation-submissions", icon_name="form", order=200,
            shown_when=participation_views.can_open_submissions,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_participation_menu():
    return SubmenuMenuItem(_("Participation"), participation_menu, name="participation", icon_name="group", order=250)


@hooks.register("register_log_actions")
def register_participation_log_actions(actions):
    actions.register_action("strategy_forms.signup_accept", _("Accept sign-up"), _("Working-group sign-up accepted"))
    actions.register_action("strategy_forms.signup_decline", _("Decline sign-up"), _("Working-group sign-up declined"))
    actions.register_action(
        "strategy_forms.signup_move", _("Move sign-up"), _("Working-group sign-up moved to another group")
    )
    actions.register_action("strategy_forms.group_merge", _("Merge working groups"), _("Working groups merged"))
    actions.register_action(
        "strategy_forms.submission_accept", _("Accept submission for review"), _("Submission accepted for review")
    )
    actions.register_action(
        "strategy_forms.submission_reject", _("Reject submission"), _("Submission rejected as off-topic")
    )
    actions.register_action(
        "strategy_forms.submission_area", _("Change thematic area"), _("Thematic area of the submission changed")
    )
    actions.register_action("strategy_forms.submission_assess", _("Assess submission"), _("Assessment recorded"))


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_short_consultation(request, page):
    # Art. 6(5) sets a minimum, but the office may still save (e.g. a draft): a warning, not an error.
    page = page.specific
    if isinstance(page, ConsultationPage) and page.starts_at and page.ends_at and page.period_is_too_short():
        days = round(page.period.total_seconds() / 86400, 1)
        messages.warning(request, SHORT_PERIOD_WARNING % {
            "title": page.title, "days": f"{days:g}", "minimum": MINIMUM_CONSULTATION_DAYS,
        })


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_participation_data(request, page):
    if working_groups.page_tree_has_participation_data(page) or consultations.page_tree_has_submissions(page):
        messages.error(request, PAGE_HAS_PARTICIPATION_DATA_MESSAGE)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None

