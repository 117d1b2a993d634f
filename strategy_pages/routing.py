"""Routing of a URL below the home page in one query instead of two per level.

Wagtail's ``Page.route`` walks the tree: for each path component, the child with that slug (one query)
and then its specific page (another). ``DirectRouteMixin`` on the home page remembers, per process,
which page (primary key and type) a path of components led to the last time, and then loads that page
of its specific type in one query that also proves the memory still right: the same primary key *and*
the same ``url_path``. A page moved, renamed or deleted no longer matches and the path is routed the
usual way (and remembered again), so the memory can never make a page appear where it no longer is,
in any process; the page's own ``route`` still decides whether it is live. Only exact page paths are
remembered: sub-routes of routable pages (feeds) always take the usual way.
"""

from django.contrib.contenttypes.models import ContentType

_routes = {}
_MAX_ROUTES = 2048


def _remember(key, page):
    if len(_routes) >= _MAX_ROUTES:
        _routes.clear()
    _routes[key] = (page.content_type_id, page.pk, page.url_path)


def forget_routes():
    _routes.clear()


class DirectRouteMixin:
    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        key = (self.pk, tuple(path_components))
        known = _routes.get(key)
        if known is not None:
            content_type_id, pk, url_path = known
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is not None:
                queryset = model._default_manager.filter(pk=pk, url_path=url_path)
                if related := getattr(model, "route_select_related", ()):
                    queryset = queryset.select_related(*related)
                page = queryset.first()
                if page is not None:
                    return page.route(request, [])
            _routes.pop(key, None)
        result = super().route(request, path_components)
        page = result[0]
        expected = self.url_path + "/".join(path_components) + "/"
        if page.url_path == expected:  # the page itself, not a sub-route of a routable page
            _remember(key, page)
        return result
