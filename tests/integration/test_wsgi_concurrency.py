"""Integration: the registration race through a real WSGI server with two worker processes.

gunicorn (2 sync workers, separate processes, each with its own database connection) serves the
workshop page of the test database; N ≥ 10·K threads post the public form at once for one session of
capacity K. Exactly K are confirmed, the others waitlisted, none lost, no server error."""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from forms.models import FormIndexPage, Registration
from tests.forms.fixtures_workshops import make_workshop

from .servers import Gunicorn

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
Status = Registration.Status


def post_registrations(url, session_id, count):
    """``count`` clients (one thread, cookie jar and CSRF token each) post together; returns statuses."""
    barrier = threading.Barrier(count)
    statuses, errors = [None] * count, []

    def client(number):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        try:
            with opener.open(url, timeout=60) as response:
                token = CSRF_INPUT.search(response.read().decode()).group(1)
            body = urllib.parse.urlencode({
                "csrfmiddlewaretoken": token, "full_name": f"Osoba {number}", "email": f"osoba{number}@example.org",
                "sessions": session_id, "consent": "on",
            }).encode()
            barrier.wait(timeout=60)
            request = urllib.request.Request(url, data=body, headers={"Referer": url})
            try:
                with opener.open(request, timeout=120) as response:
                    response.read()
                    statuses[number] = response.status
            except urllib.error.HTTPError as exc:
                statuses[number] = exc.code
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(repr(exc))
            barrier.abort()

    threads = [threading.Thread(target=client, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return statuses, errors


@pytest.mark.parametrize("capacity", [3])
def test_two_gunicorn_workers_never_overbook(site_root_with_forms, tmp_path, capacity):
    page = make_workshop(capacities=(capacity,), parent=site_root_with_forms, slug="wyscig")
    page.save_revision().publish()
    session = page.sessions.get()
    attempts = 10 * capacity + 2
    # The form's per-client limit would refuse most posts from one loopback address: lifted here.
    with Gunicorn(tmp_path / "gunicorn.log", workers=2, FORM_RATE_LIMIT="100000/60") as server:
        statuses, errors = post_registrations(server.url(page.url), session.pk, attempts)
    log = (tmp_path / "gunicorn.log").read_text()
    assert errors == [], log[-3000:]
    assert all(status == 200 for status in statuses), (statuses, log[-3000:])
    stored = Registration.objects.filter(session=session)
    assert stored.count() == attempts
    assert stored.filter(status=Status.CONFIRMED).count() == capacity
    assert stored.filter(status=Status.WAITLISTED).count() == attempts - capacity


@pytest.fixture
def site_root_with_forms(db):
    from wagtail.models import Site

    root = Site.objects.get(is_default_site=True).root_page
    index = FormIndexPage(title="Ankiety", slug="ankiety-wsgi")
    root.add_child(instance=index)
    index.save_revision().publish()
    return index
