"""Caching of the public site: whole pages for anonymous visitors, and fragments shared between pages.

One *generation* number versions every entry. Anything that can change what a public page shows — a
page saved, published, unpublished, moved or deleted, the site settings, a site, an image, a document,
a tag or a view restriction — increments it in the same database transaction, so every older entry is
ignored from the commit on and expires by itself. Nothing is deleted one by one, nothing can be
forgotten: "clear the namespace", in one row update.

The generation lives in the database (``CacheGeneration``), not in the cache, so the layers are correct
with any cache backend: Redis shared by every process (``CACHE_URL``), or each process's own memory
(the default). A process reads it at most once per ``PAGE_CACHE_LOCAL_SECONDS`` (default 1 s), so
other processes see a change within that time; the process that made it, at once.

``PAGE_CACHE_SECONDS`` (default 300)
    Rendered responses of the cacheable page types (``cache_anonymous_response = True``: home, news
    index and feeds, news, strategy pages) for GET requests without a session cookie. Served by
    ``PageCacheMiddleware`` before the rest of Django runs. Workshop and other form pages are never
    cached, and neither is any response that sets a cookie, used a CSRF token or is not a 200.
    Remaining places on cached pages are loaded fresh in the browser (``forms.workshops.fragments``).

``EDGE_CACHE_SECONDS``
    With the page cache on, responses it stores also carry ``X-Accel-Expires`` so that nginx's
    ``proxy_cache`` may keep them that long (default 0: no header, nothing kept in front).

``FRAGMENT_CACHE_SECONDS`` (default 3600)
    For pages the page cache does not answer (every request routed, checked and rendered by Wagtail):
    the parts every page repeats (site lookup with its home page, site settings, main menu, breadcrumbs,
    latest news, feed links, whether any view restriction exists) and each page's main content
    (``{% page_content_cache %}``), in which places left and the CSRF token are marks filled in fresh
    on every request.

Everything per person or per moment — places left, forms, messages, logged-in users — is never cached.
"""

import contextvars
import functools
import hashlib
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse

from .page_rows import page_of_type, routes_with_generic_fields
from .prepared import prepared_query

_PREFIX = "strategia"
# Query-string parameters the cacheable pages read (news index: page, tag); any other parameter
# bypasses the page cache, so random query strings cannot fill it.
PAGE_CACHE_QUERY_PARAMETERS = frozenset({"page", "tag"})
_NO_CACHE_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/_util/")


def page_cache_seconds():
    return getattr(settings, "PAGE_CACHE_SECONDS", 0)


def fragment_cache_seconds():
    return getattr(settings, "FRAGMENT_CACHE_SECONDS", 0)


def _local_seconds():
    return getattr(settings, "PAGE_CACHE_LOCAL_SECONDS", 1)


# --- the generation -------------------------------------------------------------------------------

# What this process last read: the generation, when, and its hottest cached pages.
_local = {"generation": None, "read_at": 0.0, "entries": {}}
_LOCAL_ENTRIES = 256


def _fresh_generation():
    # Time-based, so a lost row (a flushed table) never restarts at a number whose entries may still
    # be stored.
    return time.time_ns() // 1000  # microseconds: far ahead of any count of increments


def _cache_generation_model():
    # By name: the models module imports this one (its pages are cached), so this one cannot import it.
    return apps.get_model("strategy_pages", "CacheGeneration")


def _generation_rows():
    return _cache_generation_model().objects.filter(pk=1)


def _read_generation():
    value = _generation_rows().values_list("value", flat=True).first()
    if value is None:
        try:
            with transaction.atomic():
                _cache_generation_model().objects.create(pk=1, value=_fresh_generation())
        except IntegrityError:  # created meanwhile by another process
            pass
        value = _generation_rows().values_list("value", flat=True).first()
    return value


def current_generation(request=None):
    """The generation: read once per request (remembered on ``request``) and, in this process, from the
    database at most once per ``PAGE_CACHE_LOCAL_SECONDS``."""
    if request is not None and hasattr(request, "_strategia_generation"):
        return request._strategia_generation
    now = time.monotonic()
    generation = _local["generation"]
    if generation is None or now - _local["read_at"] >= _local_seconds():
        generation = _read_generation()
        if generation != _local["generation"]:
            _local["entries"] = {}
        _local.update(generation=generation, read_at=now)
    if request is not None:
        request._strategia_generation = generation
    return generation


