"""Small page-tree fixtures: a home page as the default site's root and a news index below it."""

import datetime
import io
import json

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from strategy_pages.models import HomePage, NewsIndexPage, NewsPage, StrategyPage


def publish_child(parent, page, tags=()):
    parent.add_child(instance=page)
    if tags:
        page.tags.add(*tags)
    page.save_revision().publish()
    return page


def make_image(title="Zdjęcie testowe", size=(640, 360)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, "#0b5a2b").save(buffer, "JPEG")
    image = get_image_model()(title=title, file=ImageFile(buffer, name="test.jpg"))
    image.save()
    return image


def make_news(index, title, date, **fields):
    fields.setdefault("intro", f"Lead: {title}")
    tags = fields.pop("tags", ())
    body = fields.pop("body", None)
    page = NewsPage(title=title, date=date, **fields)
    if body is not None:
        page.body = json.dumps(body)
    return publish_child(index, page, tags)


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    home = HomePage(title="Strategia testowa", slug="strategia-testowa", intro="<p>Wstęp strony głównej.</p>")
    publish_child(root, home)
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


@pytest.fixture
def news_index(home):
    return publish_child(home, NewsIndexPage(title="Aktualności", slug="aktualnosci", show_in_menus=True))


@pytest.fixture
def news_article(news_index):
    return make_news(
        news_index,
        "Burmistrz zaprasza do udziału w warsztatach diagnostycznych",
        datetime.date(2025, 1, 8),
        intro="Trwają prace nad strategią.",
        image=make_image(),
        image_alt="Osoby przy stole podczas warsztatów",
        image_credit="fot. Freepik.com",
        source_url="https://www.konstancinjeziorna.pl/news/burmistrz-zaprasza",
        source_label="Konstancin-Jeziorna",
        tags=["warsztaty", "strategia"],
        body=[
            {"type": "heading", "value": {"text": "Warsztaty dla mieszkańców", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Wywiady pogłębione z kluczowymi interesariuszami.</p>"},
            {"type": "quote", "value": {"text": "Razem zaplanujmy przyszłość.", "attribution": "Burmistrz"}},
        ],
    )


@pytest.fixture
def strategy_page(home):
    page = StrategyPage(
        title="Jak mogę włączyć się w prace nad strategią?",
        slug="jak-moge",
        show_in_menus=True,
        date=datetime.date(2022, 1, 5),
        intro="Nowa strategia będzie opracowywana we współpracy z mieszkańcami.",
    )
    page.body = json.dumps(
        [
            {"type": "heading", "value": {"text": "Grupy robocze", "level": "h2"}},
            {
                "type": "contact",
                "value": {
                    "title": "Zgłoszenia",
                    "text": "Zgłoszenia mailowo lub telefonicznie.",
                    "email": "strategia@konstancinjeziorna.pl",
                    "phones": ["(22) 484 23 90", "(22) 484 23 92"],
                },
            },
            {
                "type": "schedule",
                "value": {
                    "title": "Harmonogram",
                    "stages": [
                        {
                            "title": "Diagnoza",
                            "start_date": "2024-11-04",
                            "end_date": "2025-02-28",
                            "status": "done",
                            "description": "Analiza danych.",
                        },
                        {
                            "title": "Konsultacje",
                            "start_date": "2025-09-01",
                            "end_date": None,
                            "status": "planned",
                            "description": "",
                        },
                    ],
                },
            },
        ]
    )
    return publish_child(home, page)
