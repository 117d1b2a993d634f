"""Integration: the real worker (manage.py qcluster, ORM broker) and a real SMTP server on loopback.

The database is the test database itself (a file for SQLite, the test database on PostgreSQL), so
these tests commit for real (``transaction=True``) and the worker process sees what they write.
"""

import http.cookiejar
import re
import urllib.parse
import urllib.request
from collections import Counter

import icalendar
import pytest
from django_q.conf import Conf

from forms.workshops import services
from notifications.models import Notification

from .conftest import WARSAW, make_workshop
from .servers import RecordingHandler, SmtpServer, Worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
Status = Notification.Status


@pytest.fixture
def queued_for_real(monkeypatch):
    """Tasks from this process go to the ORM broker instead of running inline (django-q2 reads
    Q_CLUSTER once at import, so the class attribute is patched)."""
    monkeypatch.setattr(Conf, "SYNC", False)


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def start_worker(smtp, tmp_path):
    workers = []

    def start(**env):
        worker = Worker(smtp.port, tmp_path / f"qcluster-{len(workers)}.log", **env).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def attachments(message):
    return list(message.iter_attachments())


def calendar_event(message):
    (part,) = [part for part in attachments(message) if part.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    return event


def post_registration(url, data):
    """GET the page for the CSRF cookie and token, then POST the form like a browser."""
    cookies = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    html = opener.open(url, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    return opener.open(request, timeout=30)


def test_registration_over_http_gets_its_confirmation_with_ics_from_the_worker(
    live_server, smtp, start_worker, queued_for_real
):
    page = make_workshop(capacities=(10,))
    session = page.sessions.get()
    worker = start_worker()

    response = post_registration(
        live_server.url + page.url,
        {
            "full_name": "Anna Nowak",
            "email": "anna.nowak@example.org",
            "phone": "",
            "sessions": [session.pk],
            "consent": "on",
        },
    )
    assert response.status == 200

    wait_for(lambda: smtp.handler.snapshot(), timeout=60, message="the confirmation", workers=[worker])
    (received,) = smtp.handler.snapshot()
    assert received.recipients == ["anna.nowak@example.org"]
    message = received.message
    assert "Sesja 1: diagnoza" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "17:00–18:30" in text and "Sala posiedzeń" in text
    assert message.get_body(("html",)) is not None
    event = calendar_event(message)
    assert event["DTSTART"].params["TZID"] == "Europe/Warsaw"
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTSTART").astimezone(WARSAW).hour == 17
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["LOCATION"]) == page.venue
    confirmation = Notification.objects.get(kind=Notification.Kind.REGISTRATION_CONFIRMED)
    # The worker marks the row sent just after the SMTP server has accepted the message.
    wait_for(
        lambda: Notification.objects.filter(pk=confirmation.pk, status=Status.SENT).exists(),
        timeout=30, message="the sent mark", workers=[worker],
    )
    assert message["Message-ID"] == confirmation.message_id


def test_smtp_failing_first_then_recovering_delivers_exactly_one_message(smtp, start_worker, queued_for_real):
    smtp.handler.fail_next = 1
    page = make_workshop(capacities=(10,))
    services.register(page, sessions=[page.sessions.get()], full_name="Jan Kowalski", email="jan@example.org")
    worker = start_worker()

    notification = Notification.objects.get()
    wait_for(lambda: smtp.handler.refused, timeout=60, message="the first, refused attempt", workers=[worker])
    wait_for(
        lambda: Notification.objects.filter(pk=notification.pk, status=Status.SENT).exists(),
        timeout=90,  # the retry is a django-q2 schedule: the cluster looks at schedules every 30 s
        message="the retry",
        workers=[worker],
    )
    notification.refresh_from_db()
    assert notification.attempts == 2 and notification.last_error == ""
    assert [r.recipients for r in smtp.handler.snapshot()] == [["jan@example.org"]]


def test_worker_killed_mid_task_and_restarted_delivers_every_message_exactly_once(smtp, start_worker, queued_for_real):
    count = 12
    page = make_workshop(capacities=(100,))
    session = page.sessions.get()
    for index in range(count):
        services.register(page, sessions=[session], full_name=f"Osoba {index}", email=f"osoba{index}@example.org")
    handler: RecordingHandler = smtp.handler
    handler.delay = 0.1

    first = start_worker(Q_WORKERS=2)
    wait_for(lambda: len(handler.snapshot()) >= 3, timeout=60, message="first deliveries", workers=[first])
    handler.gate.clear()  # hold the next messages mid-DATA, before the server accepts them
    # Kill only once both workers wait at the gate and every accepted message is marked sent: a message
    # the server accepted just before the kill, but the worker had not yet marked, is sent again; that
    # window is the documented limit of notifications/services.py, not what this test is about.
    wait_for(
        lambda: handler.held >= 2
        and Notification.objects.filter(status=Status.SENT).count() == len(handler.snapshot()),
        timeout=30, message="both workers held mid-send", workers=[first],
    )
    first.kill()
    interrupted = set(Notification.objects.filter(status=Status.SENDING).values_list("pk", flat=True))
    assert len(interrupted) == 2  # the two held messages: claimed by the dead workers, never marked sent
    # The server drops a held message once it sees its client gone; opening the gate before the
    # server has noticed would accept a message no client is waiting for.
    wait_for(lambda: handler.in_flight == 0, timeout=30, message="the server to drop the held messages")
    handler.gate.set()

    second = start_worker(Q_WORKERS=2)
    wait_for(
        lambda: not Notification.objects.exclude(status=Status.SENT).exists(),
        timeout=90,
        message="every notification sent",
        workers=[second],
    )
    received = handler.snapshot()
    by_recipient = Counter(address for r in received for address in r.recipients)
    by_message_id = Counter(r.message["Message-ID"] for r in received)
    assert len(received) == count
    assert by_recipient == {f"osoba{index}@example.org": 1 for index in range(count)}
    assert set(by_message_id.values()) == {1}
    assert set(by_message_id) == {n.message_id for n in Notification.objects.all()}
    # The interrupted ones were re-delivered by django-q2 and taken over after their claims expired.
    assert all(n.attempts == 2 for n in Notification.objects.filter(pk__in=interrupted))


def test_three_session_submission_gets_one_confirmation_from_the_worker(
    live_server, smtp, start_worker, queued_for_real
):
    """Issue 15.2: a post for three sessions (one full, so waitlisted) is one message to the person,
    with one calendar file holding the two confirmed sessions, and one message to staff."""
    from forms.models import Registration
    from forms.workshops.messages import STAFF_SUBMISSION, SUBMISSION_CONFIRMED

    page = make_workshop(capacities=(10, 1, 10), recipients="sekretariat@example.org")
    sessions = list(page.sessions.order_by("sort_order"))
    services.register(page, sessions=[sessions[1]], full_name="Pierwsza", email="pierwsza@example.org")
    worker = start_worker()
    # The first person's confirmation, staff message and the "session full" alert.
    wait_for(lambda: len(smtp.handler.snapshot()) == 3, timeout=60, message="the first person's mail",
             workers=[worker])

    response = post_registration(
        live_server.url + page.url,
        {"full_name": "Anna Nowak", "email": "anna.nowak@example.org", "phone": "",
         "sessions": [s.pk for s in sessions], "consent": "on"},
    )
    assert response.status == 200 and "/rejestracja/wynik/" in response.url

    mine = Notification.objects.filter(kind__in=[SUBMISSION_CONFIRMED, STAFF_SUBMISSION])
    wait_for(lambda: mine.filter(status=Status.SENT).count() == 2, timeout=60, message="the submission's mail",
             workers=[worker])
    received = smtp.handler.snapshot()
    to_anna = [r for r in received if r.recipients == ["anna.nowak@example.org"]]
    staff_id = mine.get(kind=STAFF_SUBMISSION).message_id
    to_staff = [r for r in received if r.message["Message-ID"] == staff_id]
    assert len(to_anna) == 1 and len(to_staff) == 1 and to_staff[0].recipients == ["sekretariat@example.org"]
    assert len(received) == 5
    message = to_anna[0].message
    text = message.get_body(("plain",)).get_content()
    assert all(session.title in text for session in sessions) and "na miejscu 1" in text
    (part,) = [part for part in attachments(message) if part.get_content_type() == "text/calendar"]
    events = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")
    confirmed = Registration.objects.filter(email="anna.nowak@example.org", status="confirmed")
    assert sorted(e.decoded("DTSTART") for e in events) == sorted(r.session.starts_at for r in confirmed)
    assert len(events) == 2
    assert message["Message-ID"] == mine.get(kind=SUBMISSION_CONFIRMED).message_id
    assert not Notification.objects.filter(kind=Notification.Kind.REGISTRATION_CONFIRMED,
                                           recipients="anna.nowak@example.org").exists()
