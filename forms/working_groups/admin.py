"""Wagtail admin of the working groups (imported by ``forms.wagtail_hooks``).

Thin: the groups' snippets, the sign-up screens' URLs and log actions; the rules are in ``services.py``.
"""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views
from .models import WorkingGroup


class WorkingGroupViewSet(SnippetViewSet):
    model = WorkingGroup
    icon = "group"
    list_display = ["name", "page", "area", "minimum_members", "reviewers", "merged_into"]
    list_filter = ["page", "area"]
    ordering = ["page", "sort_order", "pk"]


register_snippet(WorkingGroupViewSet)


@hooks.register("register_admin_urls")
def register_working_group_urls():
    return [path("", include(views.admin_urls()))]


@hooks.register("register_log_actions")
def register_working_group_log_actions(actions):
    actions.register_action("strategy_forms.signup_accept", _("Accept sign-up"), _("Working-group sign-up accepted"))
    actions.register_action("strategy_forms.signup_decline", _("Decline sign-up"), _("Working-group sign-up declined"))
    actions.register_action(
        "strategy_forms.signup_move", _("Move sign-up"), _("Working-group sign-up moved to another group")
    )
    actions.register_action("strategy_forms.group_merge", _("Merge working groups"), _("Working groups merged"))
    actions.register_action(
        "strategy_forms.signup_add", _("Add sign-up"), _("Working-group sign-up entered by staff")
    )
