"""Wagtail admin of the consultations (imported by ``forms.wagtail_hooks``).

Thin: the thematic areas' snippets, the submission screens' URLs, log actions and a page-editor
warning; the rules are in ``services.py``.
"""

from django.contrib import messages
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import views
from .models import MINIMUM_CONSULTATION_DAYS, ConsultationPage, ThematicArea

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
