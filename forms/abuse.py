"""Spam and abuse protection of every public form: a honeypot field and a per-client rate limit.

``protect_form_post`` wraps the ``serve`` of every form page. A POST is first counted against the
client's limit (``FORM_RATE_LIMIT``, "<posts>/<seconds>", in Django's cache), then checked for the
honeypot field; a refused post answers 429 or 400 with a readable page and stores nothing.

The client address is ``REMOTE_ADDR``, or, only when ``FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER`` names
the header the site's own reverse proxy sets (e.g. ``HTTP_X_FORWARDED_FOR``), the first address in
that header: a header anybody can send is never trusted by default.
"""

import hashlib
import math
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

DEFAULT_RATE_LIMIT = "10/600"
CACHE_PREFIX = "form-rate"

HONEYPOT_MESSAGE = _("The form could not be sent. If you are a person, please leave the last field empty and try "
                     "again, or contact the municipal office.")


def honeypot_field_name():
    return getattr(settings, "FORM_HONEYPOT_FIELD", "website")


def rate_limit():
    """(posts, seconds) from ``FORM_RATE_LIMIT``; (0, 0) switches the limit off."""
    text = str(getattr(settings, "FORM_RATE_LIMIT", DEFAULT_RATE_LIMIT) or "0/0")
    posts, _sep, seconds = text.partition("/")
    return int(posts or 0), int(seconds or 0)


def client_address(request):
    header = getattr(settings, "FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER", None)
    if header:
        forwarded = request.META.get(header, "")
        first = forwarded.split(",")[0].strip()
        if first:
            return first
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _cache_key(address, window_start):
    # Hashed: the cache must not hold clients' addresses in clear.
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"{CACHE_PREFIX}:{digest}:{window_start}"


def count_post(request, now=None):
    """Count one post of the client; returns the seconds to wait when over the limit, else 0."""
    posts, seconds = rate_limit()
    if posts <= 0 or seconds <= 0:
        return 0
    now = now if now is not None else time.time()
    window_start = int(now // seconds) * seconds
    key = _cache_key(client_address(request), window_start)
    if cache.add(key, 1, timeout=seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds + 1)
            count = 1
    if count > posts:
        return max(int(math.ceil(window_start + seconds - now)), 1)
    return 0


def honeypot_filled(request):
    return bool(request.POST.get(honeypot_field_name(), "").strip())


def refusal(request, page, *, status, message, retry_after=None):
    response = TemplateResponse(
        request, "forms/form_refused.html", {"page": page, "self": page, "message": message}, status=status
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def too_many_message(seconds):
    minutes = max(int(math.ceil(seconds / 60)), 1)
    return ngettext(
        "You have sent this form too many times in a short time. Please wait %(minutes)d minute and try again.",
        "You have sent this form too many times in a short time. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def check_post(page, request):
    """The refusal response for an abusive post, or None to go on."""
    wait = count_post(request)
    if wait:
        return refusal(request, page, status=429, message=too_many_message(wait), retry_after=wait)
    if honeypot_filled(request):
        return refusal(request, page, status=400, message=HONEYPOT_MESSAGE)
    return None


def protect_form_post(serve):
    """Decorator for a form page's ``serve(self, request, ...)``: refuse abusive posts before the form."""

    @wraps(serve)
    def protected(self, request, *args, **kwargs):
        if request.method == "POST":
            refused = check_post(self, request)
            if refused is not None:
                return refused
        return serve(self, request, *args, **kwargs)

    return protected
