"""The outbox in sync mode: exactly once, retries with back-off, failures, re-sending from the admin."""

import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule
from wagtail.models import ModelLogEntry

from notifications import services as outbox
from notifications.models import Notification, kind_label

from .backends import FlakyBackend
from .conftest import register

pytestmark = pytest.mark.django_db
Status = Notification.Status
FLAKY = "tests.notifications.backends.FlakyBackend"


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = FLAKY
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 60
    FlakyBackend.failures = []
    yield FlakyBackend
    FlakyBackend.failures = []


@pytest.fixture
def confirmation(quiet_workshop):
    """A recorded, not yet sent confirmation (on-commit callbacks are not run)."""
    register(quiet_workshop, quiet_workshop.sessions.get(sort_order=0))
    return Notification.objects.get(kind=Notification.Kind.REGISTRATION_CONFIRMED)


def test_a_key_is_recorded_once(quiet_workshop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = outbox.enqueue(key="test:1", kind="staff_digest", recipients="a@example.org", target=quiet_workshop)
        again = outbox.enqueue(key="test:1", kind="staff_digest", recipients="a@example.org", target=quiet_workshop)
    assert first is not None and again is None
    assert len(callbacks) == 1
    assert outbox.enqueue(key="test:2", kind="staff_digest", recipients=" , ") is None


def test_sending_twice_delivers_once(confirmation):
    assert outbox.send(confirmation.pk) == Status.SENT
    assert outbox.send(confirmation.pk) == Status.SENT
    assert len(mail.outbox) == 1
    confirmation.refresh_from_db()
    assert confirmation.attempts == 1 and confirmation.sent_at and confirmation.subject


def test_a_live_claim_is_left_alone_and_a_dead_one_is_taken_over(confirmation, settings):
    settings.NOTIFICATIONS_CLAIM_TIMEOUT = 60
    now = timezone.now()
    Notification.objects.filter(pk=confirmation.pk).update(status=Status.SENDING, claimed_at=now - timedelta(seconds=5))
    assert outbox.send(confirmation.pk) == Status.SENDING  # another worker is on it
    assert mail.outbox == []
    Notification.objects.filter(pk=confirmation.pk).update(claimed_at=now - timedelta(seconds=61))
    assert outbox.send(confirmation.pk) == Status.SENT  # its worker died: send it
    assert len(mail.outbox) == 1


def test_message_id_is_derived_from_the_key(confirmation):
    outbox.send(confirmation.pk)
    (message,) = mail.outbox
    assert message.message()["Message-ID"] == confirmation.message_id
    assert confirmation.message_id.startswith("<") and "registration" not in confirmation.message_id


def test_smtp_failure_is_retried_with_growing_delays_then_fails(confirmation, flaky):
    flaky.failures = [smtplib.SMTPServerDisconnected("gone")] * 3

    before = timezone.now()
    assert outbox.send(confirmation.pk) == Status.QUEUED
    confirmation.refresh_from_db()
    assert confirmation.attempts == 1 and confirmation.last_error == "SMTPServerDisconnected"
    first_delay = confirmation.next_attempt_at - before
    schedule = Schedule.objects.get(name=f"notification-retry-{confirmation.pk}")
    assert schedule.func == "notifications.tasks.send_notification" and schedule.args == f"({confirmation.pk},)"
    assert schedule.schedule_type == Schedule.ONCE and schedule.next_run == confirmation.next_attempt_at
    assert timedelta(seconds=59) <= first_delay <= timedelta(seconds=62)

    before = timezone.now()
    assert outbox.send(confirmation.pk) == Status.QUEUED
    confirmation.refresh_from_db()
    assert timedelta(seconds=119) <= confirmation.next_attempt_at - before <= timedelta(seconds=122)

    assert outbox.send(confirmation.pk) == Status.FAILED  # third attempt of three
    confirmation.refresh_from_db()
    assert confirmation.status == Status.FAILED and confirmation.attempts == 3
    assert mail.outbox == []


def test_smtp_failure_then_recovery_delivers_one_message(confirmation, flaky):
    flaky.failures = [smtplib.SMTPDataError(451, b"try later")]
    assert outbox.send(confirmation.pk) == Status.QUEUED
    assert outbox.send(confirmation.pk) == Status.SENT
    assert outbox.send(confirmation.pk) == Status.SENT
    assert len(mail.outbox) == 1


def test_permanent_refusal_fails_at_once_without_personal_data(confirmation, flaky):
    flaky.failures = [smtplib.SMTPRecipientsRefused({"anna.nowak@example.org": (550, b"no such user")})]
    assert outbox.send(confirmation.pk) == Status.FAILED
    confirmation.refresh_from_db()
    assert confirmation.last_error == "SMTPRecipientsRefused"
    assert "anna" not in confirmation.last_error


def test_stalled_notifications_are_queued_again(confirmation, settings):
    settings.NOTIFICATIONS_STALL_SECONDS = 600
    assert outbox.requeue_stalled() == 0  # just recorded
    Notification.objects.filter(pk=confirmation.pk).update(queued_at=timezone.now() - timedelta(hours=1))
    assert outbox.requeue_stalled() == 1  # sync mode: sent right away
    assert len(mail.outbox) == 1
    assert outbox.requeue_stalled() == 0


def test_requeue_schedule_exists_after_migrate():
    schedule = Schedule.objects.get(name="notifications-requeue-stalled")
    assert schedule.func == "notifications.tasks.requeue_stalled_notifications"


# Admin -------------------------------------------------------------------------------------


@pytest.fixture
def sent(confirmation):
    outbox.send(confirmation.pk)
    confirmation.refresh_from_db()
    return confirmation


def test_admin_lists_notifications_of_a_page(admin_client, sent, quiet_workshop):
    response = admin_client.get(reverse("notifications:index"), {"page": quiet_workshop.pk, "status": "sent"})
    assert response.status_code == 200
    assert str(sent) in response.content.decode()
    assert reverse("notifications:resend", args=[sent.pk]) in response.content.decode()
    response = admin_client.get(reverse("notifications:index"), {"status": "failed"})
    assert str(sent) not in response.content.decode()
    response = admin_client.get(reverse("notifications:inspect", args=[sent.pk]))
    assert response.status_code == 200 and sent.subject in response.content.decode()


def test_admin_resends_a_sent_notification_under_a_new_key(
    admin_client, admin_user, sent, django_capture_on_commit_callbacks
):
    url = reverse("notifications:resend", args=[sent.pk])
    assert admin_client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url)
    again = Notification.objects.get(resend_of=sent)
    assert response.status_code == 302 and response.url == reverse("notifications:inspect", args=[again.pk])
    assert again.key == f"{sent.key}#resend-1" and again.status == Status.SENT
    assert len(mail.outbox) == 2 and mail.outbox[1].extra_headers["Message-ID"] != sent.message_id
    entry = ModelLogEntry.objects.get(action="notifications.resend")
    assert entry.user == admin_user and entry.object_id == str(again.pk)


