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


# Content-Security-Policy ---------------------------------------------------------------------------
# The public pages load only their own scripts and styles (no inline code at all); embedded videos
# come from the usual providers. Wagtail 8's admin writes inline <script> blocks (inline panels, date
# and time pickers) and style attributes into its markup and has no nonces: there, inline scripts and
# styles are allowed, but still nothing from another origin, no plugins, no foreign form targets and
# no framing by other sites.
_COMMON = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}
EMBED_SOURCES = ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"]
PUBLIC_POLICY = {
    **_COMMON,
    "style-src": ["'self'"],
    "frame-src": ["'self'", *EMBED_SOURCES],
    "img-src": [*_COMMON["img-src"], "https://i.ytimg.com", "https://i.vimeocdn.com"],
}
ADMIN_POLICY = {
    **_COMMON,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    # The preview panel shows the page itself; embeds are previewed in the editor.
    "frame-src": ["'self'", *EMBED_SOURCES],
    "worker-src": ["'self'", "blob:"],
    "img-src": [*_COMMON["img-src"], "https://i.ytimg.com", "https://i.vimeocdn.com"],
}
ADMIN_PREFIXES = ("/admin/", "/django-admin/")

# Nothing on the site uses the camera, the microphone, the location or payments; nobody it embeds may.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in ("accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
                    "magnetometer", "microphone", "midi", "payment", "usb", "interest-cohort", "browsing-topics")
)


def render_policy(policy):
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response (also those answered from
    the page cache: this middleware sits above it). ``CSP_REPORT_ONLY`` sends the policy as
    ``Content-Security-Policy-Report-Only`` (to try a change); ``CSP_ENABLED = False`` turns it off."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.public = render_policy(PUBLIC_POLICY)
        self.admin = render_policy(ADMIN_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(settings, "CSP_ENABLED", True):
            return response
        header = "Content-Security-Policy-Report-Only" if getattr(settings, "CSP_REPORT_ONLY", False) else (
            "Content-Security-Policy")
        if header not in response:
            response[header] = self.admin if request.path.startswith(ADMIN_PREFIXES) else self.public
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
