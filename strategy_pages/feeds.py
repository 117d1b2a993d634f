"""RSS 2.0 and Atom feeds of a news index, served by NewsIndexPage's routes."""

import datetime

from django.apps import apps
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

FEED_ITEMS = 20


class NewsRssFeed(Feed):
    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index_page

    def _site_settings(self, index_page):
        # By name: the models import this module for their feed routes (no import cycle).
        site_settings = apps.get_model("strategy_pages", "SiteSettings")
        site = index_page.get_site()
        return site_settings.for_site(site) if site is not None else None

    def author_name(self, index_page):
        """The publisher: the municipality office (Atom requires an author, RFC 4287 §4.1.1)."""
        values = self._site_settings(index_page)
        return (values.municipality_name if values else "") or index_page.title

    def author_email(self, index_page):
        values = self._site_settings(index_page)
        return (values.email if values else "") or None

    def author_link(self, index_page):
        site = index_page.get_site()
        return site.root_url + "/" if site is not None else None

    def title(self, index_page):
        return index_page.title

    def link(self, index_page):
        return index_page.get_full_url(self.request)

    def description(self, index_page):
        return index_page.meta_description or _("News about the municipality's development strategy")

    def items(self, index_page):
        return index_page.get_news().prefetch_related("tags")[:FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # RSS descriptions and Atom summaries (type="html") are read as HTML: the lead is plain text, so
        # it is escaped as HTML before the XML escaping, and "<img …>" reaches readers as text.
        return escape(item.intro)

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        # Feeds need a moment in time; the page only has a day, so use its start in local time.
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time.min))

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, index_page):
        return self.description(index_page)
