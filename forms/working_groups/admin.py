"""Wagtail admin of the working groups (imported by ``forms.wagtail_hooks``).

Thin: the groups' and the recommendations' snippets, the sign-up screens' URLs and log actions; the
rules are in ``services.py``.

The recommendations are a snippet with revisions (Wagtail's editor, history and comparison of
versions). Wagtail's generic views check model-wide permissions only, so every view that opens one
document checks the document's own group (``OwnGroupOnlyMixin``), and the listing shows only the
documents the user may edit.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic.models import RevisionsCompareView
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.action_menu import ActionMenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from . import services, views
from .models import GroupRecommendations, WorkingGroup


class WorkingGroupViewSet(SnippetViewSet):
    model = WorkingGroup
    icon = "group"
    list_display = ["name", "page", "area", "minimum_members", "reviewers", "merged_into"]
    list_filter = ["page", "area"]
    ordering = ["page", "sort_order", "pk"]


register_snippet(WorkingGroupViewSet)


# Recommendations ---------------------------------------------------------------------------------


class RecommendationsPermissionPolicy(BasePermissionPolicy):
    """Reviewers of a group change (and view) that group's document; form administrators every one.
    Nobody adds or deletes documents in the admin: each group has exactly one, made with the group."""

    ACTIONS = frozenset({"change", "view"})

    def __init__(self):
        super().__init__(GroupRecommendations)

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and services.can_open_recommendations(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in self.ACTIONS and services.can_edit_recommendations(user, instance.group)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.ACTIONS.intersection(actions):
            return GroupRecommendations.objects.none()
        return services.recommendations_editable_by(user)

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def users_with_any_permission(self, actions):
        if not self.ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        manage = services.MANAGE_PERMISSION.split(".")[1]
        return get_user_model().objects.filter(
            Q(is_superuser=True) | Q(groups__reviewed_working_groups__isnull=False)
            | Q(user_permissions__codename=manage) | Q(groups__permissions__codename=manage),
            is_active=True,
        ).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


recommendations_policy = RecommendationsPermissionPolicy()
register_permission_policy(GroupRecommendations, recommendations_policy)


class OwnGroupOnlyMixin:
    """403 for a document of a group the user does not review (checked on the stored document)."""

    def get_object(self, *args, **kwargs):
        document = super().get_object(*args, **kwargs)
        if not recommendations_policy.user_has_permission_for_instance(self.request.user, "change", document):
            raise PermissionDenied
        return document


class RecommendationsEditView(OwnGroupOnlyMixin, snippet_views.EditView):
    pass


class RecommendationsHistoryView(OwnGroupOnlyMixin, snippet_views.HistoryView):
    pass


class RecommendationsUsageView(OwnGroupOnlyMixin, snippet_views.UsageView):
    pass


class RecommendationsDeleteView(OwnGroupOnlyMixin, snippet_views.DeleteView):
    pass


class RecommendationsCompareView(OwnGroupOnlyMixin, snippet_views.RevisionsCompareView):
    pass


assert issubclass(snippet_views.RevisionsCompareView, RevisionsCompareView)


class StateColumn(Column):
    def get_value(self, instance):
        state = instance.get_state_display()
        if instance.agreed_revision_id and instance.has_unagreed_changes:
            return _("%(state)s (newer draft not agreed)") % {"state": state}
        return state


class RecommendationsViewSet(SnippetViewSet):
    model = GroupRecommendations
    icon = "list-ul"
    menu_label = _("Working-group recommendations")
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_view_class = RecommendationsEditView
    history_view_class = RecommendationsHistoryView
    usage_view_class = RecommendationsUsageView
    delete_view_class = RecommendationsDeleteView
    revisions_compare_view_class = RecommendationsCompareView
    list_display = [
        "__str__",
        Column("area", label=_("thematic area"), accessor="group.area"),
        StateColumn("state", label=_("state")),
        DateColumn("agreed_at", label=_("agreed")),
        DateColumn("handed_over_at", label=_("handed to the mayor")),
    ]

    def get_queryset(self, request):
        return services.recommendations_editable_by(request.user)


recommendations_viewset = RecommendationsViewSet()
register_snippet(recommendations_viewset)


class AgreeMenuItem(ActionMenuItem):
    """"Mark as agreed" next to "Save": opens the confirmation with the saved version."""

    name = "action-agree"
    label = _("Mark the saved version as agreed")
    icon_name = "check"

    def is_shown(self, context):
        instance = context.get("instance")
        return (
            context.get("view") == "edit" and instance is not None and instance.latest_revision_id is not None
            and instance.has_unagreed_changes
            and services.can_edit_recommendations(context["request"].user, instance.group)
        )

    def get_url(self, parent_context):
        return reverse("participation_recommendations_agree", args=[parent_context["instance"].pk])


@hooks.register("register_snippet_action_menu_item")
def register_agree_menu_item(model):
    return AgreeMenuItem(order=10) if model is GroupRecommendations else None


def recommendations_list_url():
    return reverse(recommendations_viewset.get_url_name("list"))


def recommendations_edit_url(document):
    return reverse(recommendations_viewset.get_url_name("edit"), args=[document.pk])


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
        "strategy_forms.signup_undo", _("Undo decision"), _("Decision on a working-group sign-up undone")
    )
    actions.register_action(
        "strategy_forms.group_formed", _("Mark group as formed"), _("Working group marked as formed")
    )
    actions.register_action(
        "strategy_forms.recommendations_agree", _("Mark recommendations as agreed"),
        _("Version of the recommendations agreed by the group"),
    )
    actions.register_action(
        "strategy_forms.recommendations_hand_over", _("Hand recommendations to the mayor"),
        _("Agreed recommendations handed to the mayor"),
    )
    actions.register_action(
        "strategy_forms.signup_add", _("Add sign-up"), _("Working-group sign-up entered by staff")
    )
