"""Self-service cancellation through the signed link."""

import pytest
from django.test import Client
from django.urls import reverse

from forms.models import Registration
from forms.workshops import services
from tests.forms.fixtures_workshops import register_people

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def full_session(live_workshop):
    """The small session (2 places) full, with one person waiting."""
    session = live_workshop.sessions.order_by("sort_order").first()
    confirmed = register_people(live_workshop, session, 2)
    waiting = register_people(live_workshop, session, 1, prefix="czeka")[0]
    return confirmed[0].registration, waiting.registration


def cancel_url(registration):
    return reverse("strategy_forms:cancel_registration", args=[services.cancel_token(registration)])


def test_url_is_where_the_issue_says():
    assert reverse("strategy_forms:cancel_registration", args=["abc"]) == "/rejestracja/anuluj/abc/"


def test_get_shows_what_will_be_cancelled_and_never_cancels(client, full_session):
    registration, _ = full_session
    response = client.get(cancel_url(registration))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Anuluj moje zgłoszenie" in content
    assert registration.session.title in content
    assert 'method="post"' in content and "csrfmiddlewaretoken" in content
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_post_cancels_and_promotes_the_first_waiter(client, full_session):
    registration, waiting = full_session
    response = client.post(cancel_url(registration))
    assert response.status_code == 200
    assert "Twoje zgłoszenie zostało anulowane." in response.content.decode()
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED


def test_already_cancelled_is_a_friendly_200(client, full_session):
    registration, _ = full_session
    client.post(cancel_url(registration))
    for response in (client.get(cancel_url(registration)), client.post(cancel_url(registration))):
        assert response.status_code == 200
        assert "To zgłoszenie zostało już anulowane." in response.content.decode()
    assert Registration.objects.filter(status=Status.CONFIRMED).count() == 2


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_token_is_a_polish_404(client, full_session, method):
    registration, _ = full_session
    token = services.cancel_token(registration)
    other_pk = services.cancel_token(full_session[1]).split(":")[0]
    for bad in (token[:-2] + "xx", f"{other_pk}:{token.split(':', 1)[1]}", "nonsense"):
        response = getattr(client, method)(f"/rejestracja/anuluj/{bad}/")
        assert response.status_code == 404
        assert "Ten link do anulowania jest nieprawidłowy." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_post_without_csrf_token_is_refused(full_session):
    registration, _ = full_session
    response = Client(enforce_csrf_checks=True).post(cancel_url(registration))
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
