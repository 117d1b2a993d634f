"""The {% upcoming_workshops %} tag used on the home page and beside news."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forms.models import WorkshopSession
from tests.forms.fixtures_workshops import make_workshop, register_people

pytestmark = pytest.mark.django_db


def render_tag(limit=3):
    template = Template("{% load workshop_tags %}{% upcoming_workshops limit=" + str(limit) + " %}")
    return template.render(Context({"request": RequestFactory().get("/")}))


def test_lists_upcoming_workshops_with_dates_and_places_left(live_workshop):
    small = live_workshop.sessions.order_by("sort_order").first()
    register_people(live_workshop, small, 1)
    content = render_tag()
    assert "Najbliższe warsztaty" in content
    assert f'href="{live_workshop.url}"' in content
    assert "zostało 1 z 2 miejsc" in content
    assert "zostało 30 z 30 miejsc" in content
    assert timezone.localtime(small.starts_at).strftime("%H:%M") in content


def test_leaves_out_past_sessions_and_unpublished_pages(form_index):
    past = make_workshop(capacities=(5,), parent=form_index, title="Dawne")
    past.sessions.update(starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2))
    draft = make_workshop(capacities=(5,), parent=form_index, title="Szkic")
    draft.unpublish()
    assert render_tag().strip() == ""


def test_soonest_first_and_limited(form_index):
    later = make_workshop(capacities=(5,), parent=form_index, title="Późniejsze")
    later.sessions.update(starts_at=timezone.now() + timedelta(days=40), ends_at=timezone.now() + timedelta(days=41))
    sooner = make_workshop(capacities=(5,), parent=form_index, title="Wcześniejsze")
    content = render_tag(limit=1)
    assert sooner.title in content and later.title not in content


def test_query_count_does_not_grow_with_workshops_or_sessions(form_index):
    make_workshop(capacities=(5,), parent=form_index, title="Pierwsze")
    render_tag()  # warm Wagtail's site root cache
    with CaptureQueriesContext(connection) as one:
        render_tag()
    for index in range(3):
        page = make_workshop(capacities=(5, 10, 20), parent=form_index, title=f"Kolejne {index}")
        register_people(page, page.sessions.first(), 2, prefix=f"p{index}-")
    render_tag(limit=10)
    with CaptureQueriesContext(connection) as many:
        content = render_tag(limit=10)
    assert content.count("<time") == 1 + 3 * 3
    assert len(many) == len(one)
    assert WorkshopSession.objects.count() == 10
