"""Self-service cancellation through the signed link: thin, the service decides."""

from django.template.response import TemplateResponse
from django.views import View

from . import services
from .exceptions import InvalidCancellationLink


class CancelRegistrationView(View):
    """GET shows what would be cancelled (mail scanners prefetch links, so GET never cancels); POST cancels."""

    template_name = "forms/cancel_registration.html"

    def get(self, request, token):
        registration = self._registration(token)
        if registration is None:
            return self._invalid(request)
        return self._render(request, registration=registration, already_cancelled=registration.is_cancelled)

    def post(self, request, token):
        registration = self._registration(token)
        if registration is None:
            return self._invalid(request)
        outcome = services.cancel(registration)
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
