"""The workshop registrations in the Wagtail admin: list, filters, search, bulk actions, exports,
attendance list, check-in, moving, cancelling and adding by phone or e-mail.

Everything here is for form administrators only (``forms.privacy.permissions``). Views are thin: places
are decided by ``services.py`` (the same rules as the public form), and every change and every
export leaves a Wagtail log entry.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Min
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, ListingButton
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from notifications.admin_access import forbidden_as_403

from ..fields import parse_id
from ..privacy.exports import FormulaSafeExportMixin, log_export
from ..privacy.permissions import PersonalDataPermissionPolicy, personal_data_view, require_personal_data
from . import services, views
from .exceptions import MoveRefused, RegistrationClosed
from .forms import MoveForm, StaffRegistrationForm
from .models import Registration, WorkshopPage, WorkshopSession

Status = Registration.Status

ADD_ACTION = "strategy_forms.registration_add"
MOVE_ACTION = "strategy_forms.registration_move"
CANCEL_ACTION = "strategy_forms.registration_cancel"
ATTENDANCE_ACTION = "strategy_forms.registration_attendance"



# Listing ----------------------------------------------------------------------------------------


def _session_label(session):
    return f"{session.page.title} – {session.title} ({timezone.localtime(session.starts_at):%d.%m.%Y %H:%M})"


class SessionChoiceFilter(django_filters.ModelChoiceFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_class = type("SessionField", (forms.ModelChoiceField,), {
            "label_from_instance": lambda field, obj: _session_label(obj),
        })


class RegistrationFilterSet(WagtailFilterSet):
    page = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Workshop"), queryset=WorkshopPage.objects.order_by("-pk"), field_name="page"
    )
    session = SessionChoiceFilter(
        label=gettext_lazy("Session"),
        queryset=WorkshopSession.objects.select_related("page").order_by("-starts_at"),
    )
    status = django_filters.ChoiceFilter(label=gettext_lazy("Status"), choices=Status.choices)
    source = django_filters.ChoiceFilter(label=gettext_lazy("Source"), choices=Registration.Source.choices)
    attended = django_filters.ChoiceFilter(
        label=gettext_lazy("Attendance"),
        choices=[("yes", gettext_lazy("attended")), ("no", gettext_lazy("absent")),
                 ("unknown", gettext_lazy("not marked"))],
        method="filter_attended",
    )

    class Meta:
        model = Registration
        fields = ["page", "session", "status", "source", "attended"]

    def filter_attended(self, queryset, name, value):
        return {
            "yes": queryset.filter(attended=True),
            "no": queryset.filter(attended=False),
            "unknown": queryset.filter(attended__isnull=True),
        }.get(value, queryset)


class SelectColumn(BaseColumn):
    """A checkbox per row for the bulk actions (Wagtail's w-bulk controller selects all)."""

    cell_template_name = "forms/workshops/admin/select_cell.html"
    header_template_name = "forms/workshops/admin/select_header.html"


def _attended_display(registration):
    return {True: _("attended"), False: _("absent")}.get(registration.attended, "—")


class RegistrationIndexView(FormulaSafeExportMixin, IndexView):
    results_template_name = "forms/workshops/admin/registrations_results.html"
    export_log_what = "registrations"
    paginate_by = 100

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("session", "page")

    @cached_property
    def columns(self):
        return [
            SelectColumn("select", label=_("Select")),
            TitleColumn("full_name", label=_("Full name"), url_name=self.inspect_url_name, sort_key="full_name"),
            Column("email", label=_("E-mail"), sort_key="email"),
            Column("phone", label=_("Phone")),
            Column("session", label=_("Session"), accessor=lambda r: _session_label(r.session)),
            Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
            Column("source", label=_("Source"), accessor="get_source_display"),
            Column("attended", label=_("Attendance"), accessor=_attended_display),
            Column("submit_time", label=_("Registered"), sort_key="submit_time",
                   accessor=lambda r: timezone.localtime(r.submit_time).strftime("%d.%m.%Y %H:%M")),
        ]

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if instance.status != Status.CANCELLED:
            buttons.append(ListingButton(_("Move to another session"), url=reverse("registrations:move",
                                                                                   args=[instance.pk]),
                                         icon_name="arrow-right-full", priority=20))
            buttons.append(ListingButton(_("Cancel on their behalf"), url=reverse("registrations:cancel",
                                                                                  args=[instance.pk]),
                                         icon_name="cross", priority=30))
        return buttons

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(Button(_("Workshops and sessions"), url=reverse("registrations:workshops"),
                              icon_name="calendar", priority=10))
        return buttons

    def export_log_instance(self):
        session_id, page_id = self.request.GET.get("session", ""), self.request.GET.get("page", "")
        if (session_pk := parse_id(session_id)) is not None:
            session = WorkshopSession.objects.filter(pk=session_pk).select_related("page").first()
            if session:
                return session.page
        if (page_pk := parse_id(page_id)) is not None:
            page = WorkshopPage.objects.filter(pk=page_pk).first()
            if page:
                return page
        return Page.get_first_root_node()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk_actions"] = BULK_ACTIONS
        context["bulk_url"] = reverse("registrations:bulk")
        return context


class RegistrationHistoryView(HistoryView):
    # Who moved, cancelled or checked in a person: readable by whoever may see the registration.
    any_permission_required = ["view"]


registration_policy = PersonalDataPermissionPolicy(Registration)
register_permission_policy(Registration, registration_policy)


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "list-ul"
    menu_label = gettext_lazy("Workshop registrations")
    menu_order = 245
    add_to_admin_menu = True
    url_prefix = "registrations"
    name = "registrations"
    permission_policy = registration_policy
    index_view_class = RegistrationIndexView
    history_view_class = RegistrationHistoryView
    filterset_class = RegistrationFilterSet
    search_fields = ["full_name", "email", "phone"]
    search_backend_name = None
    ordering = ["-submit_time"]
    list_export = [
        "page.title", "session.title", "session.starts_at", "full_name", "email", "phone", "get_status_display",
        "get_source_display", "attended", "submit_time", "cancelled_at",
    ]
    export_headings = {
        "page.title": gettext_lazy("Workshop"),
        "session.title": gettext_lazy("Session"),
        "session.starts_at": gettext_lazy("Session starts"),
        "full_name": gettext_lazy("Full name"),
        "email": gettext_lazy("E-mail"),
        "phone": gettext_lazy("Phone"),
        "get_status_display": gettext_lazy("Status"),
        "get_source_display": gettext_lazy("Source"),
        "attended": gettext_lazy("Attended"),
        "submit_time": gettext_lazy("Registered"),
        "cancelled_at": gettext_lazy("Cancelled"),
    }
    export_filename = "rejestracje"
    inspect_view_enabled = True
    inspect_view_fields = [
        "page", "session", "full_name", "email", "phone", "status", "source", "attended", "submit_time",
        "status_changed_at", "promoted_at", "cancelled_at", "anonymised_at",
    ]
    copy_view_enabled = False

    # Generic add, edit and delete views would skip the capacity and waitlist rules: none are served.
    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{"add_url_name": None, "edit_url_name": None, "delete_url_name": None, "usage_url_name": None,
               **kwargs}
        )

    def get_urlpatterns(self):
        # Only the generic views that read (the generic add/edit/delete views are never built). They
        # check the policy; ``forbidden_as_403`` makes a refusal a 403 instead of Wagtail's redirect.
        generic = [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
        ]
        for pattern in generic:
            pattern.callback = forbidden_as_403(pattern.callback)
        return generic + [
            path("workshops/", workshops_overview, name="workshops"),
            path("bulk/", bulk_action, name="bulk"),
            path("add/<int:page_id>/", add_registration, name="add_staff"),
            path("<int:pk>/move/", move_registration, name="move"),
            path("<int:pk>/cancel/", cancel_registration, name="cancel"),
            path("sessions/<int:session_id>/attendance/", attendance_list, name="attendance_list"),
            path("sessions/<int:session_id>/check-in/", views.check_in_screen, name="check_in"),
            path("sessions/<int:session_id>/walk-in/", views.walk_in_registration, name="walk_in"),
            path("<int:pk>/check-in/", views.check_in_registration, name="check_in_registration"),
            path("check-in/<str:code>/", views.check_in_by_code, name="check_in_code"),
        ]


