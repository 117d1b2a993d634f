"""Point 9 of issue 13 (second half): a cancellation link stops working once its session has started,
and nobody is promoted into a session that has started."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forms.models import Registration
from forms.workshops import services
from forms.workshops.exceptions import SessionStarted
from tests.forms.fixtures_workshops import register_people
from tests.forms.workshops.test_cancel_view import cancel_url

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def started_session(live_workshop):
    """The small session (2 places) full with one person waiting, and then it starts."""
    session = live_workshop.sessions.order_by("sort_order").first()
    confirmed = register_people(live_workshop, session, 2)
    waiting = register_people(live_workshop, session, 1, prefix="czeka")[0]
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.ends_at = timezone.now() + timedelta(hours=1)
    session.save()
    return confirmed[0].registration, waiting.registration


def test_the_link_no_longer_cancels_once_the_session_has_started(client, started_session):
    registration, waiting = started_session
    page = client.get(cancel_url(registration))
    assert page.status_code == 410
    assert "już się rozpoczęła" in page.content.decode()
    assert 'method="post"' not in page.content.decode()
    response = client.post(cancel_url(registration))
    assert response.status_code == 410
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert waiting.status == Status.WAITLISTED


def test_the_service_refuses_the_persons_own_cancellation(started_session):
    registration, _ = started_session
    with pytest.raises(SessionStarted):
        services.cancel(registration)


def test_staff_may_cancel_but_nobody_is_promoted_into_a_started_session(started_session):
    registration, waiting = started_session
    outcome = services.cancel(registration, by_staff=True)
    assert outcome.promoted is None
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    session = type(registration.session).objects.get(pk=registration.session_id)
    session.capacity = 5
    session.save()
    assert services.promote_waiters(session) == []


def test_before_the_start_the_link_still_works_and_promotes(client, live_workshop):
    session = live_workshop.sessions.order_by("sort_order").first()
    registration = register_people(live_workshop, session, 2)[0].registration
    waiting = register_people(live_workshop, session, 1, prefix="czeka")[0].registration
    assert client.post(cancel_url(registration)).status_code == 200
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED
