"""The workshop page's form and result, and self-service cancellation: thin, the service decides."""

from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from django.views import View
from wagtail.contrib.forms.models import FormMixin

from ..abuse import protect_form_post
from . import fragments, services
from .exceptions import InvalidCancellationLink, RegistrationClosed, SessionStarted


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
        return TemplateResponse(request, self.template_name, context, status=status)

    def _invalid(self, request):
        return self._render(request, status=404, invalid_message=InvalidCancellationLink.message)
