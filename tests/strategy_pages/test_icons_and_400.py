"""Issue 16, point 6: an icon set linked from every page (no favicon 404) and a Polish 400 page."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_pages_link_an_icon_set_in_the_site_colours_that_exists(client, home):
    html = client.get(home.url).content.decode()
    head = html.split("</head>", 1)[0]
    links = dict(re.findall(r'<link rel="(icon|apple-touch-icon|manifest)" href="/static/([^"]+)"', head))
    assert set(links) == {"icon", "apple-touch-icon", "manifest"}, head
    icons = re.findall(r'<link rel="icon" href="/static/([^"]+)"', head)
    assert sorted(icons) == ["icons/favicon.ico", "icons/favicon.svg"]
    for name in [*icons, links["apple-touch-icon"], links["manifest"]]:
        assert finders.find(name), name
    with Image.open(finders.find("icons/apple-touch-icon.png")) as touch:
        assert touch.size == (180, 180)
        assert touch.convert("RGB").getpixel((2, 2)) == (0x0B, 0x5A, 0x2B)  # the site's --brand green
    with Image.open(finders.find("icons/favicon.ico")) as ico:
        assert {(16, 16), (32, 32), (48, 48)} <= set(ico.info["sizes"])
    assert "#0b5a2b" in Path(finders.find("icons/favicon.svg")).read_text()


def test_favicon_ico_at_the_root_is_no_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/icons/favicon.ico"


def test_bad_request_page_is_polish(client):
    # A request the server cannot understand: a Host header that is not a host name at all.
    response = client.get("/", HTTP_HOST="bad host name")
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert "Nieprawidłowe żądanie" in html
    assert "Bad Request" not in html
    assert "favicon" in html
