"""Routing of a URL below the home page in one query instead of two per level.

Wagtail's ``Page.route`` walks the tree: for each path component, the child with that slug (one query)
and then its specific page (another). ``DirectRouteMixin`` on the home page remembers, per process,
which page (primary key and type) a path of components led to the last time, and then loads that page
of its specific type in one query that also proves the memory still right: the same primary key *and*
the same ``url_path``. A page moved, renamed or deleted no longer matches and the path is routed the
usual way (and remembered again), so the memory can never make a page appear where it no longer is,
in any process; the page's own ``route`` still decides whether it is live. Only exact page paths are
remembered: sub-routes of routable pages (feeds) always take the usual way.

With the fragment cache on, the page found for a path is also kept there under the current cache
generation (``strategy_pages.caching``), which any page change — saved, published, unpublished, moved,
deleted — replaces: routing then costs one cache read. The page's own ``route`` still runs on it.

``ROUTE_MEMO`` (default on; environment ``ROUTE_MEMO=0``) switches the per-process memory off: every
request is then routed the usual way (bench/pages.py's "every cache off" row).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.models import Page

from .caching import cached_fragment, fragment_cache_seconds
from .navigation import PAGE_LINK_FIELDS, specific_from_row
from .page_rows import page_of_type, routes_with_generic_fields
from .prepared import prepared_query

_routes = {}
_MAX_ROUTES = 2048


def _remember(key, page):
    if len(_routes) >= _MAX_ROUTES:
        _routes.clear()
    _routes[key] = (page.content_type_id, page.pk, page.url_path)


def forget_routes():
    _routes.clear()


def _children(depth, path):
    # treebeard's get_children, from the parent's depth and path
    return Page.objects.filter(depth=depth + 1, path__range=Page._get_children_path_interval(path))


@prepared_query(maxsize=2048)
def _child_type(depth, path, slug):
    return _children(depth, path).filter(slug=slug).values_list("pk", "content_type_id")[:2]


@prepared_query(maxsize=2048)
def _child_link_row(depth, path, slug):
    return _children(depth, path).filter(slug=slug).only(*PAGE_LINK_FIELDS, "numchild")[:2]


def route_children(page, request, path_components):
    """Wagtail's ``Page.route`` for a path below ``page``, without the query for the specific fields of a
    page the path only passes through: such a page is routed on as its specific type with its generic
    fields (``specific_deferred``) when its ``route`` needs no more (``routes_with_generic_fields``).
    The page finally routed to is loaded whole, as Wagtail does."""
    child_slug, remaining = path_components[0], path_components[1:]
    if not remaining:
        # The page routed to: its type from a two-column row, then the page itself in one query of its
        # type (what ``.specific`` would load), without making a generic page of all its columns first.
        rows = _child_type(page.depth, page.path, child_slug) if not page.is_leaf() else []
        if not rows:
            raise Http404
        if len(rows) == 1:
            model = ContentType.objects.get_for_id(rows[0][1]).model_class()
            if model is not None:
                found = page_of_type(model, rows[0][0])
                if found:
                    subpage = found[0]
                    subpage._cached_parent_obj = page
                    return subpage.route(request, remaining)
    if remaining:  # a page passed through: what routing reads of it (more is loaded if anything asks)
        found = _child_link_row(page.depth, page.path, child_slug) if not page.is_leaf() else []
        if len(found) > 1:
            raise Page.MultipleObjectsReturned(f"two pages with the slug {child_slug!r} below {page.url_path}")
        if not found:
            raise Http404
        subpage = found[0]
    else:
        try:
            subpage = page.get_children().get(slug=child_slug)
        except Page.DoesNotExist as exc:
            raise Http404 from exc
    subpage._cached_parent_obj = page
    if remaining and routes_with_generic_fields(subpage.specific_class):
        if subpage.specific_class.route is Page.route:
            # Wagtail's own route would load the next page generic, then specific: go on from here instead.
            return route_children(specific_from_row(subpage), request, remaining)
        return specific_from_row(subpage).route(request, remaining)
    return subpage.specific.route(request, remaining)


class DirectRouteMixin:
    # Its route reads only the page's primary key, url_path and live flag: a request for a page below it
    # may route through it as loaded from the generic page row (``caching.preload_site``).
    route_with_generic_fields = True

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        if fragment_cache_seconds() > 0:
            page = cached_fragment(
                request, "route", (self.pk, "/".join(path_components)), lambda: self._find(request, path_components)
            )
            if page is not None:
                return page.route(request, [])
        return self._route(request, path_components)

    def _find(self, request, path_components):
        """The page at exactly this path (None for sub-routes and pages that are not found)."""
        from django.http import Http404

        try:
            page = self._route(request, path_components)[0]
        except Http404:
            return None
        return page if page.url_path == self.url_path + "/".join(path_components) + "/" else None

    def _route(self, request, path_components):
        if not getattr(settings, "ROUTE_MEMO", True):  # the memo off (benchmarks: every cache off)
            return route_children(self, request, path_components)
        key = (self.pk, tuple(path_components))
        known = _routes.get(key)
        if known is not None:
            content_type_id, pk, url_path = known
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None:
                found = page_of_type(model, pk, url_path)
                if found:
                    return found[0].route(request, [])
            _routes.pop(key, None)
        result = route_children(self, request, path_components)
        page = result[0]
        expected = self.url_path + "/".join(path_components) + "/"
        if page.url_path == expected:  # the page itself, not a sub-route of a routable page
            _remember(key, page)
        return result
