"""Previewing a workshop page and viewing its revisions (issue 14, point 9): the sessions as they would be
after publishing, with the places counted from the registrations stored now."""

import pytest
from django.urls import reverse

from forms.models import WorkshopPage
from forms.privacy.permissions import ROLE_FORM_ADMINS
from tests.forms.fixtures_admin import make_user
from tests.forms.fixtures_workshops import register_people
from tests.forms.workshops.test_admin import edit_data, session_row

pytestmark = pytest.mark.django_db

NEW_SESSION = {"id": "", "title": "Sesja wieczorna", "starts_at": "2027-01-17 17:00", "ends_at": "2027-01-17 19:00",
               "capacity": "5", "ORDER": "3"}


@pytest.fixture
def form_admin_client(client):
    client.force_login(make_user("administratorka", ROLE_FORM_ADMINS))
    return client


def preview(client, url, data):
    posted = client.post(url, data)
    assert posted.status_code == 200 and posted.json()["is_valid"], posted.content
    return client.get(url)


def test_preview_shows_unsaved_sessions_with_places_counted_now(form_admin_client, live_workshop):
    small, large = live_workshop.sessions.order_by("sort_order")
    register_people(live_workshop, small, 1)
    data = edit_data(live_workshop, sessions=[session_row(small, capacity=4), session_row(large), NEW_SESSION])

    response = preview(form_admin_client, reverse("wagtailadmin_pages:preview_on_edit", args=[live_workshop.pk]), data)

    assert response.status_code == 200
    summary = response.content.decode().split('class="session-summary"')[1].split("</ul>")[0]
    assert "zostały 3 z 4 miejsc" in summary  # the new capacity, minus the person registered
    assert "zostało 30 z 30 miejsc" in summary
    assert "Sesja wieczorna" in summary and "zostało 5 z 5 miejsc" in summary
    assert "17 stycznia 2027, 17:00" in summary
    # Nothing was saved by the preview.
    small.refresh_from_db()
    assert small.capacity == 2 and not live_workshop.sessions.filter(title="Sesja wieczorna").exists()


def test_preview_of_a_new_workshop_page(form_admin_client, live_workshop, form_index):
    # The fields of an existing page, as a new page under the same section, with one new session.
    data = edit_data(live_workshop, sessions=[NEW_SESSION], title="Warsztaty o transporcie",
                     slug="warsztaty-o-transporcie")
    data["sessions-INITIAL_FORMS"] = "0"
    url = reverse("wagtailadmin_pages:preview_on_add", args=["strategy_forms", "workshoppage", form_index.pk])

    response = preview(form_admin_client, url, data)

    assert response.status_code == 200
    assert "Sesja wieczorna" in response.content.decode()
    assert "zostało 5 z 5 miejsc" in response.content.decode()
    assert not WorkshopPage.objects.filter(slug="warsztaty-o-transporcie").exists()


def test_revision_view_shows_that_revisions_sessions(form_admin_client, live_workshop):
    small, large = live_workshop.sessions.order_by("sort_order")
    old = live_workshop.save_revision()
    small.title = "Sesja po zmianie"
    small.save()
    live_workshop.refresh_from_db()
    live_workshop.save_revision().publish()

    response = form_admin_client.get(reverse("wagtailadmin_pages:revisions_view", args=[live_workshop.pk, old.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert small.title != "Sesja 1" and "Sesja 1" in content and "Sesja po zmianie" not in content
