"""Security of the admin sessions and the response headers of every page (issue 13).

``PersonalDataSessionMiddleware``: accounts that may see personal data (form administrators,
superusers) get a session that ends when the browser closes and at the latest
``PERSONAL_DATA_SESSION_SECONDS`` after the login; other accounts keep Django's default.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SESSION_KEY = "personal_data_login_at"
PERSONAL_DATA_PERMISSION = "strategy_forms.view_personal_data"


def has_personal_data_access(user):
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(PERSONAL_DATA_PERMISSION))


@receiver(user_logged_in, dispatch_uid="cms.security.short_personal_data_sessions")
def shorten_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session") or not has_personal_data_access(user):
        return
    request.session.set_expiry(0)  # the cookie ends with the browser
    request.session[SESSION_KEY] = int(time.time())


class PersonalDataSessionMiddleware:
    """Ends a personal-data account's session ``PERSONAL_DATA_SESSION_SECONDS`` after its login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if (session is not None and user is not None and user.is_authenticated and SESSION_KEY not in session
                and has_personal_data_access(user)):
            # Logged in before the login hook ran, or given the permission since: shorten it now.
            session.set_expiry(0)
            session[SESSION_KEY] = int(time.time())
        if session is not None and session.get(SESSION_KEY) is not None:
            limit = getattr(settings, "PERSONAL_DATA_SESSION_SECONDS", 8 * 3600)
            if time.time() - session[SESSION_KEY] > limit:
                logout(request)
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # After the view: a login view's "remember me" must not make such a session outlive the browser.
        if session is not None and session.get(SESSION_KEY) is not None and not session.get_expire_at_browser_close():
            session.set_expiry(0)
        return response
