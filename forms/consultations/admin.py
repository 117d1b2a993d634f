"""Wagtail admin of the consultations (imported by ``forms.wagtail_hooks``).

Thin: the thematic areas' snippets, the submission screens' URLs, log actions and a page-editor
warning; the rules are in ``services.py``.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from . import services, views
from .models import MINIMUM_CONSULTATION_DAYS, ConsultationPage, ThematicArea, Trend

SHORT_PERIOD_WARNING = _(
    "The consultation period of “%(title)s” is %(days)s days. Art. 6(5) of the development-policy act "
    "requires at least %(minimum)d days."
)


class ThematicAreaViewSet(SnippetViewSet):
    model = ThematicArea
    icon = "tag"
    list_display = ["name", "sort_order"]
    ordering = ["sort_order", "name"]


register_snippet(ThematicAreaViewSet)


# Trends: named in the assessments, described by the area's working group -----------------------


def can_edit_trend(user, trend):
    return user.is_active and (services.can_moderate(user) or trend.area_id in services.reviewer_area_ids(user))


def can_open_trends(user):
    return user.is_authenticated and user.is_active and (services.can_moderate(user) or services.is_reviewer(user))


def trends_editable_by(user):
    trends = Trend.objects.select_related("area")
    if not (user.is_authenticated and user.is_active):
        return trends.none()
    if services.can_moderate(user):
        return trends
    return trends.filter(area_id__in=services.reviewer_area_ids(user))


class TrendPermissionPolicy(BasePermissionPolicy):
    """Reviewers describe the trends of their group's area; moderators (form administrators) all of them.
    Trends are created by assessments and never deleted here (assessments point to them)."""

    ACTIONS = frozenset({"change", "view"})

    def __init__(self):
        super().__init__(Trend)

    def user_has_permission(self, user, action):
        return action in self.ACTIONS and can_open_trends(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return action in self.ACTIONS and can_edit_trend(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission_for_instance(user, action, instance) for action in actions)

    def instances_user_has_any_permission_for(self, user, actions):
        return trends_editable_by(user) if self.ACTIONS.intersection(actions) else Trend.objects.none()

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def users_with_any_permission(self, actions):
        if not self.ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        moderate = services.MODERATE_PERMISSION.split(".")[1]
        return get_user_model().objects.filter(
            Q(is_superuser=True) | Q(groups__reviewed_working_groups__isnull=False)
            | Q(user_permissions__codename=moderate) | Q(groups__permissions__codename=moderate),
            is_active=True,
        ).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


trend_policy = TrendPermissionPolicy()
register_permission_policy(Trend, trend_policy)


class OwnAreaTrendMixin:
    def get_object(self, *args, **kwargs):
        trend = super().get_object(*args, **kwargs)
        if not trend_policy.user_has_permission_for_instance(self.request.user, "change", trend):
            raise PermissionDenied
        return trend


class TrendEditView(OwnAreaTrendMixin, snippet_views.EditView):
    pass


class TrendHistoryView(OwnAreaTrendMixin, snippet_views.HistoryView):
    pass


class TrendUsageView(OwnAreaTrendMixin, snippet_views.UsageView):
    pass


class TrendDeleteView(OwnAreaTrendMixin, snippet_views.DeleteView):
    pass


class TrendViewSet(SnippetViewSet):
    model = Trend
    icon = "pick"
    copy_view_enabled = False
    inspect_view_enabled = False
    edit_view_class = TrendEditView
    history_view_class = TrendHistoryView
    usage_view_class = TrendUsageView
    delete_view_class = TrendDeleteView
    list_display = [
        "name",
        Column("area", label=_("thematic area"), accessor="area"),
        Column("submission_count", label=_("submissions"), accessor="submission_count"),
        Column("has_description", label=_("description"), accessor="has_description"),
    ]
    list_filter = ["area"]

    def get_queryset(self, request):
        return trends_editable_by(request.user).annotate(
            submission_count=Count("assessments", filter=Q(assessments__submission__status="accepted"))
        ).order_by("area__sort_order", "name")


register_snippet(TrendViewSet)


@hooks.register("register_admin_urls")
def register_consultation_urls():
    return [path("", include(views.admin_urls()))]


@hooks.register("register_log_actions")
def register_consultation_log_actions(actions):
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
    actions.register_action(
        "strategy_forms.submission_add", _("Add submission"), _("Consultation submission entered by staff")
    )


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


# Dashboard: the reviewer's queue ----------------------------------------------------------------


class ReviewerPanel(Component):
    """The accepted submissions of the reviewer's areas that wait for an assessment, and the next one.
    Titles and reference numbers only: what the reviewer already sees in the submissions list."""

    name = "reviewer-queue"
    template_name = "forms/consultations/admin_reviewer_panel.html"
    order = 50
    SHOWN = 10

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context):
        waiting = services.submissions_awaiting_assessment(self.user)
        submissions = list(waiting[: self.SHOWN])
        return {
            "submissions": submissions,
            "count": waiting.count() if len(submissions) == self.SHOWN else len(submissions),
            "next_submission": submissions[0] if submissions else None,
        }


@hooks.register("construct_homepage_panels")
def add_reviewer_panel(request, panels):
    if services.is_reviewer(request.user):
        panels.append(ReviewerPanel(request.user))
