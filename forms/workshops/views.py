"""The workshop page's form and result, self-service cancellation and the door check-in screen of the
admin: thin, the service decides."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from wagtail.contrib.forms.models import FormMixin
from wagtail.log_actions import log

from ..abuse import protect_form_post
from ..privacy.permissions import personal_data_view
from . import fragments, services
from .exceptions import CheckInRefused, InvalidCancellationLink, RegistrationClosed, SessionStarted
from .forms import WalkInForm
from .models import Registration, WorkshopSession
from .tokens import check_in_qr_svg


def add_sessions_to_context(page, request, context):
    """The page's sessions with places left, counted now, and whether registration is open."""
    context["sessions"] = services.sessions_with_places(page)
    context["registration_open"] = page.registration_is_open()
    fragments.remember_sessions(request, page, context["sessions"])
    return context


@protect_form_post
def serve_workshop_page(page, request, *args, **kwargs):
    """Show the form, or register the person through the service and list each session's outcome.

    Statuses: 400 for an invalid form, 409 for a post outside the registration
    window or when every chosen session was refused (e.g. already registered).
    """
    if request.method != "POST":
        # Built only if rendered: the blank form is usually part of cached content.
        return _render_form(page, request, SimpleLazyObject(lambda: page.get_form(page=page, user=request.user)))
    form = page.get_form(request.POST, page=page, user=request.user)
    if not page.registration_is_open():
        form.add_error(None, RegistrationClosed.message)
        return _render_form(page, request, form, status=409)
    if not form.is_valid():
        return _render_form(page, request, form, status=400)
    try:
        outcomes = services.register(
            page,
            sessions=form.cleaned_data["sessions"],
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data.get("phone", ""),
            form_data=form.extra_data(),
        )
    except RegistrationClosed as exc:
        form.add_error(None, exc.message)
        return _render_form(page, request, form, status=409)
    # Every outcome but a refusal for lack of places (which anybody would get) is answered alike:
    # "we sent a message to this address" — the page never tells whether the address was registered.
    if all(outcome.refused for outcome in outcomes):
        for outcome in outcomes:
            form.add_error(None, f"{outcome.session.title}: {outcome.message}")
        return _render_form(page, request, form, status=409)
    return render_landing_page(page, request, outcomes, *args, email=services.normalise_email(
        form.cleaned_data["email"]), **kwargs)


def _render_form(page, request, form, status=200):
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, page.get_template(request), context, status=status)


def render_landing_page(page, request, outcomes=None, *args, email="", **kwargs):
    """Each session's outcome with its cancellation link (also the editor's "landing" preview)."""
    response = FormMixin.render_landing_page(page, request, outcomes, *args, **kwargs)
    # No cancellation link, no status: they are in the message, which only the address's owner reads.
    response.context_data["outcomes"] = [(outcome, None) for outcome in outcomes or []]
    response.context_data["email"] = email
    return response


class CancelRegistrationView(View):
    """GET shows what would be cancelled (mail scanners prefetch links, so GET never cancels); POST cancels."""

    template_name = "forms/workshops/cancel_registration.html"

    def get(self, request, token):
        registration = self._registration(token)
        if registration is None:
            return self._invalid(request)
        if not registration.is_cancelled and services.session_has_started(registration.session):
            return self._render(request, status=410, registration=registration, started_message=SessionStarted.message)
        return self._render(request, registration=registration, already_cancelled=registration.is_cancelled)

    def post(self, request, token):
        registration = self._registration(token)
        if registration is None:
            return self._invalid(request)
        try:
            outcome = services.cancel(registration)
        except SessionStarted as exc:
            return self._render(request, status=410, registration=registration, started_message=exc.message)
        return self._render(
            request,
            registration=outcome.registration,
            already_cancelled=outcome.already_cancelled,
            just_cancelled=not outcome.already_cancelled,
        )

    @staticmethod
    def _registration(token):
        try:
            return services.registration_from_cancel_token(token)
        except InvalidCancellationLink:
            return None

    def _render(self, request, status=200, **context):
        registration = context.get("registration")
        if registration is not None and registration.status == Registration.Status.CONFIRMED and (
            registration.check_in_code and not context.get("started_message")
        ):
            context["check_in_qr"] = check_in_qr_svg(registration)
        return TemplateResponse(request, self.template_name, context, status=status)

    def _invalid(self, request):
        return self._render(request, status=404, invalid_message=InvalidCancellationLink.message)


