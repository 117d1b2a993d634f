import types

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from strategy_pages.management.commands import load_demo_content
from strategy_pages.models import HomePage, NewsPage, SiteSettings, StrategyPage

pytestmark = pytest.mark.django_db


def counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_demo_content_is_built_from_the_seeds_and_idempotent(client, capsys, monkeypatch):
    # The other apps' demo modules (forms.demo) still run; a recorder checks the hook's contract.
    received = []
    recorder = types.SimpleNamespace(load=received.append)
    real_modules = list(load_demo_content.other_apps_demo_modules())
    monkeypatch.setattr(load_demo_content, "other_apps_demo_modules", lambda: [*real_modules, recorder])

    call_command("load_demo_content")
    first = counts()
    call_command("load_demo_content")
    assert counts() == first
    assert "konstancin2040" in capsys.readouterr().out

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(depth=2, slug="home").exists()  # Wagtail's "Welcome" page is gone

    article = NewsPage.objects.get(slug="burmistrz-zaprasza-do-udzialu-w-warsztatach-diagnostycznych")
    assert article.title == "Burmistrz zaprasza do udziału w warsztatach diagnostycznych"
    assert str(article.date) == "2025-01-08"
    assert article.image_alt and article.image_credit == "fot. Freepik.com"
    assert {tag.name for tag in article.tags.all()} == {"warsztaty", "strategia"}
    assert set(NewsPage.objects.values_list("title", flat=True)) >= {
        "Meteo alert pierwszego stopnia: Burze",
        "LGD Perły Mazowsza zaprasza na konferencję",
    }
    strategy = StrategyPage.objects.get(title="Jak mogę włączyć się w prace nad strategią?")
    assert [block.block_type for block in strategy.body].count("contact") == 1

    settings = SiteSettings.for_site(site)
    assert settings.privacy_page.title == "Informacja o przetwarzaniu danych osobowych"

    html = client.get(article.url).content.decode()
    assert "Serdecznie zapraszam mieszkańców do aktywnego udziału w warsztatach." in html
    assert "Michał Wiśniewski, burmistrz Konstancina-Jeziorny" in html
    strategy_html = client.get(strategy.url).content.decode()
    assert "Do pobrania" in strategy_html and "(TXT, " in strategy_html
    assert "strategia@konstancinjeziorna.pl" not in strategy_html

    from django.http import HttpRequest

    # django-axes (the login lock-out) needs the request every login form passes to authenticate().
    assert client.login(request=HttpRequest(), username="admin", password="konstancin2040")

    assert len(received) == 2
    assert set(received[0]) == {"home", "news_index", "news_article", "strategy_page", "privacy_page"}
    assert received[0]["news_article"].pk == article.pk
    assert received[0]["privacy_page"].pk == settings.privacy_page.pk


# Issue 16, point 5: the demo's Site is the address scripts/demo serves.

DEMO_URL = "http://127.0.0.1:8123"


def test_demo_site_is_the_served_address_in_canonical_og_sitemap_feeds_and_robots(client):
    import os
    import re
    from pathlib import Path

    call_command("load_demo_content", site_url=DEMO_URL, stdout=open(os.devnull, "w"))  # noqa: SIM115
    host = {"HTTP_HOST": "127.0.0.1:8123"}
    home = client.get("/", **host).content.decode()
    urls = re.findall(r'<link rel="canonical" href="([^"]+)"', home)
    urls += re.findall(r'<meta property="og:url" content="([^"]+)"', home)
    sitemap = client.get("/sitemap.xml", **host).content.decode()
    urls += re.findall(r"<loc>([^<]+)</loc>", sitemap)
    rss = client.get("/aktualnosci/feed/rss/", **host).content.decode()
    urls += re.findall(r"<link>([^<]+)</link>", rss)
    robots = client.get("/robots.txt", **host).content.decode()
    urls += re.findall(r"Sitemap: (\S+)", robots)
    assert len(urls) >= 8, urls
    assert all(url.startswith(DEMO_URL + "/") for url in urls), [u for u in urls if not u.startswith(DEMO_URL)]
    # scripts/demo hands the address it serves to the command.
    script = (Path(__file__).resolve().parents[2] / "scripts" / "demo").read_text()
    assert 'load_demo_content --site-url "http://127.0.0.1:$PORT"' in script
    assert 'runserver "0.0.0.0:$PORT"' in script


def test_demo_workshop_title_names_the_day_of_its_sessions(client):
    import os
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from forms.models import WorkshopPage

    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    workshop = WorkshopPage.objects.get()
    days = {timezone.localtime(s.starts_at, ZoneInfo("Europe/Warsaw")).date() for s in workshop.sessions.all()}
    (day,) = days
    months = ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
              "października", "listopada", "grudnia"]
    assert workshop.title.endswith(f"– {day.day} {months[day.month - 1]}")
