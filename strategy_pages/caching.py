"""Caching of the public site: whole pages for anonymous visitors, and fragments shared between pages.

One *generation* number, kept in Django's default cache, versions every entry. Anything that can change
what a public page shows — a page saved, published, unpublished, moved or deleted, the site settings,
a site, an image, a document, a tag or a view restriction — increments it (at once, and again when the
transaction commits), so every older entry is ignored from then on and expires by itself. Nothing
is deleted one by one, nothing can be forgotten: "clear the namespace", in one cache write.

Two settings switch the layers on (both need a cache shared by every web process — Redis through
``CACHE_URL`` — as soon as more than one process serves the site; they default to on only then):

``PAGE_CACHE_SECONDS``
    Rendered responses of the cacheable page types (``cache_anonymous_response = True``: home, news
    index and feeds, news, strategy pages) for GET requests without a session cookie. Served by
    ``PageCacheMiddleware`` before the rest of Django runs. Workshop and other form pages are never
    cached, and neither is any response that sets a cookie, used a CSRF token or is not a 200.
    Remaining places on cached pages are loaded fresh in the browser (``forms.fragments``).

``EDGE_CACHE_SECONDS``
    With the page cache on, responses it stores also carry ``X-Accel-Expires`` so that nginx's
    ``proxy_cache`` may keep them that long (default 0: no header, nothing kept in front).

``FRAGMENT_CACHE_SECONDS``
    The parts every page repeats (site lookup with its home page, site settings, main menu,
    breadcrumbs, latest news, feed links, whether any view restriction exists) for uncached pages.

Everything per person or per moment — places left, forms, messages, logged-in users — is never cached.
"""

import contextvars
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

GENERATION_KEY = "strategia:generation"
_PREFIX = "strategia"
# Query-string parameters the cacheable pages read (news index: page, tag); any other parameter
# bypasses the page cache, so random query strings cannot fill it.
PAGE_CACHE_QUERY_PARAMETERS = frozenset({"page", "tag"})
_NO_CACHE_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/_util/")


def page_cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def fragment_cache_seconds():
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)


# --- the generation -------------------------------------------------------------------------------

def _fresh_generation():
    # Time-based, so a generation key lost from the cache (evicted, restarted) never restarts at a
    # number whose entries may still be stored.
    return time.time_ns() // 1000  # microseconds: far ahead of any count of increments


def current_generation(request=None):
    """The generation, read once per request (remembered on ``request``)."""
    if request is not None and hasattr(request, "_strategia_generation"):
        return request._strategia_generation
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    if request is not None:
        request._strategia_generation = generation
    return generation


def _increment():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key is missing
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def invalidate(**kwargs):
    """Make every cached page and fragment stale (a signal receiver; any arguments are ignored).

    Incremented at once and again after the commit: a request that read the old rows during the
    transaction and stored them under the intermediate generation is outdated by the second step.
    """
    _increment()
    _forget_local()
    transaction.on_commit(_increment, robust=True)
    transaction.on_commit(_forget_local, robust=True)


# --- fragments --------------------------------------------------------------------------------------

def fragment_key(request, name, *parts):
    return ":".join([_PREFIX, "fragment", str(current_generation(request)), name, *map(str, parts)])


def cached_fragment(request, name, parts, build, max_seconds=None):
    """``build()``'s result, cached under the current generation when fragment caching is on."""
    seconds = fragment_cache_seconds()
    if seconds <= 0:
        return build()
    if max_seconds is not None:
        seconds = min(seconds, max_seconds)
    key = fragment_key(request, name, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, seconds)
    return value


# The request being served by this thread or task (set by ``PageCacheMiddleware``), for per-request
# answers asked for by code that has no request at hand (``Page.get_view_restrictions``).
_current_request = contextvars.ContextVar("strategia_request", default=None)


def current_request():
    return _current_request.get()


def site_has_view_restrictions(request=None):
    """Whether any page of any site is private: one query per request (none with the fragment cache
    on, once cached). True (the safe answer) outside a request."""
    request = request if request is not None else _current_request.get()
    if request is None:
        return True
    if hasattr(request, "_strategia_restrictions"):
        return request._strategia_restrictions

    def build():
        from wagtail.models import PageViewRestriction

        return PageViewRestriction.objects.exists()

    value = cached_fragment(request, "view-restrictions", (), build)
    request._strategia_restrictions = value
    return value