registration_viewset = RegistrationViewSet()


# Views ------------------------------------------------------------------------------------------


def _render(request, template, context, status=200):
    return TemplateResponse(request, template, context, status=status)


def _next_url(request, default):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return default


def _list_url(**filters):
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return reverse("registrations:index") + (f"?{query}" if query else "")


@personal_data_view
def workshops_overview(request):
    """Workshops with their sessions and fill levels, newest first, with the per-session tools."""
    pages = list(WorkshopPage.objects.annotate(first_start=Min("sessions__starts_at")).order_by("-first_start"))
    for page in pages:
        page.session_list = services.sessions_with_places(page)
        for session in page.session_list:
            session.fill_percent = min(round(100 * session.confirmed_count / session.capacity), 100)
    return _render(request, "forms/workshops/admin/workshops_overview.html", {
        "page_title": _("Workshops and sessions"), "header_icon": "calendar", "pages": pages,
    })


@personal_data_view
def add_registration(request, page_id):
    """Register a person on their behalf (phone or e-mail sign-up) through the same service as the
    public form: capacity, waitlist and duplicates hold; the registration window does not apply."""
    from django.db import transaction

    page = get_object_or_404(WorkshopPage, pk=page_id)
    status = 200
    if request.method == "POST":
        form = StaffRegistrationForm(request.POST, page=page)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                try:
                    outcomes = services.register(
                        page, sessions=data["sessions"], full_name=data["full_name"],
                        email=form.email_or_empty(), phone=data["phone"],
                        form_data={"staff_channel": data["channel"]},
                        source=Registration.Source.STAFF, enforce_window=False, duplicates_refused=True,
                    )
                except RegistrationClosed as exc:  # not raised with enforce_window=False; kept for safety
                    outcomes = []
                    form.add_error(None, exc.message)
                for outcome in outcomes:
                    if outcome.registration:
                        log(outcome.registration, ADD_ACTION, user=request.user,
                            data={"session": outcome.session.title, "status": outcome.status,
                                  "channel": data["channel"]})
            for outcome in outcomes:
                text = {
                    Status.CONFIRMED: _("%(session)s: place confirmed."),
                    Status.WAITLISTED: _("%(session)s: the session is full; added to the waitlist at position "
                                         "%(position)s."),
                }.get(outcome.status)
                if text:
                    messages.success(request, text % {"session": outcome.session.title,
                                                      "position": outcome.waitlist_position})
                else:
                    form.add_error(None, f"{outcome.session.title}: {outcome.message}")
            if outcomes and not all(outcome.refused for outcome in outcomes):
                return redirect(_list_url(page=page.pk))
            status = 409 if outcomes else 400
        else:
            status = 400
    else:
        form = StaffRegistrationForm(page=page)
    return _render(request, "forms/workshops/admin/add_registration.html", {
        "page_title": _("Add a registration"), "page_subtitle": page.title, "header_icon": "plus",
        "form": form, "workshop": page, "sessions": services.sessions_with_places(page),
    }, status=status)


