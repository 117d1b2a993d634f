"""The workshop registrations in the Wagtail admin: list, filters, search, bulk actions, exports,
attendance list, check-in, moving, cancelling and adding by phone or e-mail.

Everything here is for form administrators only (``forms.privacy.permissions``). Views are thin: places
are decided by ``services.py`` (the same rules as the public form), and every change and every
export leaves a Wagtail log entry.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.db.models import Count, Min, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry
from wagtail.models import Page
from wagtail.permissions import register_permission_policy

from notifications.admin_access import forbidden_as_403

from ..fields import parse_id
from ..privacy.exports import log_export
from ..privacy.permissions import PersonalDataPermissionPolicy, personal_data_view, require_personal_data
from . import services, views
from .exceptions import MoveRefused, OfferNotOpen, RegistrationClosed
from .exports import LIST_EXPORT, RegistrationExportMixin
from .forms import CancelSessionsForm, MoveForm, staff_registration_form_class
from .models import Registration, WorkshopPage, WorkshopSession, set_places_left

Status = Registration.Status

ADD_ACTION = "strategy_forms.registration_add"
MOVE_ACTION = "strategy_forms.registration_move"
CANCEL_ACTION = "strategy_forms.registration_cancel"
ATTENDANCE_ACTION = "strategy_forms.registration_attendance"
RESEND_ACTION = "strategy_forms.registration_resend"
ACCEPT_OFFER_ACTION = "strategy_forms.registration_offer_accepted"
SESSION_CANCEL_ACTION = "strategy_forms.session_cancel"
WORKSHOP_CANCEL_ACTION = "strategy_forms.workshop_cancel"



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


def _status_display(registration):
    if registration.has_open_offer:
        return _("%(status)s, place offered until %(deadline)s") % {
            "status": registration.get_status_display(),
            "deadline": date_format(timezone.localtime(registration.offer_expires_at), "j E Y, H:i")}
    return registration.get_status_display()


def _waitlist_position_display(registration):
    if registration.status != Status.WAITLISTED:
        return "—"
    return (registration.waiting_before or 0) + 1


def registration_buttons(registration):
    """Move, cancel and resend for one person: in the list's row menu and the inspect page's header menu
    (``Button`` goes into the dropdown; a ``ListingButton`` would sit in the row beside the name)."""
    buttons = []
    if registration.status != Status.CANCELLED:
        buttons.append(Button(_("Move to another session"), url=reverse("registrations:move", args=[registration.pk]),
                              icon_name="arrow-right-full", priority=20))
        buttons.append(Button(_("Cancel on their behalf"),
                              url=reverse("registrations:cancel", args=[registration.pk]),
                              icon_name="cross", priority=30))
        if registration.email:
            buttons.append(Button(_("Resend confirmation"),
                                  url=reverse("registrations:resend", args=[registration.pk]),
                                  icon_name="mail", priority=40))
    if registration.has_open_offer:
        buttons.append(Button(_("Accept the place on their behalf"),
                              url=reverse("registrations:accept_offer", args=[registration.pk]),
                              icon_name="tick", priority=45))
    if registration.call_pending:
        buttons.append(Button(_("Mark the call as made"), url=reverse("registrations:calls"),
                              icon_name="tick", priority=50))
    return buttons


class RegistrationIndexView(RegistrationExportMixin, IndexView):
    results_template_name = "forms/workshops/admin/registrations_results.html"
    paginate_by = 100

    def get_base_queryset(self):
        waiting_before = (
            Registration.objects.filter(session_id=OuterRef("session_id"), status=Status.WAITLISTED,
                                        id__lt=OuterRef("pk"))
            .order_by().values("session_id").annotate(count=Count("pk")).values("count")
        )
        return super().get_base_queryset().select_related("session", "page").annotate(
            waiting_before=Subquery(waiting_before))

    @cached_property
    def columns(self):
        # The title column carries the row menu (move, cancel, resend) like Wagtail's own listings.
        title_column = self._get_title_column_class(TitleColumn)
        return [
            SelectColumn("select", label=_("Select")),
            title_column("full_name", label=_("Full name"), url_name=self.inspect_url_name, sort_key="full_name"),
            Column("email", label=_("E-mail"), sort_key="email"),
            Column("phone", label=_("Phone")),
            Column("session", label=_("Session"), accessor=lambda r: _session_label(r.session)),
            Column("status", label=_("Status"), accessor=_status_display, sort_key="status"),
            Column("waitlist_position", label=_("Waitlist position"), accessor=_waitlist_position_display),
            Column("source", label=_("Source"), accessor="get_source_display"),
            Column("attended", label=_("Attendance"), accessor=_attended_display),
            Column("submit_time", label=_("Registered"), sort_key="submit_time",
                   accessor=lambda r: timezone.localtime(r.submit_time).strftime("%d.%m.%Y %H:%M")),
        ]

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance),
                *registration_buttons(instance)]

    @cached_property
    def header_buttons(self):
        calls = services.calls_to_make().count()
        return [
            *super().header_buttons,
            HeaderButton(_("Workshops and sessions"), url=reverse("registrations:workshops"), icon_name="calendar",
                         priority=10),
            HeaderButton(_("To call (%(count)d)") % {"count": calls}, url=reverse("registrations:calls"),
                         icon_name="mobile-alt", priority=20),
        ]

    @cached_property
    def filtered_workshop(self):
        """The workshop the list is filtered to (by workshop or session), for the per-session tools."""
        if (session_pk := parse_id(self.request.GET.get("session", ""))) is not None:
            session = WorkshopSession.objects.filter(pk=session_pk).select_related("page").first()
            if session:
                return session.page
        if (page_pk := parse_id(self.request.GET.get("page", ""))) is not None:
            return WorkshopPage.objects.filter(pk=page_pk).first()
        return None

    def export_log_instance(self):
        return self.filtered_workshop or Page.get_first_root_node()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["bulk_actions"] = BULK_ACTIONS
        context["bulk_url"] = reverse("registrations:bulk")
        if workshop := self.filtered_workshop:
            context["tools_workshop"] = workshop
            context["tools_sessions"] = services.sessions_with_places(workshop)
        return context


class RegistrationInspectView(InspectView):
    """One person's registration: their data, answers to the extra questions, waitlist position, history
    and the actions staff take on it."""

    template_name = "forms/workshops/admin/registration_inspect.html"
    field_labels = {"page": gettext_lazy("Workshop")}

    def get_object(self, queryset=None):
        return get_object_or_404(Registration.objects.select_related("session", "session__page"), pk=self.pk)

    def get_field_label(self, field_name, field):
        if field_name in self.field_labels:
            return self.field_labels[field_name]
        if field_name == "waitlist_position":
            return _("Waitlist position")
        return super().get_field_label(field_name, field)

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None or value == "" else value

    def get_page_display_value(self):
        return self.object.session.page.title

    def get_session_display_value(self):
        return _session_label(self.object.session)

    def get_attended_display_value(self):
        return _attended_display(self.object)

    def get_waitlist_position_display_value(self):
        return self.object.waitlist_position() if self.object.status == Status.WAITLISTED else None

    def get_call_reason_display_value(self):
        if not self.object.call_requested_at:
            return None
        state = _("call made") if self.object.call_made_at else _("to call")
        return f"{self.object.get_call_reason_display()} ({state})"

    @cached_property
    def header_more_buttons(self):
        return [
            *registration_buttons(self.object),
            Button(_("History"), url=reverse("registrations:history", args=[self.object.pk]), icon_name="history",
                   priority=60),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["answers"] = self.object.labelled_answers()
        context["log_entries"] = (log_registry.get_logs_for_instance(self.object)
                                  .select_related("user").order_by("-timestamp", "-pk")[:20])
        context["history_url"] = reverse("registrations:history", args=[self.object.pk])
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
    inspect_view_class = RegistrationInspectView
    history_view_class = RegistrationHistoryView
    filterset_class = RegistrationFilterSet
    search_fields = ["full_name", "email", "phone"]
    search_backend_name = None
    ordering = ["-submit_time"]
    list_export = LIST_EXPORT
    export_filename = "rejestracje"
    inspect_view_enabled = True
    inspect_view_fields = [
        "page", "session", "full_name", "email", "phone", "status", "waitlist_position", "offer_expires_at",
        "source", "attended", "call_reason", "submit_time", "status_changed_at", "promoted_at", "cancelled_at",
        "anonymised_at",
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
            path("<int:pk>/resend/", resend_confirmation, name="resend"),
            path("<int:pk>/accept-offer/", accept_offer, name="accept_offer"),
            path("calls/", calls_to_make, name="calls"),
            path("sessions/<int:session_id>/attendance/", attendance_list, name="attendance_list"),
            path("sessions/<int:session_id>/cancel/", cancel_session, name="cancel_session"),
            path("workshops/<int:page_id>/cancel/", cancel_workshop, name="cancel_workshop"),
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
        # Cancelled sessions too (marked), unlike the public page.
        page.session_list = set_places_left(list(page.sessions.with_places().order_by("sort_order", "starts_at")))
        page.has_open_sessions = any(not session.is_cancelled for session in page.session_list)
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
    form_class = staff_registration_form_class(page)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, page=page)
        if form.is_valid():
            data = form.cleaned_data
            with transaction.atomic():
                try:
                    outcomes = services.register(
                        page, sessions=data["sessions"], full_name=data["full_name"],
                        email=form.email_or_empty(), phone=data["phone"],
                        form_data={**form.extra_data(), "staff_channel": data["channel"]},
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
        form = form_class(page=page)
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


def _render_cancel_sessions(request, form, *, workshop, sessions, whole_workshop, status=200):
    people = sum(session.confirmed_count + session.waitlisted_count for session in sessions)
    return _render(request, "forms/workshops/admin/cancel_sessions.html", {
        "page_title": _("Cancel the workshop") if whole_workshop else _("Cancel a session"),
        "page_subtitle": workshop.title if whole_workshop else sessions[0].title,
        "whole_workshop": whole_workshop, "header_icon": "cross", "form": form, "workshop": workshop,
        "sessions": sessions, "people": people, "back_url": reverse("registrations:workshops"),
    }, status=status)


@personal_data_view
def cancel_session(request, session_id):
    """Staff cancel one session with a reason: everyone registered is told (calendar CANCEL)."""
    session = get_object_or_404(WorkshopSession.objects.select_related("page"), pk=session_id, cancelled_at=None)
    sessions = set_places_left(list(WorkshopSession.objects.filter(pk=session.pk).with_places()))
    form = CancelSessionsForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _render_cancel_sessions(request, form, workshop=session.page, sessions=sessions,
                                           whole_workshop=False, status=400)
        outcome = services.cancel_session(session, reason=form.cleaned_data["reason"])
        log(session, SESSION_CANCEL_ACTION, user=request.user, data={
            "session": session.title, "reason": form.cleaned_data["reason"],
            "registrations": len(outcome.cancelled_registrations)})
        messages.success(request, _("The session “%(session)s” has been cancelled; people notified: %(count)d.") % {
            "session": session.title, "count": len(outcome.cancelled_registrations)})
        return redirect("registrations:workshops")
    return _render_cancel_sessions(request, form, workshop=session.page, sessions=sessions, whole_workshop=False)


@personal_data_view
def cancel_workshop(request, page_id):
    """Staff cancel every remaining session of a workshop with one reason."""
    page = get_object_or_404(WorkshopPage, pk=page_id)
    sessions = set_places_left(list(page.sessions.not_cancelled().with_places().order_by("sort_order", "starts_at")))
    if not sessions:
        raise Http404
    form = CancelSessionsForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _render_cancel_sessions(request, form, workshop=page, sessions=sessions, whole_workshop=True,
                                           status=400)
        outcomes = services.cancel_workshop(page, reason=form.cleaned_data["reason"])
        told = sum(len(outcome.cancelled_registrations) for outcome in outcomes)
        log(page, WORKSHOP_CANCEL_ACTION, user=request.user, data={
            "reason": form.cleaned_data["reason"], "sessions": len(outcomes), "registrations": told})
        messages.success(request, _("The workshop “%(workshop)s” has been cancelled; people notified: %(count)d.") % {
            "workshop": page.title, "count": told})
        return redirect("registrations:workshops")
    return _render_cancel_sessions(request, form, workshop=page, sessions=sessions, whole_workshop=True)


@personal_data_view
def resend_confirmation(request, pk):
    registration = _registration(pk)
    if registration.status == Status.CANCELLED or not registration.email:
        raise Http404
    if request.method == "POST":
        if services.resend_confirmation(registration):
            log(registration, RESEND_ACTION, user=request.user, data={"status": registration.status})
            messages.success(request, _("The confirmation for %(name)s will be sent again.") % {
                "name": registration.full_name})
        return redirect(_next_url(request, reverse("registrations:inspect", args=[registration.pk])))
    return _render(request, "forms/workshops/admin/resend_confirmation.html", {
        "page_title": _("Resend confirmation"), "page_subtitle": registration.full_name, "header_icon": "mail",
        "registration": registration, "next": _next_url(request, ""),
    })


@personal_data_view
def accept_offer(request, pk):
    """Staff confirm the place offered to a person who said yes by phone (or cannot use the link)."""
    registration = _registration(pk)
    if request.method == "POST":
        try:
            registration = services.accept_offer(registration)
        except OfferNotOpen:
            messages.error(request, _("The place is no longer offered to this person: the time to accept it has "
                                      "passed, the registration has left the waiting list or the session has started."))
        else:
            log(registration, ACCEPT_OFFER_ACTION, user=request.user)
            # The person said yes on the phone: that call is made.
            services.mark_call_made(registration, request.user)
            messages.success(request, _("%(name)s has a confirmed place in “%(session)s”.") % {
                "name": registration.full_name, "session": registration.session.title})
        return redirect(_next_url(request, reverse("registrations:inspect", args=[registration.pk])))
    if not registration.has_open_offer:
        raise Http404
    return _render(request, "forms/workshops/admin/accept_offer.html", {
        "page_title": _("Accept the place on their behalf"), "page_subtitle": registration.full_name,
        "header_icon": "tick", "registration": registration, "next": _next_url(request, ""),
    })


@personal_data_view
def calls_to_make(request):
    """People staff have to phone (no e-mail address reaches them); a call made clears the task."""
    if request.method == "POST":
        registration = get_object_or_404(Registration, pk=parse_id(request.POST.get("registration", "")) or 0)
        if services.mark_call_made(registration, request.user):
            messages.success(request, _("Call to %(name)s marked as made.") % {"name": registration.full_name})
        return redirect("registrations:calls")
    return _render(request, "forms/workshops/admin/calls_to_make.html", {
        "page_title": _("People to call"), "header_icon": "mobile-alt",
        "calls": list(services.calls_to_make().select_related("session__page")),
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
    registrations = list(Registration.objects.filter(pk__in=ids).select_related("session", "session__page"))
    if action == "cancel":
        if request.POST.get("confirmed") != "yes":
            # Cancelling mails people and promotes waiters: staff first see exactly who.
            return _render(request, "forms/workshops/admin/bulk_cancel_confirm.html", {
                "page_title": _("Cancel registrations"), "header_icon": "cross",
                "preview": services.preview_cancellation(registrations), "next": back,
            })
        outcomes = services.cancel_many(registrations, by_staff=True)
        for outcome in outcomes:
            log(outcome.registration, CANCEL_ACTION, user=request.user, data={
                "session": outcome.registration.session.title, "bulk": True,
                "promoted": outcome.promoted.pk if outcome.promoted else None,
            })
        messages.success(request, _("Registrations cancelled: %(count)d.") % {"count": len(outcomes)})
        promoted = [outcome.promoted for outcome in outcomes if outcome.promoted]
        if promoted:
            messages.info(request, _("Promoted from the waitlist: %(names)s.") % {
                "names": ", ".join(registration.full_name for registration in promoted)})
        return redirect(back)
    attended = {"attended": True, "absent": False, "clear": None}[action]
    outcome = services.mark_attendance(registrations, attended)
    changed_ids = {r.pk for r in registrations} - {r.pk for r in (*outcome.not_confirmed, *outcome.too_early)}
    for registration in registrations:
        if registration.pk in changed_ids and (attended is not None or registration.attended is not None):
            log(registration, ATTENDANCE_ACTION, user=request.user, data={"attended": attended})
    messages.success(request, _("Attendance updated: %(count)d.") % {"count": outcome.changed})
    if outcome.not_confirmed:
        messages.warning(request, _("%(count)d selected people have no confirmed place; their attendance was not "
                                    "marked.") % {"count": len(outcome.not_confirmed)})
    if outcome.too_early:
        messages.warning(request, _("%(count)d selected people are registered for a session that has not come yet; "
                                    "attendance can be marked from the day of the session.")
                         % {"count": len(outcome.too_early)})
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
    actions.register_action(SESSION_CANCEL_ACTION, _("Cancel session"), _("Session cancelled by staff"))
    actions.register_action(WORKSHOP_CANCEL_ACTION, _("Cancel workshop"), _("Workshop cancelled by staff"))
    actions.register_action(RESEND_ACTION, _("Resend confirmation"), _("Confirmation sent again"))
    actions.register_action(ACCEPT_OFFER_ACTION, _("Accept the place on their behalf"),
                            _("Offered place accepted by staff"))
    actions.register_action(services.CALL_MADE_ACTION, _("Mark call made"), _("The person was phoned"))
    actions.register_action(views.CHECK_IN_ACTION, _("Check in"), _("Checked in at the door"))
    actions.register_action(views.UNDO_CHECK_IN_ACTION, _("Undo check-in"), _("Check-in at the door taken back"))
    actions.register_action(views.WALK_IN_ACTION, _("Walk-in registration"),
                            _("Registered at the door and checked in"))


@hooks.register("register_page_header_buttons")
def workshop_registrations_buttons(page, user, view_name, next_url=None):
    """The workshop's registrations and the staff sign-up, from the page's header menu (form
    administrators only: both show personal data)."""
    if not issubclass(page.specific_class or type(page), WorkshopPage):
        return
    if not registration_policy.user_has_permission(user, "view"):
        return
    yield Button(_("Registrations and per-session tools"), url=_list_url(page=page.pk), icon_name="list-ul",
                 priority=75)
    yield Button(_("Add a registration"), url=reverse("registrations:add_staff", args=[page.pk]), icon_name="plus",
                 priority=76)


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_registrations(request, page):
    # Registrations are kept for the record; deleting their page (or a section above it) would lose them.
    if services.page_tree_has_registrations(page):
        messages.error(request, services.PAGE_HAS_REGISTRATIONS_MESSAGE)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None