class SkipViewRestrictionsMixin:
    """Skips Wagtail's two view-restriction queries (ancestors, restrictions) of ``serve`` when the
    site has no restriction at all (``site_has_view_restrictions``: one query per request)."""

    def get_view_restrictions(self):
        if not site_has_view_restrictions():
            from wagtail.models import PageViewRestriction

            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


def public_pages(queryset, request=None):
    """``queryset.public()``, without its query of the view restrictions when the site has none."""
    return queryset.public() if site_has_view_restrictions(request) else queryset


def preload_site(request):
    """Set Wagtail's per-request site (``request._wagtail_site``) from the cache, with its home page
    already specific: routing then starts without the two queries for the site and its root page."""
    if fragment_cache_seconds() <= 0 or hasattr(request, "_wagtail_site"):
        return
    from wagtail.models import Site

    def build():
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page.specific  # noqa: B018 - loaded now so that it is cached with the site
        return (site,)

    host = request._get_raw_host()
    request._wagtail_site = cached_fragment(request, "site", (host, request.get_port()), build)[0]


# --- whole pages ------------------------------------------------------------------------------------

def _page_cache_key(request, host):
    return ":".join([_PREFIX, "page", host, request.get_full_path()])


def _may_use_page_cache(request):
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if "messages" in request.COOKIES:
        return False
    path = request.path_info
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL, *_NO_CACHE_PREFIXES)):
        return False
    return set(request.GET) <= PAGE_CACHE_QUERY_PARAMETERS


def response_will_be_cached(request):
    """Whether this request's response is meant for the page cache (a cacheable page, an anonymous GET):
    then nothing on it may be per person or per moment (see ``forms.fragments``)."""
    if request is None or not getattr(request, "_strategia_page_cache_key", None):
        return False
    route = getattr(request, "_wagtail_route_for_request", None)
    return bool(route) and getattr(route[0], "cache_anonymous_response", False)


# --- rendered page bodies (fragment cache, for pages the page cache does not answer) ------------------

LIVE_MARK = "<!--strategia-live:{name}:{argument}-->"
_LIVE_RENDERERS = {}


def register_live_fragment(name, render):
    """``render(request, argument)`` returns fresh HTML for a mark left in a cached body."""
    _LIVE_RENDERERS[name] = render


def live_fragment_mark(request, name, argument):
    """A mark to fill per request when this page's body is being rendered for the fragment cache,
    else None (render the live HTML in place)."""
    if getattr(request, "_strategia_body_cache", False):
        return LIVE_MARK.format(name=name, argument=argument)
    return None


def _fill_live_marks(request, content):
    for name, render in _LIVE_RENDERERS.items():
        start = f"<!--strategia-live:{name}:".encode()
        while (index := content.find(start)) != -1:
            end = content.index(b"-->", index)
            argument = content[index + len(start) : end].decode()
            content = content[:index] + render(request, argument).encode() + content[end + 3 :]
    return content


def serve_with_body_cache(page, request, serve):
    """Serve ``page`` with its rendered body kept in the fragment cache under the current generation.

    Only for the requests the page cache could answer (anonymous GET, known parameters); places and
    anything else registered as live are marks in the cached body, filled in fresh on every request.
    Wagtail's routing and view-restriction checks have run before, as for any page.
    """
    if fragment_cache_seconds() <= 0 or not _may_use_page_cache(request):
        return serve()
    mode = "deferred" if response_will_be_cached(request) else "live"
    key = fragment_key(request, "page-body", page.pk, mode, request.get_full_path())
    entry = cache.get(key)
    if entry is None:
        request._strategia_body_cache = True
        try:
            response = serve()
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        finally:
            request._strategia_body_cache = False
        if not _may_store(request, response, check_route=False):
            response.content = _fill_live_marks(request, response.content)
            return response
        entry = (response.status_code, response["Content-Type"], response.content)
        cache.set(key, entry, fragment_cache_seconds())
    status, content_type, content = entry
    return HttpResponse(_fill_live_marks(request, content), status=status, content_type=content_type)