def forget_local_state():
    """Make this process read the generation again on the next request, and drop its page copies."""
    _local.update(generation=None, read_at=0.0, entries={})


def invalidate(**kwargs):
    """Make every cached page and fragment stale (a signal receiver; any arguments are ignored).

    The increment is part of the current transaction: other processes see it when the change they
    must not miss is committed. A request that read the old rows meanwhile stored them under the old
    generation, which is outdated from the commit on.
    """
    if not _generation_rows().update(value=models.F("value") + 1):
        _read_generation()  # the row was missing (a flushed table): created with a fresh value
    forget_local_state()
    transaction.on_commit(forget_local_state, robust=True)


def clear():
    """Empty the cache and this process's copies (tests, ``manage.py`` maintenance)."""
    cache.clear()
    forget_local_state()


# --- fragments --------------------------------------------------------------------------------------

def fragment_key(request, name, *parts):
    # The parts (paths, counts, host names) are hashed: keys stay short and valid for any cache backend.
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return ":".join([_PREFIX, "fragment", str(current_generation(request)), name, digest])


def cached_fragment(request, name, parts, build, max_seconds=None):
    """``build()``'s result, cached under the current generation when fragment caching is on (None is
    never kept)."""
    seconds = fragment_cache_seconds()
    if seconds <= 0:
        return build()
    if max_seconds is not None:
        seconds = min(seconds, max_seconds)
    key = fragment_key(request, name, *parts)
    value = cache.get(key)
    if value is None:
        value = build()
        if value is not None:  # nothing kept for what was not found (random URLs cannot fill the cache)
            cache.set(key, value, seconds)
    return value


# The request being served by this thread or task (set by ``PageCacheMiddleware``), for per-request
# answers asked for by code that has no request at hand (``Page.get_view_restrictions``).
_current_request = contextvars.ContextVar("strategia_request", default=None)


def current_request():
    return _current_request.get()


@prepared_query
def _one_view_restriction():
    from wagtail.models import PageViewRestriction

    return PageViewRestriction.objects.order_by().values_list("pk", flat=True)[:1]


def site_has_view_restrictions(request=None):
    """Whether any page of any site is private: one query per request (none with the fragment cache
    on, once cached). True (the safe answer) outside a request."""
    request = request if request is not None else _current_request.get()
    if request is None:
        return True
    if hasattr(request, "_strategia_restrictions"):
        return request._strategia_restrictions

    value = cached_fragment(request, "view-restrictions", (), lambda: bool(_one_view_restriction()))
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


def prepared_public_pages(build=None, *, maxsize=256):
    """``prepared_query`` for a query that must leave out private pages. ``build`` takes a keyword
    ``public_only`` and applies Wagtail's ``public()`` when it is true. ``public()`` queries the view
    restrictions while the queryset is built, so it can never be prepared: on a site without any
    restriction (no page is private) the prepared query runs; otherwise the queryset is built with
    ``public_only=True`` and run as usual. The function returned takes ``build``'s positional arguments
    and the request (optional, as for ``site_has_view_restrictions``) and returns a list."""

    def decorate(build):
        prepared = prepared_query(build, maxsize=maxsize)

        @functools.wraps(build)
        def run(*args, request=None):
            if site_has_view_restrictions(request):
                return list(build(*args, public_only=True))
            return prepared(*args)

        run.build = build
        return run

    return decorate(build) if build is not None else decorate


def preload_site(request):
    """Set Wagtail's per-request site (``request._wagtail_site``) from the cache, with its home page
    already specific: routing then starts without the two queries for the site and its root page."""
    if hasattr(request, "_wagtail_site"):
        return
    if fragment_cache_seconds() <= 0:
        if not request.path_info.startswith(_NO_CACHE_PREFIXES):  # public pages: Wagtail looks it up anyway
            request._wagtail_site = site = find_site(request)
            if site is not None:
                _route_through_root_page(site, to_home_page=not request.path_info.strip("/"))
        return
    from wagtail.models import Site

    def build():
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page.specific  # noqa: B018 - loaded now so that it is cached with the site
        return (site,)

    host = request._get_raw_host()
    request._wagtail_site = cached_fragment(request, "site", (host, request.get_port()), build)[0]


