"""Integration (issue 15 point 1): a session moves after people registered; the real worker
(``manage.py qcluster``, ORM broker) sends exactly one change notice per person to a real SMTP server
on loopback, with the calendar update (same UID as the confirmation, SEQUENCE 1, METHOD:REQUEST)."""

from datetime import UTC, timedelta

import icalendar
import pytest
from django_q.conf import Conf

from forms.models import WorkshopPage
from forms.workshops import messages as workshop_messages
from forms.workshops import services
from notifications.models import Notification
from tests.notifications.conftest import make_workshop
from tests.notifications.servers import SmtpServer, Worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def calendar(received):
    (part,) = [part for part in received.message.iter_attachments() if part.get_content_type() == "text/calendar"]
    parsed = icalendar.Calendar.from_ical(part.get_content())
    (event,) = parsed.walk("VEVENT")
    return str(parsed["METHOD"]), event


def test_a_moved_session_reaches_each_person_once_through_the_worker(tmp_path, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)  # queue to the ORM broker, as in production
    page = make_workshop(capacities=(1,))
    session = page.sessions.get()
    services.register(page, sessions=[session], full_name="Anna Nowak", email="anna@example.org")
    services.register(page, sessions=[session], full_name="Jan Kowal", email="jan@example.org")  # waiting

    with SmtpServer() as smtp:
        worker = Worker(smtp.port, tmp_path / "qcluster.log").start()
        try:
            wait_for(lambda: len(smtp.handler.snapshot()) == 2, timeout=90, message="the two first messages",
                     workers=[worker])
            (confirmation,) = [r for r in smtp.handler.snapshot() if r.recipients == ["anna@example.org"]]
            _method, original = calendar(confirmation)

            page = WorkshopPage.objects.get(pk=page.pk)
            page.sessions = list(page.sessions.all())
            moved = page.sessions.all()[0]
            new_start = moved.starts_at + timedelta(days=7)
            moved.starts_at, moved.ends_at = new_start, moved.ends_at + timedelta(days=7)
            page.save_revision().publish()

            wait_for(lambda: len(smtp.handler.snapshot()) == 4, timeout=90, message="the change notices",
                     workers=[worker])
            wait_for(lambda: not Notification.objects.filter(status__in=Notification.PENDING_STATUSES).exists(),
                     timeout=30, message="the outbox to settle", workers=[worker])
        finally:
            worker.stop()
        received = smtp.handler.snapshot()

    notices = [r for r in received if "Zmiana:" in r.message["Subject"]]
    assert sorted(r.recipients[0] for r in notices) == ["anna@example.org", "jan@example.org"]
    assert len(received) == 4  # nothing twice
    (anna,) = [r for r in notices if r.recipients == ["anna@example.org"]]
    method, event = calendar(anna)
    assert method == "REQUEST"
    assert str(event["UID"]) == str(original["UID"])
    assert (int(original["SEQUENCE"]), int(event["SEQUENCE"])) == (0, 1)
    assert event.decoded("DTSTART").astimezone(UTC) == new_start.astimezone(UTC)
    assert workshop_messages.format_date(new_start) in anna.message.get_body(("plain",)).get_content()
    assert Notification.objects.filter(kind=workshop_messages.SESSION_CHANGED, status="sent").count() == 2
