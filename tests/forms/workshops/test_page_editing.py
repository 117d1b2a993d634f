"""The workshop page's editor (issue 14, points 9, 10 and 12): the preview and the revisions show the
sessions as they would be after publishing, with the places counted from the registrations stored now;
session times are typed in Polish ("17.01.2027 17:00"), an unreadable one is an error, never replaced;
a warning when registration closes after the last session has started; the panels' wording in Polish."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from forms.models import WorkshopPage
from forms.privacy.permissions import ROLE_FORM_ADMINS
from tests.forms.fixtures_admin import make_user
from tests.forms.fixtures_workshops import register_people
from tests.forms.workshops.test_admin import edit_data, post_edit, session_row

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


def post_edit_and_follow(client, page, **changes):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_data(page, **changes), follow=True)


def local(value):
    return timezone.localtime(value).replace(tzinfo=None)


def test_session_times_typed_in_polish_are_saved(form_admin_client, live_workshop):
    small, large = live_workshop.sessions.order_by("sort_order")
    response = post_edit(form_admin_client, live_workshop, sessions=[
        session_row(small, starts_at="17.01.2027 17:00", ends_at="17.01.2027 18:30"), session_row(large),
    ], registration_closes_at="16.01.2027 12:00")

    assert response.status_code == 302, response.context["form"].formsets["sessions"].errors
    small.refresh_from_db()
    assert (local(small.starts_at), local(small.ends_at)) == (
        datetime.datetime(2027, 1, 17, 17, 0), datetime.datetime(2027, 1, 17, 18, 30))


def test_an_unreadable_session_time_is_an_error_and_what_was_typed_is_kept(form_admin_client, live_workshop):
    small, large = live_workshop.sessions.order_by("sort_order")
    before = small.starts_at
    response = post_edit(form_admin_client, live_workshop, sessions=[
        session_row(small, starts_at="17.01.2027 25:00"), session_row(large)])

    assert response.status_code == 200
    assert response.context["form"].formsets["sessions"].forms[0].errors["starts_at"] == [
        "Nie rozpoznano daty i godziny. Wpisz je w formacie DD.MM.RRRR GG:MM, np. 17.01.2027 17:00."
    ]
    assert 'value="17.01.2027 25:00"' in response.content.decode()
    small.refresh_from_db()
    assert small.starts_at == before


def test_registration_closing_after_the_last_session_is_saved_with_a_warning(form_admin_client, live_workshop):
    last_start = max(s.starts_at for s in live_workshop.sessions.all())
    closes = timezone.localtime(last_start + datetime.timedelta(days=1)).replace(second=0, microsecond=0)
    response = post_edit_and_follow(form_admin_client, live_workshop,
                                    registration_closes_at=closes.strftime("%d.%m.%Y %H:%M"))

    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and warnings[0].startswith(f"Zapisy kończą się {closes:%d.%m.%Y %H:%M}, już po ")
    live_workshop.refresh_from_db()
    assert live_workshop.registration_closes_at == closes


def test_no_warning_when_registration_closes_before_the_sessions(form_admin_client, live_workshop):
    response = post_edit_and_follow(form_admin_client, live_workshop)
    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_panels_are_worded_in_polish(form_admin_client, live_workshop):
    html = form_admin_client.get(reverse("wagtailadmin_pages:edit", args=[live_workshop.pk])).content.decode()
    assert "Dodaj sesję" in html and "Dodaj pole formularza" in html
    assert "Sesja<span data-inline-panel-child-count>" in html
    assert "Sesje<span data-inline-panel-child-count>" not in html
    assert "Wybierz klauzulę informacyjną RODO" in html and "Wybierz klauzula" not in html
