"""Points 4 and 5 of issue 13 in one process: the client address behind trusted proxies, and the
store every web process shares (the database without CACHE_URL)."""

import pytest
from django.test import RequestFactory

from forms.abuse import client_address, rate_limit_store
from forms.counters import SharedCounter
from forms.models import Registration
from tests.forms.abuse.test_abuse import registration_data

pytestmark = pytest.mark.django_db


def request_with(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **meta)


def test_without_the_option_the_connection_address_is_the_client(settings):
    settings.FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER = None
    assert client_address(request_with("10.0.0.1", "203.0.113.7")) == "10.0.0.1"


def test_the_address_the_trusted_proxy_appended_is_used_never_the_spoofed_prefix(settings):
    settings.FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.FORM_RATE_LIMIT_TRUSTED_PROXY_COUNT = 1
    # nginx's $proxy_add_x_forwarded_for: what the client sent, then the address nginx saw.
    assert client_address(request_with("127.0.0.1", "198.51.100.1, 203.0.113.7")) == "203.0.113.7"
    assert client_address(request_with("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    assert client_address(request_with("127.0.0.1", "1.2.3.4, 5.6.7.8, 203.0.113.7")) == "203.0.113.7"


def test_the_number_of_trusted_hops_is_configurable(settings):
    settings.FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.FORM_RATE_LIMIT_TRUSTED_PROXY_COUNT = 2
    # A load balancer appended the client, then nginx appended the load balancer.
    assert client_address(request_with("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.5")) == "203.0.113.7"
    # Fewer entries than trusted proxies (the request bypassed them): the connection's address.
    assert client_address(request_with("10.9.9.9", "203.0.113.7")) == "10.9.9.9"


def test_an_entry_that_is_no_address_falls_back_to_the_connection(settings):
    settings.FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_address(request_with("10.0.0.1", "203.0.113.7, not-an-ip")) == "10.0.0.1"
    assert client_address(request_with("10.0.0.1", "[2001:db8::1]:443")) == "2001:db8::1"


def test_a_spoofed_prefix_does_not_give_a_fresh_bucket(client, settings, workshop, sessions):
    settings.FORM_RATE_LIMIT = "3/600"
    settings.FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    statuses = [
        client.post(workshop.url, registration_data(sessions, email=f"s{i}@example.org"), REMOTE_ADDR="127.0.0.1",
                    HTTP_X_FORWARDED_FOR=f"10.{i}.{i}.{i}, 203.0.113.7").status_code
        for i in range(6)
    ]
    assert statuses == [303, 303, 303, 429, 429, 429]
    assert Registration.objects.count() == 3


def test_without_cache_url_posts_are_counted_in_the_database(client, settings, workshop, sessions):
    assert rate_limit_store() == "database"  # the test settings have no CACHE_URL, like a default deployment
    settings.FORM_RATE_LIMIT = "2/600"
    for i in range(3):
        client.post(workshop.url, registration_data(sessions, email=f"d{i}@example.org"))
    counter = SharedCounter.objects.get()
    assert counter.count == 3
    assert "127.0.0.1" not in counter.key  # hashed, never the address in clear


def test_the_default_settings_never_count_in_a_per_process_memory():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in {"CACHE_URL", "FORM_RATE_LIMIT_STORE"}}
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.base"
    code = "from django.conf import settings; print(settings.FORM_RATE_LIMIT_STORE)"
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "database"
    env["CACHE_URL"] = "redis://127.0.0.1:6399/1"
    out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code], env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "cache"
