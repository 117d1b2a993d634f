"""Spam and abuse protection of every public form: a honeypot field and a per-client rate limit.

``protect_form_post`` wraps the ``serve`` of every form page. A POST is first counted against the
client's limit (``FORM_RATE_LIMIT``, "<posts>/<seconds>"), then checked for the honeypot field; a
refused post answers 429 or 400 with a readable page and stores nothing.

Where the posts are counted (``FORM_RATE_LIMIT_STORE``): "database" (the default without ``CACHE_URL``)
counts in a table every web process shares (``forms.counters``), "cache" in Django's cache — Redis in
production (``CACHE_URL``), where ``incr`` is atomic and shared by every process and machine. A
per-process memory cache is never used: each gunicorn worker would have its own bucket.

The client address (``client_address``, also used by the login lock-out) is ``REMOTE_ADDR``, or,
only when ``FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER`` names the header the site's own reverse proxies
append to (``HTTP_X_FORWARDED_FOR`` with nginx's ``$proxy_add_x_forwarded_for``), the address the
outermost trusted proxy appended: counted ``FORM_RATE_LIMIT_TRUSTED_PROXY_COUNT`` entries from the
right. Everything left of it was sent by the client and is never believed.
"""

import hashlib
import ipaddress
import math
import time
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.core.cache import caches
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


def _valid_address(text):
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def trusted_proxy_count():
    return max(int(getattr(settings, "FORM_RATE_LIMIT_TRUSTED_PROXY_COUNT", 1) or 1), 1)


def client_address(request):
    """The address of the client: the one the outermost trusted proxy appended, else ``REMOTE_ADDR``.

    With N trusted proxies each appending the address it was connected from, the N-th entry from the
    right is the client as the first of them saw it; entries further left came from the client. A
    header with fewer entries (a request that bypassed the proxies) or an entry that is not an
    address falls back to the connection's address."""
    header = getattr(settings, "FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER", None)
    if header:
        entries = [entry.strip() for entry in request.META.get(header, "").split(",") if entry.strip()]
        hops = trusted_proxy_count()
        if len(entries) >= hops:
            address = _valid_address(entries[-hops])
            if address:
                return address
    # None without a valid address (e.g. a request made in code): django-axes stores it in an IP column.
    return _valid_address(request.META.get("REMOTE_ADDR", ""))


def rate_limit_store():
    """"database" or "cache" (``FORM_RATE_LIMIT_STORE``; by default "cache" only with a shared ``CACHE_URL``)."""
    return getattr(settings, "FORM_RATE_LIMIT_STORE", None) or "database"


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
    key = _cache_key(client_address(request) or "unknown", window_start)
    if rate_limit_store() == "cache":
        count = _count_in_cache(key, seconds)
    else:
        from .counters import increment

        expires_at = datetime.fromtimestamp(window_start + seconds + 1, tz=UTC)
        count = increment(key, expires_at)
    if count > posts:
        return max(int(math.ceil(window_start + seconds - now)), 1)
    return 0


def _count_in_cache(key, seconds):
    cache = caches[getattr(settings, "FORM_RATE_LIMIT_CACHE", "default")]
    if cache.add(key, 1, timeout=seconds + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        return 1


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
