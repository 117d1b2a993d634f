"""Registers each domain's Wagtail admin, and the parts shared by the domains: the "Participation" menu,
the page-deletion guard of the participation pages and the dashboard panel. The rules are in the
domains' services."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from .consultations import admin as consultations_admin  # registers its hooks
from .consultations import services as consultations
from .consultations import views as consultation_views
from .consultations.models import ConsultationPage, ConsultationSubmission
from .privacy import admin as privacy_admin  # noqa: F401 - registers its hooks
from .privacy.permissions import can_view_personal_data
from .working_groups import admin as working_groups_admin  # noqa: F401 - registers its hooks
from .working_groups import services as working_groups
from .workshops import admin as workshops_admin  # noqa: F401 - registers its hooks
from .workshops.models import Registration, WorkshopPage, WorkshopSession

REGISTRATION_CLOSES_AFTER_LAST_SESSION_MESSAGE = _(
    "Registration closes on %(closes)s, after the last session has started (%(last_start)s): nobody can "
    "register for a session that has started. Check the registration closing date."
)
PAGE_HAS_PARTICIPATION_DATA_MESSAGE = _(
    "This page (or a page below it) has working groups or consultation submissions and cannot be deleted. "
    "Unpublish it instead."
)


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
            shown_when=consultation_views.can_open_submissions,
        ),
        ConditionalMenuItem(
            _("Trends"), reverse_lazy("wagtailsnippets_strategy_forms_trend:list"),
            name="participation-trends", icon_name="pick", order=300, shown_when=consultations_admin.can_open_trends,
        ),
        ConditionalMenuItem(
            _("Working-group recommendations"),
            reverse_lazy("wagtailsnippets_strategy_forms_grouprecommendations:list"),
            name="participation-recommendations", icon_name="list-ul", order=400,
            shown_when=working_groups.can_open_recommendations,
        ),
    ]
)


@hooks.register("register_admin_menu_item")
def register_participation_menu():
    return SubmenuMenuItem(_("Participation"), participation_menu, name="participation", icon_name="group", order=250)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_when_registration_closes_after_last_session(request, page):
    """Saved all the same (a date may still change), but the editor is told at once."""
    page = page.specific
    if isinstance(page, WorkshopPage) and page.registration_closes_after_last_session():
        messages.warning(request, REGISTRATION_CLOSES_AFTER_LAST_SESSION_MESSAGE % {
            "closes": timezone.localtime(page.registration_closes_at).strftime("%d.%m.%Y %H:%M"),
            "last_start": timezone.localtime(page.last_session_start()).strftime("%d.%m.%Y %H:%M"),
        })


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_participation_data(request, page):
    if working_groups.page_tree_has_participation_data(page) or consultations.page_tree_has_submissions(page):
        messages.error(request, PAGE_HAS_PARTICIPATION_DATA_MESSAGE)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


# Dashboard ---------------------------------------------------------------------------------------


class ParticipationPanel(Component):
    """Upcoming sessions with their fill level and open consultations with submission counts.

    Counts are not personal data, but the panel links to the registrations, so it is shown to
    form administrators only."""

    name = "participation"
    template_name = "forms/admin/dashboard_panel.html"
    order = 60
    SESSIONS = 8

    def get_context_data(self, parent_context):
        now = timezone.now()
        sessions = list(
            WorkshopSession.objects.filter(ends_at__gte=now)
            .select_related("page")
            .annotate(
                confirmed_count=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
                waitlisted_count=Count("registrations",
                                       filter=Q(registrations__status=Registration.Status.WAITLISTED)),
            )
            .order_by("starts_at", "pk")[: self.SESSIONS]
        )
        for session in sessions:
            session.fill_percent = min(round(100 * session.confirmed_count / session.capacity), 100)
        consultations = list(ConsultationPage.objects.filter(starts_at__lte=now, ends_at__gt=now).order_by("ends_at"))
        counts = dict(
            ConsultationSubmission.objects.filter(page_id__in=[page.pk for page in consultations])
            .values_list("page_id").annotate(count=Count("pk")).values_list("page_id", "count")
        )
        for page in consultations:
            page.submission_count = counts.get(page.pk, 0)
        return {"sessions": sessions, "consultations": consultations}


@hooks.register("construct_homepage_panels")
def add_participation_panel(request, panels):
    if can_view_personal_data(request.user):
        panels.append(ParticipationPanel())
