"""Template tags of the public site: navigation, latest news and contact-data helpers.

The navigation, breadcrumbs, latest news and feed links are the same on many pages: they are rendered
once per content generation and kept in the fragment cache (``strategy_pages.caching``), so an
uncached page does not query them again. Remaining places are never among them.
"""

import re

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from strategy_pages.caching import cached_fragment, prepared_public_pages
from strategy_pages.images import with_renditions
from strategy_pages.models import NewsPage
from strategy_pages.navigation import navigation

register = template.Library()


def _site(context):
    request = context.get("request")
    return Site.find_for_request(request) if request else None


def _current_page(context):
    page = context.get("page")
    # Only pages of the tree: other views may put something else called "page" in the context.
    return page if getattr(page, "path", None) and getattr(page, "pk", None) else None


def main_menu_context(context):
    site = _site(context)
    if site is None:
        return {"menu_items": [], "home": None}
    home = site.root_page
    current = _current_page(context)
    request = context.get("request")
    items = []
    for item in navigation(request, home, current).menu():
        # A section counts as current for all pages below it, for aria-current.
        is_current = bool(current) and current.path.startswith(item.path)
        items.append({"page": item, "is_current": is_current, "is_exact": is_current and current.pk == item.pk})
    return {
        "menu_items": items,
        "home": home,
        "home_is_current": bool(current) and current.pk == home.pk,
        "request": request,
    }


@register.simple_tag(takes_context=True)
def main_menu(context):
    site, current = _site(context), _current_page(context)
    # The menu differs only by the section the current page is in (and whether it is that section).
    section = current.path[: (site.root_page.depth + 1) * 4] if site and current else ""
    parts = (site.pk if site else None, section, current.pk if current and current.path == section else "")
    return mark_safe(cached_fragment(
        context.get("request"), "main-menu", parts,
        lambda: render_to_string("strategy_pages/includes/main_menu.html", main_menu_context(context)),
    ))


def breadcrumbs_context(context):
    page = _current_page(context)
    site = _site(context)
    if page is None or site is None or page.depth <= site.root_page.depth:
        return {"ancestors": []}
    ancestors = navigation(context.get("request"), site.root_page, page).ancestors
    return {"ancestors": ancestors, "page": page, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def breadcrumbs(context):
    site, page = _site(context), _current_page(context)
    if page is None:
        return render_to_string("strategy_pages/includes/breadcrumbs.html", breadcrumbs_context(context))
    return mark_safe(cached_fragment(
        context.get("request"), "breadcrumbs", (site.pk if site else None, page.pk),
        lambda: render_to_string("strategy_pages/includes/breadcrumbs.html", breadcrumbs_context(context)),
    ))


def latest_news_context(context, limit=4):
    """The newest published news of the current site, without the page being shown."""
    request = context.get("request")
    site, page = _site(context), _current_page(context)
    root = site.root_page if site is not None else None
    root_key = (root.pk, root.path, root.depth) if root is not None else None
    exclude = page.pk if page is not None else None
    news = _latest_news(root_key, exclude, limit, request=request)
    return {"news": with_renditions(news, spec=NewsPage.card_picture_spec), "request": request}


# The site's home page by its primary key, path and depth: a moved home page is another query.
@prepared_public_pages(maxsize=1024)
def _latest_news(root_key, exclude, limit, public_only=False):
    news = NewsPage.objects.live().only(*NewsPage.card_fields).select_related("image")
    if public_only:
        news = news.public()
    if root_key is not None:
        root_pk, path, depth = root_key
        news = news.descendant_of(Page(pk=root_pk, path=path, depth=depth))
    if exclude is not None:
        news = news.exclude(pk=exclude)
    return news.order_by("-date", "-first_published_at")[:limit]


@register.simple_tag(takes_context=True)
def latest_news(context, limit=4):
    site, page = _site(context), _current_page(context)
    return mark_safe(cached_fragment(
        context.get("request"), "latest-news", (site.pk if site else None, page.pk if page else "", limit),
        lambda: render_to_string("strategy_pages/includes/latest_news.html", latest_news_context(context, limit)),
    ))


@register.simple_tag(takes_context=True)
def absolute_url(context, url):
    """An absolute URL on the same host as the canonical page URLs (the Site's configured root URL)."""
    if site := _site(context):
        return site.root_url + url
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url


@register.filter
def tel_href(phone):
    """'(22) 484 23 90' -> 'tel:+48224842390': digits only, Polish country code when missing."""
    number = re.sub(r"[^\d+]", "", phone or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    elif not number.startswith("+") and len(number) == 9:
        number = "+48" + number
    return f"tel:{number}"


@register.filter
def protected_email(address):
    """Shows an e-mail address in a form robots do not harvest.

    The readable text spells out the symbols; static/js/email.js turns it into a mailto link
    from the reversed parts kept in data attributes.
    """
    if not address or "@" not in address:
        return ""
    user, domain = address.rsplit("@", 1)
    at, dot = _("[at]"), _("[dot]")
    readable = f" {at} ".join([user, f" {dot} ".join(domain.split("."))])
    return format_html(
        '<span class="protected-email" data-user="{}" data-domain="{}">{}</span>', user[::-1], domain[::-1], readable
    )


@register.simple_tag(takes_context=True)
def news_feed_links(context):
    """<link rel="alternate"> to the site's news feeds, so readers find them from any page."""
    site = _site(context)
    if site is None:
        return ""

    def build():
        news_index = navigation(context.get("request"), site.root_page, _current_page(context)).news_index
        return render_to_string(
            "strategy_pages/includes/feed_links.html", {"news_index": news_index, "request": context.get("request")}
        )

    return mark_safe(cached_fragment(context.get("request"), "feed-links", (site.pk,), build))


class PageContentCacheNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        from strategy_pages.caching import cached_page_content

        request, page = context.get("request"), _current_page(context)
        html = cached_page_content(request, page, lambda: self.nodelist.render(context))
        return mark_safe(html)  # noqa: S308 - the template's own output


@register.tag
def page_content_cache(parser, token):
    """``{% page_content_cache %}…{% endpage_content_cache %}``: the page's main content, reused from the
    fragment cache for anonymous visitors of the page types that allow it (``cache_page_content``);
    live parts inside are marks filled in on every request (``strategy_pages.caching``)."""
    nodelist = parser.parse(("endpage_content_cache",))
    parser.delete_first_token()
    return PageContentCacheNode(nodelist)


@register.simple_tag(takes_context=True)
def live_csrf_token(context):
    """``{% csrf_token %}`` that may stand in content kept in the fragment cache: there a mark, filled in
    with the visitor's own token on every request."""
    from strategy_pages.caching import csrf_input, live_fragment_mark

    request = context.get("request")
    if mark := live_fragment_mark(request, "csrf-token", ""):
        return mark_safe(mark)  # noqa: S308 - a fixed comment
    return csrf_input(request)


@register.simple_tag(takes_context=True)
def lead_image(context):
    """True for the first image a page renders (its hero or first body image: the largest in view, the
    Largest Contentful Paint on a phone), which is then fetched with priority instead of lazily; False
    for every later image of the same request."""
    request = context.get("request")
    if request is None or getattr(request, "_strategy_lead_image_rendered", False):
        return False
    request._strategy_lead_image_rendered = True
    return True
