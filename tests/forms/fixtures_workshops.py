from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page, Site

from forms.models import FormIndexPage, WorkshopPage, WorkshopSession
from forms.workshops import services


def make_workshop(*, capacities=(30,), waitlist=True, parent=None, **fields):
    """A published workshop page with one session per capacity given."""
    parent = parent or Page.get_first_root_node()
    now = timezone.now()
    page = WorkshopPage(
        title=fields.pop("title", "Warsztaty diagnostyczne"),
        venue=fields.pop("venue", "Sala posiedzeń, ul. Piaseczyńska 77"),
        registration_opens_at=fields.pop("registration_opens_at", now - timedelta(days=1)),
        registration_closes_at=fields.pop("registration_closes_at", now + timedelta(days=10)),
        waitlist_enabled=waitlist,
        **fields,
    )
    parent.add_child(instance=page)
    start = now + timedelta(days=14)
    for index, capacity in enumerate(capacities):
        WorkshopSession.objects.create(
            page=page,
            sort_order=index,
            title=f"Sesja {index + 1}",
            starts_at=start + timedelta(hours=1.5 * index),
            ends_at=start + timedelta(hours=1.5 * (index + 1)),
            capacity=capacity,
        )
    return page


@pytest.fixture
def workshop(db):
    return make_workshop(capacities=(3, 30))


def register_people(page, session, count, *, prefix="osoba"):
    """``count`` people registering for one session, in order; returns their outcomes."""
    return [
        services.register(page, sessions=[session], full_name=f"Osoba {i}", email=f"{prefix}{i}@example.org")[0]
        for i in range(count)
    ]


@pytest.fixture
def site_root(db):
    return Site.objects.get(is_default_site=True).root_page


@pytest.fixture
def form_index(site_root):
    index = FormIndexPage(title="Ankiety", slug="ankiety")
    site_root.add_child(instance=index)
    return index


@pytest.fixture
def live_workshop(form_index):
    """A workshop served at a URL (under the default site): a small session and a large one."""
    return make_workshop(capacities=(2, 30), parent=form_index, slug="warsztaty")


def starting_today(session):
    """Moves ``session`` to start today (local time), as at the door: attendance and check-in are only
    possible from the session's day. It starts a minute from now, or now when that would be tomorrow."""
    now = timezone.localtime()
    starts_at = now + timedelta(minutes=1)
    if starts_at.date() != now.date():
        starts_at = now
    length = session.ends_at - session.starts_at
    WorkshopSession.objects.filter(pk=session.pk).update(starts_at=starts_at, ends_at=starts_at + length)
    session.refresh_from_db()
    return session
