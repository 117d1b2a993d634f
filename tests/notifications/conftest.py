from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from wagtail.models import Site

from forms.models import FormIndexPage, WorkshopPage, WorkshopSession
from forms.workshops import messages as workshop_messages
from forms.workshops import services

WARSAW = ZoneInfo("Europe/Warsaw")
STAFF = "biuro@konstancinjeziorna.example, strategia@konstancinjeziorna.example"


def session_start(days=14):
    """17:00 in Warsaw, ``days`` from now: a fixed local wall-clock time to check time zones against."""
    day = (timezone.now() + timedelta(days=days)).astimezone(WARSAW).date()
    return datetime(day.year, day.month, day.day, 17, 0, tzinfo=WARSAW)


def make_workshop(*, capacities=(30,), parent=None, recipients="", **fields):
    """A live workshop page under the default site (so it is served) with one session per capacity."""
    if parent is None:
        root = Site.objects.get(is_default_site=True).root_page
        parent = FormIndexPage(title="Formularze", slug=f"formularze-{FormIndexPage.objects.count() + 1}")
        root.add_child(instance=parent)
    now = timezone.now()
    page = WorkshopPage(
        title=fields.pop("title", "Warsztaty diagnostyczne"),
        venue=fields.pop("venue", "Sala posiedzeń, ul. Piaseczyńska 77"),
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=10),
        notification_recipients=recipients,
        **fields,
    )
    parent.add_child(instance=page)
    start = session_start()
    for index, capacity in enumerate(capacities):
        WorkshopSession.objects.create(
            page=page,
            sort_order=index,
            title=f"Sesja {index + 1}: diagnoza",
            starts_at=start + timedelta(hours=2 * index),
            ends_at=start + timedelta(hours=2 * index + 1.5),
            capacity=capacity,
        )
    workshop_messages.sessions_published(page)
    return page


def register(page, session, name="Anna Nowak", email="anna.nowak@example.org"):
    return services.register(page, sessions=[session], full_name=name, email=email)[0]


@pytest.fixture
def workshop(db):
    return make_workshop(capacities=(2, 30), recipients=STAFF)


@pytest.fixture
def quiet_workshop(db):
    """No staff recipients: only participants get mail."""
    return make_workshop(capacities=(2, 30))