def _route_through_root_page(site, to_home_page=False):
    """Wagtail routes from ``site.root_page.specific``, one query for the home page's own fields. A request
    for a page below it only passes through the home page: when the home page's ``route`` needs nothing
    but its generic fields (``routes_with_generic_fields``), make it specific from the generic row the
    site query joined, without that query. The home page itself is loaded by its type's prepared query."""
    root = site.root_page
    model = root.specific_class
    if to_home_page:
        if model is not None and (found := page_of_type(model, root.pk)):
            site.root_page = found[0]
    elif routes_with_generic_fields(model):
        site.root_page = root.specific_deferred


@functools.cache
def _site_query_paths():
    """``select_related`` and ``only`` paths of ``find_site``'s query, the same for the process's life: the
    site, its whole home page row, and the site settings every page shows (``SiteSettings.for_site``
    finds them there)."""
    from wagtail.models import Site

    settings_model = apps.get_model("strategy_pages", "SiteSettings")
    related, fields = settings_model.query_paths(settings_model._meta.get_field("site").related_query_name() + "__")
    page_model = Site._meta.get_field("root_page").related_model
    site_fields = [field.name for field in Site._meta.concrete_fields]
    root_fields = [f"root_page__{field.name}" for field in page_model._meta.concrete_fields]
    return ("root_page", *related), (*site_fields, *root_fields, *fields)


@prepared_query
def _sites_for_hostname(hostname):
    from django.db.models import Q
    from wagtail.models import Site

    related, fields = _site_query_paths()
    return (
        Site.objects.filter(Q(hostname=hostname) | Q(is_default_site=True)).order_by()
        .select_related(*related).only(*fields)
    )


def find_site(request):
    """Wagtail's ``Site.find_for_request`` (``get_site_for_hostname``) in a plain query: the few sites with
    the request's host name or the default flag, ranked in Python as Wagtail's SQL ``CASE`` ranks them
    (host name and port, host name and default, default, host name) — the same site, without building
    and compiling the annotated query on every request."""
    from django.http.request import split_domain_port

    hostname = split_domain_port(request._get_raw_host())[0]
    try:
        port = int(request.get_port())
    except (TypeError, ValueError):
        port = None

    def rank(site):
        if site.hostname == hostname and site.port == port:
            return 0
        if site.hostname == hostname and site.is_default_site:
            return 1
        return 2 if site.is_default_site else 3

    sites = sorted(_sites_for_hostname(hostname), key=rank)
    if not sites:
        return None
    if len(sites) == 1 or rank(sites[0]) in (0, 1):
        return sites[0]
    if rank(sites[0]) == 2:  # the default, unless exactly one other site has the host name
        return sites[len(sites) == 2]
    return None


# --- whole pages ------------------------------------------------------------------------------------

def _page_cache_key(request, host):
    return ":".join([_PREFIX, "page", host, request.get_full_path()])


def _may_use_page_cache(request):
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    if "messages" in request.COOKIES:
        return False
    path = request.path_info
    # A host may leave MEDIA_URL empty (Django's default): an empty prefix would match every path.
    static_prefixes = tuple(prefix for prefix in (settings.STATIC_URL, settings.MEDIA_URL) if prefix)
    if path.startswith((*static_prefixes, *_NO_CACHE_PREFIXES)):
        return False
    return set(request.GET) <= PAGE_CACHE_QUERY_PARAMETERS


def response_will_be_cached(request):
    """Whether this request's response is meant for the page cache (a cacheable page, an anonymous GET):
    then nothing on it may be per person or per moment (see ``forms.workshops.fragments``)."""
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
        start = f"<!--strategia-live:{name}:"
        while (index := content.find(start)) != -1:
            end = content.index("-->", index)
            argument = content[index + len(start) : end]
            content = content[:index] + str(render(request, argument)) + content[end + 3 :]
    return content


