"""Crawls the public side of the demo site with Django's test client: every page reachable by links
from the home page (and the sitemap), and the error state of every form on them (posted empty)."""

import re
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

HREF = re.compile(r"""<a\s[^>]*?href="([^"]+)\"""", re.IGNORECASE)
LOC = re.compile(r"<loc>([^<]+)</loc>")
FORM = re.compile(r"<form\b([^>]*)>", re.IGNORECASE)
ATTR = re.compile(r"""(\w[\w-]*)="([^"]*)\"""")

# Not HTML pages of the public site: the admin, files, feeds.
SKIP_PREFIXES = ("/admin/", "/django-admin/", "/documents/", "/static/", "/media/")
SKIP_SUFFIXES = ("/rss/", "/atom/", ".xml", ".txt", ".ics", ".pdf")


def _local_path(url, base):
    absolute, _fragment = urldefrag(urljoin(base, unescape(url)))
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc not in ("", urlsplit(base).netloc):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
        return None
    return path


def crawl(client, start="/", extra=(), limit=400):
    """Returns {path: (status, html)} for every HTML page reached, and the list of (path, form action)."""
    base = "http://testserver/"
    seen, queue, pages, forms = set(), [start, *extra], {}, []
    sitemap = client.get("/sitemap.xml")
    for loc in LOC.findall(sitemap.content.decode()):
        path = urlsplit(loc).path
        queue.append(path)
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        pages[path] = (response.status_code, html)
        for href in HREF.findall(html):
            local = _local_path(href, base + path.lstrip("/"))
            if local and local not in seen:
                queue.append(local)
        for attributes in FORM.findall(html):
            attrs = dict(ATTR.findall(attributes))
            if attrs.get("method", "get").lower() == "post":
                action = _local_path(attrs.get("action") or path, base + path.lstrip("/")) or path
                forms.append((path, action))
    return pages, forms