def _registration(pk):
    return get_object_or_404(Registration.objects.select_related("session", "session__page"), pk=pk)


@personal_data_view
def move_registration(request, pk):
    registration = _registration(pk)
    status = 200
    if request.method == "POST":
        form = MoveForm(request.POST, registration=registration)
        if form.is_valid():
            target = form.cleaned_data["session"]
            try:
                outcome = services.move(registration, target)
            except MoveRefused as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                log(outcome.new, MOVE_ACTION, user=request.user, data={
                    "from": registration.session.title, "to": target.title, "status": outcome.new.status,
                    "previous_registration": outcome.old.pk,
                })
                log(outcome.old, MOVE_ACTION, user=request.user, data={
                    "from": registration.session.title, "to": target.title, "new_registration": outcome.new.pk,
                })
                if outcome.waitlisted:
                    messages.warning(request, _("%(name)s moved to the waitlist of “%(session)s”.") % {
                        "name": registration.full_name, "session": target.title})
                else:
                    messages.success(request, _("%(name)s moved to “%(session)s”.") % {
                        "name": registration.full_name, "session": target.title})
                return redirect(_next_url(request, _list_url(session=registration.session_id)))
        else:
            status = 400
    else:
        if registration.status == Status.CANCELLED:
            raise Http404
        form = MoveForm(registration=registration)
    return _render(request, "forms/workshops/admin/move_registration.html", {
        "page_title": _("Move a registration"), "page_subtitle": registration.full_name, "header_icon": "list-ul",
        "registration": registration, "form": form, "next": _next_url(request, ""),
    }, status=status)