def csrf_input(request, argument=""):
    """The hidden CSRF field with this visitor's token (what ``{% csrf_token %}`` renders)."""
    from django.middleware.csrf import get_token
    from django.utils.html import format_html

    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))


register_live_fragment("csrf-token", csrf_input)


def cached_page_content(request, page, render):
    """The page's main content: ``render()``'s HTML, kept in the fragment cache under the current
    generation for the page types that allow it (``cache_page_content``) and the requests the page
    cache could answer (anonymous GET, known parameters) — the same HTML for every such visitor.

    Wagtail's routing, view-restriction checks, ``serve()`` and the rest of the template run on every
    request; places and anything else registered as live are marks in the cached HTML, filled in fresh.
    """
    seconds = fragment_cache_seconds()
    if (
        seconds <= 0 or request is None or page is None or not getattr(page, "cache_page_content", False)
        or not _may_use_page_cache(request) or getattr(getattr(request, "user", None), "is_authenticated", False)
    ):
        return render()
    mode = "deferred" if response_will_be_cached(request) else "live"
    variant = page.content_cache_variant(request) if hasattr(page, "content_cache_variant") else ""
    key = fragment_key(request, "page-content", page.pk, mode, variant, request.get_full_path())
    content = cache.get(key)
    if content is None:
        # A CSRF token used while rendering would belong to this visitor: such content is not stored.
        csrf_used_before = request.META.pop("CSRF_COOKIE_USED", None)
        request._strategia_body_cache = True
        try:
            content = str(render())
        finally:
            request._strategia_body_cache = False
        csrf_used = request.META.get("CSRF_COOKIE_USED")
        if csrf_used_before:
            request.META["CSRF_COOKIE_USED"] = csrf_used_before
        if not csrf_used:
            cache.set(key, content, seconds)
    return _fill_live_marks(request, content)


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


def _lookup(key):
    """The stored entry for ``key`` if it belongs to the current generation, and that generation.

    Each process keeps copies of the pages it served last (``_local``) as long as the generation it
    read is current: a page cache hit then needs no round trip to the cache or the database at all.
    """
    generation = current_generation()
    entry = _local["entries"].get(key)
    if entry is None or entry[0] != generation:
        entry = cache.get(key)
        if entry is None or entry[0] != generation:
            return None, generation
        if len(_local["entries"]) >= _LOCAL_ENTRIES:
            _local["entries"] = {}
        _local["entries"][key] = entry
    return entry, generation


class PageCacheMiddleware:
    """Serves cached anonymous responses of the cacheable page types (``PAGE_CACHE_SECONDS``), and
    preloads the request's Wagtail site from the fragment cache (``FRAGMENT_CACHE_SECONDS``).

    Goes right after ``SecurityMiddleware`` and WhiteNoise: HTTPS redirects and static files happen
    first, the security headers are added to cached responses too, and a cache hit costs one cache
    round trip, or none for the pages this process served under the current generation, and none of
    the other middleware.
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

        site_settings = apps.get_model("strategy_pages", "SiteSettings")
        _watched_models = (Page, Site, site_settings, PageViewRestriction, Tag, get_image_model(), get_document_model())
    if isinstance(instance, _watched_models):
        invalidate()


def _invalidate_for_m2m(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        invalidate()


def invalidate_on_change(*models):
    """Make ``models`` (data other apps show on public pages: groups, sign-ups, submissions, areas…)
    start a new generation whenever a row is saved or deleted, or one of their many-to-many relations
    changes, like pages do: the data decides, whichever code changed it. Bulk ``QuerySet.update()``
    sends no signal: code that changes shown rows that way calls ``invalidate()`` itself."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    for model in models:
        label = model._meta.label_lower
        post_save.connect(invalidate, sender=model, dispatch_uid=f"strategia-cache-save-{label}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"strategia-cache-delete-{label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _invalidate_for_m2m, sender=field.remote_field.through,
                dispatch_uid=f"strategia-cache-m2m-{label}-{field.name}",
            )


def connect_signals():
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(invalidate, dispatch_uid=f"strategia-cache-{id(signal)}")
    post_save.connect(_invalidate_for_instance, dispatch_uid="strategia-cache-post-save")
    post_delete.connect(_invalidate_for_instance, dispatch_uid="strategia-cache-post-delete")