# Check-in at the door (admin, form administrators) ------------------------------------------------

CHECK_IN_ACTION = "strategy_forms.registration_check_in"
UNDO_CHECK_IN_ACTION = "strategy_forms.registration_check_in_undo"
WALK_IN_ACTION = "strategy_forms.registration_walk_in"
# Sent by forms/static/forms/check-in.js: answer with the list fragment instead of the whole screen.
FRAGMENT_HEADER = "X-Check-In-Fragment"


def _door_session(session_id):
    return get_object_or_404(WorkshopSession.objects.select_related("page"), pk=session_id)


def _check_in_context(session, query):
    return {
        "session": session, "workshop": session.page, "query": query,
        "registrations": list(services.check_in_list(session, query)),
        "counts": services.check_in_counts(session),
    }


def _screen_url(session, query=""):
    url = reverse("registrations:check_in", args=[session.pk])
    return f"{url}?{urlencode({'q': query})}" if query else url


def _wants_fragment(request):
    return request.headers.get(FRAGMENT_HEADER) == "1"


def _fragment(request, session, query, status=200, notice=None, notice_level="success"):
    context = {**_check_in_context(session, query), "notice": notice, "notice_level": notice_level}
    return TemplateResponse(request, "forms/workshops/admin/check_in_results.html", context, status=status)


@personal_data_view
def check_in_screen(request, session_id):
    """The session's door: search by name or code as you type, check in with one tap, walk-ins."""
    session = _door_session(session_id)
    query = request.GET.get("q", "")[:100]
    if _wants_fragment(request):
        return _fragment(request, session, query)
    return TemplateResponse(request, "forms/workshops/admin/check_in.html", {
        **_check_in_context(session, query),
        "page_title": _("Check-in"), "page_subtitle": session.title,
        "header_icon": "tick", "walk_in_form": WalkInForm(),
    })


@personal_data_view
@require_POST
def check_in_registration(request, pk):
    """One tap: ``action`` "in" checks the person in, "undo" takes it back."""
    registration = get_object_or_404(Registration.objects.select_related("session__page"), pk=pk)
    session, query = registration.session, request.POST.get("q", "")[:100]
    undo = request.POST.get("action") == "undo"
    try:
        changed = services.undo_check_in(registration) if undo else services.check_in(registration)
    except CheckInRefused as exc:
        if _wants_fragment(request):
            return _fragment(request, session, query, status=409, notice=exc.message, notice_level="error")
        messages.error(request, exc.message)
        return redirect(_screen_url(session, query))
    if changed:
        log(registration, UNDO_CHECK_IN_ACTION if undo else CHECK_IN_ACTION, user=request.user,
            data={"session": session.title})
    text = (_("Check-in of %(name)s taken back.") if undo else _("%(name)s checked in.")) % {
        "name": registration.full_name}
    if _wants_fragment(request):
        return _fragment(request, session, query, notice=text)
    messages.success(request, text)
    return redirect(_screen_url(session, query))


@personal_data_view
@require_POST
def walk_in_registration(request, session_id):
    """A person at the door without a place: registered under the same capacity rules and checked in."""
    session = _door_session(session_id)
    form = WalkInForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.walk_in(session, full_name=data["full_name"], email=form.email_or_empty(),
                                            phone=data["phone"])
        except CheckInRefused as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            log(registration, WALK_IN_ACTION, user=request.user, data={"session": session.title})
            messages.success(request, _("%(name)s registered at the door and checked in.") % {
                "name": registration.full_name})
            return redirect(_screen_url(session))
    return TemplateResponse(request, "forms/workshops/admin/check_in.html", {
        **_check_in_context(session, ""),
        "page_title": _("Check-in"), "page_subtitle": session.title,
        "header_icon": "tick", "walk_in_form": form,
    }, status=status)


@personal_data_view
def check_in_by_code(request, code):
    """Where the QR code leads: that person on their session's check-in screen."""
    registration = services.registration_by_check_in_code(code)
    if registration is None:
        raise Http404(_("There is no registration with this code."))
    return redirect(_screen_url(registration.session, registration.check_in_code))