@personal_data_view
def cancel_registration(request, pk):
    registration = _registration(pk)
    if request.method == "POST":
        outcome = services.cancel(registration, by_staff=True)
        if not outcome.already_cancelled:
            log(outcome.registration, CANCEL_ACTION, user=request.user, data={
                "session": registration.session.title,
                "promoted": outcome.promoted.pk if outcome.promoted else None,
            })
            messages.success(request, _("The registration of %(name)s has been cancelled.") % {
                "name": registration.full_name})
            if outcome.promoted:
                messages.info(request, _("%(name)s was promoted from the waitlist.") % {
                    "name": outcome.promoted.full_name})
        return redirect(_next_url(request, _list_url(session=registration.session_id)))
    return _render(request, "forms/workshops/admin/cancel_registration.html", {
        "page_title": _("Cancel a registration"), "page_subtitle": registration.full_name, "header_icon": "cross",
        "registration": registration, "next": _next_url(request, ""),
    })


BULK_ACTIONS = [
    ("attended", gettext_lazy("Mark as attended")),
    ("absent", gettext_lazy("Mark as absent")),
    ("clear", gettext_lazy("Clear attendance")),
    ("cancel", gettext_lazy("Cancel registrations")),
]


@personal_data_view
@require_POST
def bulk_action(request):
    require_personal_data(request.user)
    action = request.POST.get("action")
    ids = [int(value) for value in request.POST.getlist("registration") if value.isdigit()]
    back = _next_url(request, reverse("registrations:index"))
    if action not in dict(BULK_ACTIONS) or not ids:
        messages.error(request, _("Choose people in the list and an action."))
        return redirect(back)
    registrations = list(Registration.objects.filter(pk__in=ids).select_related("session"))
    if action == "cancel":
        cancelled = 0
        for registration in registrations:
            outcome = services.cancel(registration, by_staff=True)
            if not outcome.already_cancelled:
                cancelled += 1
                log(outcome.registration, CANCEL_ACTION, user=request.user, data={
                    "session": registration.session.title, "bulk": True,
                    "promoted": outcome.promoted.pk if outcome.promoted else None,
                })
        messages.success(request, _("Registrations cancelled: %(count)d.") % {"count": cancelled})
        return redirect(back)
    attended = {"attended": True, "absent": False, "clear": None}[action]
    changed = services.mark_attendance(registrations, attended)
    for registration in registrations:
        if registration.status == Status.CONFIRMED:
            log(registration, ATTENDANCE_ACTION, user=request.user, data={"attended": attended})
    skipped = sum(1 for r in registrations if r.status != Status.CONFIRMED)
    messages.success(request, _("Attendance updated: %(count)d.") % {"count": changed})
    if skipped and attended is not None:
        messages.warning(request, _("%(count)d selected people have no confirmed place; their attendance was not "
                                    "marked.") % {"count": skipped})
    return redirect(back)


@personal_data_view
def attendance_list(request, session_id):
    """A printable list of the session's confirmed participants with a signature column."""
    session = get_object_or_404(WorkshopSession.objects.select_related("page"), pk=session_id)
    registrations = list(session.registrations.filter(status=Status.CONFIRMED).order_by("full_name", "pk"))
    waitlisted = list(session.registrations.filter(status=Status.WAITLISTED).order_by("pk"))
    log_export(request.user, session.page, what="attendance_list", export_format="print",
               rows=len(registrations), filters={"session": str(session.pk)})
    return _render(request, "forms/workshops/admin/attendance_list.html", {
        "session": session, "workshop": session.page, "registrations": registrations, "waitlisted": waitlisted,
        "empty_rows": range(5), "printed_at": timezone.localtime(),
    })


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return registration_viewset


@hooks.register("register_log_actions")
def register_registration_log_actions(actions):
    actions.register_action(ADD_ACTION, _("Add registration"), _("Registration added by staff"))
    actions.register_action(MOVE_ACTION, _("Move registration"),
                            _("Registration moved to another session"))
    actions.register_action(CANCEL_ACTION, _("Cancel registration"),
                            _("Registration cancelled by staff"))
    actions.register_action(ATTENDANCE_ACTION, _("Mark attendance"), _("Attendance marked"))
    actions.register_action(views.CHECK_IN_ACTION, _("Check in"), _("Checked in at the door"))
    actions.register_action(views.UNDO_CHECK_IN_ACTION, _("Undo check-in"), _("Check-in at the door taken back"))
    actions.register_action(views.WALK_IN_ACTION, _("Walk-in registration"),
                            _("Registered at the door and checked in"))


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_registrations(request, page):
    # Registrations are kept for the record; deleting their page (or a section above it) would lose them.
    if services.page_tree_has_registrations(page):
        messages.error(request, services.PAGE_HAS_REGISTRATIONS_MESSAGE)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
