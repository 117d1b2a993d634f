"""Issue 16, point 9: fast on a slow phone. The largest image is fetched with priority and has explicit
dimensions, the project's CSS is minified and compressed in production, HTML is compressed by the app."""

import datetime
import gzip
import json
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import FileSystemStorage

from strategy_pages.models import StrategyPage

from .conftest import make_image, publish_child

pytestmark = pytest.mark.django_db

IMG = re.compile(r"<img\b[^>]*>")


def attributes(tag):
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def test_news_hero_image_is_fetched_with_priority_and_has_dimensions(client, news_article):
    html = client.get(news_article.url).content.decode()
    hero = html.split('<figure class="hero">', 1)[1].split("</figure>", 1)[0]
    (img,) = IMG.findall(hero)
    values = attributes(img)
    assert values.get("fetchpriority") == "high"
    assert "loading" not in values  # never lazy: it is the Largest Contentful Paint
    assert int(values["width"]) > 0 and int(values["height"]) > 0


def test_strategy_pages_first_image_has_priority_and_later_ones_load_lazily(client, home):
    page = StrategyPage(title="Z obrazami", slug="z-obrazami", date=datetime.date(2025, 1, 5), intro="Wstęp.")
    first, second = make_image("Pierwszy", (1200, 600)), make_image("Drugi", (800, 600))
    page.body = json.dumps([
        {"type": "image", "value": {"image": first.pk, "alt_text": "Pierwszy", "caption": "", "credit": ""}},
        {"type": "paragraph", "value": "<p>Tekst.</p>"},
        {"type": "image", "value": {"image": second.pk, "alt_text": "Drugi", "caption": "", "credit": ""}},
    ])
    publish_child(home, page)
    html = client.get(page.url).content.decode()
    images = [attributes(tag) for tag in IMG.findall(html) if 'alt="Pierwszy"' in tag or 'alt="Drugi"' in tag]
    assert [image["alt"] for image in images] == ["Pierwszy", "Drugi"]
    assert images[0].get("fetchpriority") == "high" and "loading" not in images[0]
    assert images[1].get("loading") == "lazy" and "fetchpriority" not in images[1]
    for image in images:
        assert int(image["width"]) > 0 and int(image["height"]) > 0


def test_html_is_compressed_by_the_application(client, home):
    plain = client.get(home.url)
    response = client.get(home.url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<!DOCTYPE html>" in html and home.title in html
    assert len(response.content) < len(plain.content) / 2
    assert "django.middleware.gzip.GZipMiddleware" in django_settings.MIDDLEWARE


def test_production_css_is_minified_hashed_and_compressed(tmp_path, settings):
    from cms.storage import MinifiedCompressedManifestStaticFilesStorage

    source = FileSystemStorage(location=Path(django_settings.BASE_DIR) / "cms" / "static")
    original = Path(source.path("css/site.css")).read_text()
    (tmp_path / "css").mkdir()
    shutil.copy(source.path("css/site.css"), tmp_path / "css" / "site.css")  # what collectstatic copies first
    storage = MinifiedCompressedManifestStaticFilesStorage(location=tmp_path, base_url="/static/")
    list(storage.post_process({"css/site.css": (source, "css/site.css")}))

    hashed = storage.stored_name("css/site.css")
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    minified = (tmp_path / hashed).read_text()
    assert len(minified) < 0.85 * len(original)
    assert "/*" not in minified and "\n  " not in minified
    assert "--brand:#0b5a2b" in minified
    compressed = tmp_path / f"{hashed}.gz"
    assert compressed.exists() and gzip.decompress(compressed.read_bytes()).decode() == minified
    # The source in the repository is left readable.
    assert Path(source.path("css/site.css")).read_text() == original
