"""The workshop page's form and result, self-service cancellation, the "Moje zgłoszenie" page of a
submission and the door check-in screen of the admin: thin, the service decides."""

from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.decorators.http import require_POST
from wagtail.contrib.forms.models import FormMixin
from wagtail.log_actions import log

from ..abuse import check_post, protect_form_post
from ..privacy.permissions import personal_data_view
from . import fragments, services
from .exceptions import (
    CheckInRefused,
    InvalidCancellationLink,
    InvalidSubmissionLink,
    NothingToRegister,
    OfferNotOpen,
    RegistrationClosed,
    SessionStarted,
)
from .forms import WalkInForm
from .models import Registration, WorkshopSession
from .tokens import check_in_qr_svg


def add_sessions_to_context(page, request, context):
    """The page's sessions with places left, counted now, and whether registration is open."""
    context["sessions"] = services.sessions_with_places(page)
    context["registration_open"] = page.registration_is_open()
    fragments.remember_sessions(request, page, context["sessions"])
    return context


def pending_session_changes(page):
    """For the editor's panel (``models.SessionChangesPanel``): what publishing the draft would announce."""
    return services.pending_session_changes(page)


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
    # Redirect (303) to a result page that can be reloaded and bookmarked; its signed address holds only
    # what this answer may show: the chosen sessions, those refused and why (when not for lack of places).
    refused = [outcome for outcome in outcomes if outcome.refused]
    token = services.result_token(
        page, [outcome.session.pk for outcome in outcomes], [outcome.session.pk for outcome in refused],
        {o.session.pk: o.message for o in refused if o.message and str(o.message) != str(services.FULL_MESSAGE)},
    )
    return HttpResponseRedirect(reverse("strategy_forms:registration_result", args=[token]), status=303)


def _render_form(page, request, form, status=200):
    context = page.get_context(request)
    context["form"] = form
    return TemplateResponse(request, page.get_template(request), context, status=status)


def render_landing_page(page, request, outcomes=None, *args, **kwargs):
    """Each session's outcome, the same for a new and a known address (also the editor's "landing" preview)."""
    response = FormMixin.render_landing_page(page, request, outcomes, *args, **kwargs)
    # No cancellation link, no status: they are in the message, which only the address's owner reads.
    response.context_data["outcomes"] = list(outcomes or [])
    return response


def registration_result(request, token):
    """The result page the form post redirects to: reloading or bookmarking it re-sends nothing."""
    try:
        page, session_ids, refused_ids, reasons = services.result_from_token(token)
    except InvalidSubmissionLink as exc:
        return TemplateResponse(request, "forms/workshops/submission.html", {"invalid_message": exc.message},
                                status=404)
    page = page.specific
    sessions = {session.pk: session for session in page.sessions.filter(pk__in=session_ids)}
    outcomes = [
        SimpleNamespace(session=sessions[pk], refused=pk in refused_ids,
                        message=reasons.get(pk, services.FULL_MESSAGE))
        for pk in session_ids if pk in sessions
    ]
    response = render_landing_page(page, request, sorted(outcomes, key=lambda o: (o.session.starts_at, o.session.pk)))
    response["X-Robots-Tag"] = "noindex"
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


class AcceptOfferView(View):
    """The link of an offer mail: GET shows the offered place and its deadline (mail scanners prefetch
    links, so GET never accepts); POST accepts it (``services.accept_offer``)."""

    template_name = "forms/workshops/accept_offer.html"

    def get(self, request, token):
        registration = self._registration(token)
        if registration is None:
            return self._render(request, status=404, error=InvalidSubmissionLink.message)
        if registration.status == Registration.Status.CONFIRMED:
            return self._render(request, registration=registration, accepted=True)
        if not registration.has_open_offer or registration.offer_expires_at <= timezone.now():
            return self._render(request, status=410, registration=registration, error=OfferNotOpen.message)
        return self._render(request, registration=registration)

    def post(self, request, token):
        registration = self._registration(token)
        if registration is None:
            return self._render(request, status=404, error=InvalidSubmissionLink.message)
        refused = check_post(registration.session.page, request)
        if refused is not None:
            return refused
        if registration.status == Registration.Status.CONFIRMED:
            return self._render(request, registration=registration, accepted=True)
        try:
            registration = services.accept_offer(registration)
        except OfferNotOpen as exc:
            return self._render(request, status=410, registration=registration, error=exc.message)
        return self._render(request, registration=registration, accepted=True, just_accepted=True)

    @staticmethod
    def _registration(token):
        try:
            return services.registration_from_offer_token(token)
        except InvalidSubmissionLink:
            return None

    def _render(self, request, status=200, **context):
        registration = context.get("registration")
        if context.get("accepted") and registration.check_in_code:
            context["check_in_qr"] = check_in_qr_svg(registration)
        if registration is not None and registration.submission_id:
            context["submission_token"] = services.submission_token(registration.submission)
        return _private(TemplateResponse(request, self.template_name, context, status=status))