def _may_store(request, response, check_route=True):
    route = getattr(request, "_wagtail_route_for_request", None)
    if check_route and (not route or not getattr(route[0], "cache_anonymous_response", False)):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False  # the page holds a CSRF token: it belongs to one visitor
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


# Each process keeps the hottest cached pages and the generation it last read for at most
# PAGE_CACHE_LOCAL_SECONDS (default 1 s): a page cache hit then needs no round trip to Redis at all.
# Other processes see a new generation after at most that long; this one at once.
_local = {"generation": None, "read_at": 0.0, "entries": {}}
_LOCAL_ENTRIES = 256


def _forget_local():
    _local.update(generation=None, read_at=0.0, entries={})


def _lookup(key):
    """The stored entry for ``key`` if it belongs to the current generation, and that generation."""
    local_seconds = getattr(settings, "PAGE_CACHE_LOCAL_SECONDS", 1)
    now = time.monotonic()
    if local_seconds > 0 and _local["generation"] is not None and now - _local["read_at"] < local_seconds:
        generation = _local["generation"]
        entry = _local["entries"].get(key)
        if entry is not None and entry[0] == generation:
            return entry, generation
        entry = cache.get(key)
    else:
        found = cache.get_many([GENERATION_KEY, key])
        generation, entry = found.get(GENERATION_KEY), found.get(key)
        if local_seconds > 0 and generation is not None:
            if generation != _local["generation"]:
                _local["entries"] = {}
            _local.update(generation=generation, read_at=now)
    if entry is None or entry[0] != generation:
        return None, generation
    if local_seconds > 0:
        if len(_local["entries"]) >= _LOCAL_ENTRIES:
            _local["entries"] = {}
        _local["entries"][key] = entry
    return entry, generation


class PageCacheMiddleware:
    """Serves cached anonymous responses of the cacheable page types (``PAGE_CACHE_SECONDS``), and
    preloads the request's Wagtail site from the fragment cache (``FRAGMENT_CACHE_SECONDS``).

    Goes right after ``SecurityMiddleware`` and WhiteNoise: HTTPS redirects and static files happen
    first, the security headers are added to cached responses too, and a cache hit costs one cache
    round trip (the generation and the page in one ``get_many``), or none for the pages this process
    served in the last second (``PAGE_CACHE_LOCAL_SECONDS``), and none of the other middleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self._serve(request)
        finally:
            _current_request.reset(token)

    def _serve(self, request):
        seconds = page_cache_seconds()
        key = None
        if seconds > 0 and _may_use_page_cache(request):
            host = request.get_host()
            key = _page_cache_key(request, host)
            request._strategia_page_cache_key = key
            entry, generation = _lookup(key)
            if entry is not None:
                return _response_from(entry)
            if generation is not None:
                request._strategia_generation = generation
        preload_site(request)
        response = self.get_response(request)
        if key is not None and _may_store(request, response):
            if edge_seconds := getattr(settings, "EDGE_CACHE_SECONDS", 0):
                # nginx's proxy_cache keeps only what carries this header (docs/deployment.md).
                response["X-Accel-Expires"] = str(edge_seconds)
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            entry = (current_generation(request), response.status_code, headers, response.content)
            cache.set(key, entry, seconds)
        return response


def _response_from(entry):
    _generation, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


# --- what invalidates ---------------------------------------------------------------------------------

_watched_models = None


def _invalidate_for_instance(sender, instance, **kwargs):
    global _watched_models
    if _watched_models is None:
        from taggit.models import Tag
        from wagtail.documents import get_document_model
        from wagtail.images import get_image_model
        from wagtail.models import Page, PageViewRestriction, Site

        from .models import SiteSettings

        _watched_models = (Page, Site, SiteSettings, PageViewRestriction, Tag, get_image_model(), get_document_model())
    if isinstance(instance, _watched_models):
        invalidate()


def connect_signals():
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(invalidate, dispatch_uid=f"strategia-cache-{id(signal)}")
    post_save.connect(_invalidate_for_instance, dispatch_uid="strategia-cache-post-save")
    post_delete.connect(_invalidate_for_instance, dispatch_uid="strategia-cache-post-delete")
