"""Points 4 and 5 of issue 13 through real processes: gunicorn with 4 sync workers (4 processes, each
with its own memory) behind a fake nginx on loopback (``proxy.FakeProxy``), configured as
docs/deployment.md says (``FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER=HTTP_X_FORWARDED_FOR``, one trusted
hop) and with no ``CACHE_URL`` — the default deployment on one machine.

Clients connect to the proxy from their own loopback addresses, and post concurrently so that every
worker takes some of the posts. An honest client stops at the limit; a client that sends a new
forged ``X-Forwarded-For`` with every post stops at it too; two clients have a bucket each."""

import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from wagtail.models import Site

from forms.models import FormIndexPage, WorkshopPage, WorkshopSession

from .proxy import FakeProxy
from .servers import Gunicorn

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LIMIT = 5
POSTS = 16
WORKERS = 4


@pytest.fixture
def workshop_url(db):
    root = Site.objects.get(is_default_site=True).root_page
    index = FormIndexPage(title="Ankiety", slug="ankiety-limit")
    root.add_child(instance=index)
    index.save_revision().publish()
    now = timezone.now()
    page = WorkshopPage(title="Warsztaty", slug="warsztaty-limit", venue="Sala",
                        registration_opens_at=now - timedelta(days=1), registration_closes_at=now + timedelta(days=9))
    index.add_child(instance=page)
    WorkshopSession.objects.create(page=page, title="Sesja", capacity=100, starts_at=now + timedelta(days=10),
                                   ends_at=now + timedelta(days=10, hours=2))
    page.save_revision().publish()
    return WorkshopPage.objects.get(pk=page.pk).url


class Client:
    """One resident: its own loopback address, its own CSRF cookie."""

    def __init__(self, proxy_port, source, url):
        self.proxy_port, self.source, self.url = proxy_port, source, url
        status, headers, body = self.request("GET")
        assert status == 200, (status, body[:500])
        cookie = SimpleCookie()
        for key, value in headers:
            if key.lower() == "set-cookie":
                cookie.load(value)
        self.csrf_cookie = cookie["csrftoken"].value
        self.csrf_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    def request(self, method, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.proxy_port, timeout=60,
                                                source_address=(self.source, 0))
        try:
            connection.request(method, self.url, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read().decode()
        finally:
            connection.close()

    def post(self, number, forged=None):
        # No consent: an invalid form (400) is counted like any other post, and stores nothing.
        body = urlencode({"csrfmiddlewaretoken": self.csrf_token, "full_name": f"Osoba {number}",
                          "email": f"osoba{number}@example.org"})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={self.csrf_cookie}",
                   "Referer": "http://127.0.0.1/"}
        if forged:
            headers["X-Forwarded-For"] = forged
        return self.request("POST", body, headers)[0]


def concurrently(function, count):
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        return list(pool.map(function, range(count)))


def test_the_limit_holds_for_every_client_across_workers_behind_the_proxy(tmp_path, workshop_url):
    env = {"TEST_FORM_RATE_LIMIT": f"{LIMIT}/600", "FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR",
           "FORM_RATE_LIMIT_TRUSTED_PROXY_COUNT": "1", "CACHE_URL": None, "FORM_RATE_LIMIT_STORE": None}
    with Gunicorn(tmp_path / "gunicorn.log", workers=WORKERS, **env) as server, FakeProxy(server.port) as proxy:
        honest = Client(proxy.port, "127.0.0.2", workshop_url)
        statuses = concurrently(honest.post, POSTS)
        assert statuses.count(429) == POSTS - LIMIT, statuses
        assert set(statuses) == {400, 429}, statuses

        spoofer = Client(proxy.port, "127.0.0.3", workshop_url)
        statuses = concurrently(lambda n: spoofer.post(n, forged=f"198.51.{n}.{n}"), POSTS)
        assert statuses.count(429) == POSTS - LIMIT, statuses

        # A third resident has a bucket of its own, full as the others are.
        other = Client(proxy.port, "127.0.0.4", workshop_url)
        statuses = concurrently(other.post, LIMIT)
        assert 429 not in statuses, statuses
        assert other.post(99) == 429