def _private(response):
    """A page with personal data behind a secret link: never cached by shared caches, never indexed."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"  # the signed address never leaves the site
    return response


class SubmissionView(View):
    """ "Moje zgłoszenie": every session of one submission with its state; cancel one or all, register
    again (a place or the waitlist), re-send the confirmation. Only the holder of the signed link gets
    here. Each action is a POST (CSRF, rate-limited like the forms) that redirects back (303)."""

    template_name = "forms/workshops/submission.html"

    def get(self, request, token):
        submission = self._submission(token)
        if submission is None:
            return self._invalid(request)
        return self._render(request, submission, token)

    def post(self, request, token):
        submission = self._submission(token)
        if submission is None:
            return self._invalid(request)
        refused = check_post(submission.page, request)
        if refused is not None:
            return refused
        action = request.POST.get("action", "")
        try:
            text = self._act(submission, action, request.POST)
        except (SessionStarted, NothingToRegister, RegistrationClosed, OfferNotOpen) as exc:
            messages.error(request, exc.message)
            return self._render(request, submission, token, status=409)
        except (InvalidSubmissionLink, ValueError):
            messages.error(request, _("This action is not possible for this registration."))
            return self._render(request, submission, token, status=400)
        messages.success(request, text)
        return HttpResponseRedirect(reverse("strategy_forms:submission", args=[token]), status=303)

    @staticmethod
    def _act(submission, action, data):
        if action == "cancel":
            outcome = services.cancel_in_submission(submission, int(data.get("registration", "")))
            if outcome.already_cancelled:
                return _("This registration had already been cancelled.")
            return _("Cancelled: %(session)s.") % {"session": outcome.registration.session.title}
        if action == "cancel_all":
            count = len(services.cancel_submission(submission))
            return ngettext("%(count)d registration cancelled.", "%(count)d registrations cancelled.", count) % {
                "count": count}
        if action == "register_again":
            outcome = services.register_again(submission, int(data.get("session", "")))
            if outcome.confirmed:
                return _("Registered again: %(session)s. Your place is confirmed.") % {"session": outcome.session.title}
            if outcome.waitlisted:
                return _("%(session)s: you are on the waiting list, at position %(position)d.") % {
                    "session": outcome.session.title, "position": outcome.waitlist_position}
            raise NothingToRegister(outcome.message or None)
        if action == "accept_offer":
            registration = services.accept_offer_in_submission(submission, int(data.get("registration", "")))
            return _("The place is yours: %(session)s. Your place is confirmed.") % {
                "session": registration.session.title}
        if action == "resend":
            services.resend_submission_confirmation(submission)
            return _("We are sending the confirmation to your e-mail address again.")
        raise ValueError(action)

    @staticmethod
    def _submission(token):
        try:
            return services.submission_from_token(token)
        except InvalidSubmissionLink:
            return None

    def _render(self, request, submission, token, status=200):
        page = submission.page.specific
        rows = services.submission_sessions(submission)
        for row in rows:
            # The door check-in code of each confirmed place, as text and as a QR code.
            confirmed = row.state == "confirmed" and row.registration.check_in_code
            row.check_in_qr = check_in_qr_svg(row.registration) if confirmed else ""
        person = next((row.registration for row in reversed(rows) if row.registration is not None), None)
        context = {"submission": submission, "page": page, "rows": rows, "person": person, "token": token,
                   "has_active": any(row.active for row in rows),
                   "has_confirmed": any(row.state == "confirmed" for row in rows)}
        return _private(TemplateResponse(request, self.template_name, context, status=status))

    def _invalid(self, request):
        return TemplateResponse(request, self.template_name, {"invalid_message": InvalidSubmissionLink.message},
                                status=404)


def submission_calendar(request, token):
    """The calendar file of the submission's confirmed sessions."""
    try:
        submission = services.submission_from_token(token)
    except InvalidSubmissionLink:
        return TemplateResponse(request, SubmissionView.template_name,
                                {"invalid_message": InvalidSubmissionLink.message}, status=404)
    response = HttpResponse(services.submission_calendar(submission),
                            content_type='text/calendar; charset="utf-8"; method=PUBLISH')
    response["Content-Disposition"] = 'attachment; filename="warsztaty.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
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