def test_admin_resends_a_failed_notification_in_place(
    admin_client, confirmation, flaky, django_capture_on_commit_callbacks
):
    flaky.failures = [smtplib.SMTPDataError(554, b"rejected")]
    outbox.send(confirmation.pk)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("notifications:resend", args=[confirmation.pk]))
    confirmation.refresh_from_db()
    assert confirmation.status == Status.SENT and confirmation.attempts == 1
    assert Notification.objects.count() == 1


def test_admin_needs_permissions_and_never_edits(client, django_user_model, sent):
    user = django_user_model.objects.create_user("redaktor", password="haslo-redaktora")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse("notifications:index")).status_code in (302, 403)
    user.user_permissions.add(Permission.objects.get(codename="view_notification"))
    user = django_user_model.objects.get(pk=user.pk)
    client.force_login(user)
    assert client.get(reverse("notifications:index")).status_code == 200
    assert client.post(reverse("notifications:resend", args=[sent.pk])).status_code in (302, 403)
    assert Notification.objects.count() == 1
    assert client.get(reverse("notifications:edit", args=[sent.pk])).status_code in (302, 403)


def test_workshop_page_header_links_to_its_notifications(admin_client, sent, quiet_workshop):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[quiet_workshop.pk]))
    assert response.status_code == 200
    assert f'{reverse("notifications:index")}?page={quiet_workshop.pk}' in response.content.decode()


def test_kinds_registered_by_other_apps_are_labelled(db, monkeypatch):
    from notifications import registry

    monkeypatch.setattr(registry, "_builders", dict(registry._builders))
    monkeypatch.setattr(registry, "_labels", dict(registry._labels))
    registry.message_builder("test_kind", label="Test kind")(lambda notification: None)
    assert kind_label("test_kind") == "Test kind"
    assert Notification(kind="test_kind").get_kind_display() == "Test kind"
    assert Notification(kind="registration_confirmed").get_kind_display() == "potwierdzenie zapisu"


def test_outbox_rows_stay_out_of_the_reference_index(quiet_workshop, django_capture_on_commit_callbacks):
    """Wagtail's reference index lists what uses a page; an outbox row is no content, and indexing each
    one cost a query-heavy task on every registration."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    with django_capture_on_commit_callbacks(execute=True):
        notification = outbox.enqueue(
            key="test:index", kind="staff_digest", recipients="a@example.org", target=quiet_workshop,
            page=quiet_workshop,
        )
        quiet_workshop.save_revision().publish()  # a page's own save is still indexed
    assert notification.page_id == quiet_workshop.pk
    notification_type = ContentType.objects.get_for_model(Notification)
    assert not ReferenceIndex.objects.filter(content_type=notification_type).exists()
    assert ReferenceIndex.model_is_indexable(Notification) is False
