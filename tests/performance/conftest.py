"""A small public site built in the database: home, news index with news (tags, images), a strategy page,
a form index with a workshop; builders to grow it to hundreds of news items."""

import datetime
import io
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.images import ImageFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from forms.models import FormIndexPage, WorkshopPage, WorkshopSession
from strategy_pages.models import (
    HomePage,
    HomePageHighlight,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    SiteSettings,
    StrategyPage,
)


def make_image(number):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 36), (number * 7 % 256, 90, 43)).save(buffer, "JPEG")
    image = get_image_model()(title=f"Zdjęcie {number}", file=ImageFile(buffer, name=f"zdjecie-{number}.jpg"))
    image.save()
    return image


def publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


BODY = [
    {"type": "heading", "value": {"text": "Warsztaty dla mieszkańców", "level": "h2"}},
    {"type": "paragraph", "value": "<p>Wywiady pogłębione z kluczowymi interesariuszami.</p>"},
    {"type": "quote", "value": {"text": "Razem zaplanujmy przyszłość.", "attribution": "Burmistrz"}},
]


def add_news(index, count, *, start=0, images=(), tags_per_item=2, published=False):
    """``count`` live news items (saved directly, or published through revisions when ``published``),
    each with ``tags_per_item`` tags of its own and an image taken in turn from ``images``."""
    created = []
    today = datetime.date(2025, 1, 1)
    for number in range(start, start + count):
        page = NewsPage(
            title=f"Aktualność {number}", slug=f"aktualnosc-{number}", date=today - timedelta(days=number),
            intro=f"Lead aktualności {number}.", body=json.dumps(BODY),
            image=images[number % len(images)] if images else None, image_alt="Zdjęcie" if images else "",
        )
        if published:
            publish(index, page)
        else:
            index.add_child(instance=page)
        created.append(page)
    tags = []
    for page in created:
        for tag_number in range(tags_per_item):
            tags.append(f"temat-{page.pk}-{tag_number}")
    if tags_per_item:
        from taggit.models import Tag

        Tag.objects.bulk_create([Tag(name=name, slug=name) for name in tags])
        by_name = {tag.name: tag for tag in Tag.objects.filter(name__in=tags)}
        NewsPageTag.objects.bulk_create(
            [NewsPageTag(content_object=page, tag=by_name[f"temat-{page.pk}-{n}"])
             for page in created for n in range(tags_per_item)]
        )
    if connection.vendor == "postgresql":
        # As autovacuum would soon after a bulk import: the planner sees the tables' real sizes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return created


def add_sessions(page, count, capacity=5):
    start = timezone.now() + timedelta(days=14)
    existing = page.sessions.count()
    WorkshopSession.objects.bulk_create([
        WorkshopSession(page=page, sort_order=existing + n, title=f"Sesja {existing + n + 1}",
                        starts_at=start + timedelta(hours=2 * (existing + n)),
                        ends_at=start + timedelta(hours=2 * (existing + n) + 1), capacity=capacity)
        for n in range(count)
    ])


@pytest.fixture
def site_pages(db):
    """The page types of the site, all published, with one page of each and a few news items."""
    root = Page.get_first_root_node()
    home = publish(root, HomePage(title="Strategia", slug="strategia", intro="<p>Wstęp.</p>"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    news_index = publish(home, NewsIndexPage(title="Aktualności", slug="aktualnosci", show_in_menus=True))
    images = [make_image(n) for n in range(3)]
    news = add_news(news_index, 9, images=images, published=False)
    article = NewsPage(
        title="Warsztaty diagnostyczne", slug="warsztaty-diagnostyczne", date=datetime.date(2025, 2, 1),
        intro="Zapraszamy.", body=json.dumps(BODY), image=images[0], image_alt="Osoby przy stole",
    )
    publish(news_index, article)
    article.tags.add("warsztaty", "strategia")
    article.save_revision().publish()
    strategy = StrategyPage(title="O strategii", slug="o-strategii", show_in_menus=True, intro="Wstęp.")
    strategy.body = json.dumps(BODY)
    publish(home, strategy)
    forms_index = publish(home, FormIndexPage(title="Ankiety", slug="ankiety", show_in_menus=True))
    now = timezone.now()
    workshop = WorkshopPage(
        title="Warsztaty", slug="warsztaty", venue="Sala posiedzeń",
        registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=10),
    )
    publish(forms_index, workshop)
    add_sessions(workshop, 1, capacity=3)
    article.action_page = workshop
    article.action_label = "Zapisz się"
    article.save_revision().publish()
    HomePageHighlight.objects.create(home_page=home, page=strategy, description="Najważniejsze", sort_order=0)
    images.extend(make_image(n) for n in range(3, 6))
    SiteSettings.for_site(site)  # created once, as on a running site (its creation is a content change)
    cache.clear()
    return {
        "home": home, "news_index": news_index, "news": article, "strategy": strategy, "workshop": workshop,
        "images": images, "news_items": [*news, article],
    }


def count_queries(url, client=None):
    """Queries of one anonymous GET (asserting 200) and the response."""
    client = client or Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), response


@pytest.fixture(params=["no cache", "fragment cache"])
def cache_mode(request, settings):
    """Page cache off (these are "uncached" pages), with and without the fragment cache."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0 if request.param == "no cache" else 3600
    cache.clear()
    yield request.param
    cache.clear()
