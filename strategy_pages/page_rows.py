"""The rows routing loads: a page of a known type by its primary key, and whether a type's ``route`` needs
more than its generic fields. Used by the site lookup (``caching``) and by routing (``routing``)."""

from .prepared import prepared_query


@prepared_query(maxsize=2048)
def page_of_type(model, pk, url_path=None):
    """The page ``pk`` as a list of its type, as ``.specific`` loads it (empty when it is gone), with the
    type's ``route_select_related``; with ``url_path``, only while the page is still at that path."""
    queryset = model._default_manager.filter(pk=pk)
    if url_path is not None:
        queryset = queryset.filter(url_path=url_path)
    if related := getattr(model, "route_select_related", ()):
        queryset = queryset.select_related(*related)
    return queryset.order_by("pk")[:1]


def routes_with_generic_fields(model):
    """Whether ``model.route`` needs nothing but the generic page fields of its page (path, depth, live):
    Wagtail's own ``Page.route``, or a type that says so (``route_with_generic_fields``)."""
    from wagtail.models import Page  # imported late, as caching is (it loads before the apps)

    return model is not None and (model.route is Page.route or getattr(model, "route_with_generic_fields", False))
