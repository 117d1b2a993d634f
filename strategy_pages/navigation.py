"""The pages every public page's navigation needs, in one query per request.

The main menu (live children of the home page shown in menus), the breadcrumbs (the current page's
ancestors from the home page down), the news index the feed links and the home page point to (the
first live news index below the home page) and the current page's parent all come from one query of
generic pages, kept on the request. When the site has view restrictions the menu is filtered by
Wagtail's ``public()`` in a query of its own, as before.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import DEFERRED, Q
from wagtail.models import Page

from .caching import site_has_view_restrictions
from .prepared import prepared_query


def _news_index_model():
    # By name: the models module imports this one (pages build their navigation), so this one cannot import it.
    return apps.get_model("strategy_pages", "NewsIndexPage")


# What a link to a page needs (its title and URL: ``url_path``; the type and locale Wagtail may ask for),
# and what the navigation places it by. Lists of links load these, not the ~30 columns of a page.
PAGE_LINK_FIELDS = ("title", "url_path", "content_type", "locale", "live", "path", "depth")
NAVIGATION_FIELDS = (*PAGE_LINK_FIELDS, "show_in_menus")


def link_fields(relation):
    """``only()`` paths of what a link shows of the page behind ``relation`` ("page", "privacy_page"…)."""
    return [f"{relation}__{name}" for name in PAGE_LINK_FIELDS]


def specific_from_row(page, model=None):
    """``page`` as its specific type (or ``model``) from the fields its row loaded, without a query; the
    others stay deferred. Wagtail's ``specific_deferred`` reads every generic field, which loads the
    deferred ones one query each."""
    model = model or page.specific_class
    if model is None or isinstance(page, model):
        return page
    values = [
        page.pk if field.primary_key else page.__dict__.get(field.attname, DEFERRED)
        for field in model._meta.concrete_fields
    ]
    specific = model(*values)
    specific._state.adding = False
    specific._state.db = page._state.db
    for name, value in page.__dict__.items():  # what was cached on the row (its parent…)
        if name != "_state":
            specific.__dict__.setdefault(name, value)
    return specific


def _as_news_index(page):
    """A ``NewsIndexPage`` built from its generic page row (title, URL and feed routes need nothing else)."""
    return specific_from_row(page, _news_index_model())


@prepared_query(maxsize=1024)
def _navigation_pages(root_depth, root_path, ancestor_paths):
    condition = Q(depth=root_depth + 1, path__startswith=root_path, live=True)
    if ancestor_paths:
        condition |= Q(path__in=ancestor_paths)
    return Page.objects.filter(condition).only(*NAVIGATION_FIELDS).order_by("path")


class Navigation:
    def __init__(self, request, root, current):
        NewsIndexPage = _news_index_model()
        self.root = root
        ancestor_paths = []
        if current is not None and current.depth > root.depth and current.path.startswith(root.path):
            steps = current.path[len(root.path):]
            ancestor_paths = [root.path + steps[:n] for n in range(0, len(steps), Page.steplen)]
        pages = _navigation_pages(root.depth, root.path, tuple(ancestor_paths))
        by_path = {page.path: page for page in pages}
        self.ancestors = [by_path[path] for path in ancestor_paths if path in by_path]
        if self.ancestors and self.ancestors[0].pk == root.pk:
            self.ancestors[0] = root
        self.children = [page for page in pages if page.depth == root.depth + 1 and page.live]
        news_index_type = ContentType.objects.get_for_model(NewsIndexPage).pk
        if isinstance(current, NewsIndexPage) and current.depth == root.depth + 1:
            self.news_index = current
        else:
            found = next((page for page in self.children if page.content_type_id == news_index_type), None)
            self.news_index = _as_news_index(found) if found is not None else None
        self.parent = self.ancestors[-1] if self.ancestors else None
        self._request = request

    def menu(self):
        if site_has_view_restrictions(self._request):
            return list(self.root.get_children().live().public().in_menu())
        return [page for page in self.children if page.show_in_menus]


def navigation(request, root, current=None):
    """The request's ``Navigation`` for ``root`` (the site's home page) and the current page."""
    key = (root.pk, current.pk if current is not None else None)
    store = getattr(request, "_strategia_navigation", None) if request is not None else None
    if store is not None and key in store:
        return store[key]
    value = Navigation(request, root, current)
    if request is not None:
        if store is None:
            store = request._strategia_navigation = {}
        store[key] = value
    return value
