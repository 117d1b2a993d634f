"""Running a workshop from the admin: list and filters, staff-added registrations (capacity and
duplicates hold), moving, cancelling, check-in, the attendance list and the dashboard panel."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from forms.models import Registration
from forms.workshops import services
from forms.workshops.exceptions import MoveRefused
from notifications.models import Notification

pytestmark = pytest.mark.django_db

Status = Registration.Status


def register(page, session, name, email):
    return services.register(page, sessions=[session], full_name=name, email=email)[0]


@pytest.fixture
def full_first_session(workshop, sessions):
    """Session 1 (2 places) full, with one person waiting."""
    return [register(workshop, sessions[0], f"Osoba {i}", f"osoba{i}@example.org").registration for i in range(3)]


def staff_add(client, page, sessions, **fields):
    data = {"sessions": [s.pk for s in sessions], "full_name": "Jan Telefoniczny", "email": "", "phone": "600 700 800",
            "channel": "phone", "consent": "on", **fields}
    return client.post(f"/admin/registrations/add/{page.pk}/", data)


def test_list_filters_by_status_and_searches_by_name_or_email(client, form_admin, workshop, full_first_session):
    client.force_login(form_admin)
    html = client.get("/admin/registrations/", {"status": "waitlisted"}).content.decode()
    assert "Osoba 2" in html and "Osoba 0" not in html
    html = client.get("/admin/registrations/", {"q": "osoba1@"}).content.decode()
    assert "Osoba 1" in html and "Osoba 0" not in html
    html = client.get("/admin/registrations/", {"session": full_first_session[0].session_id}).content.decode()
    assert all(f"Osoba {i}" in html for i in range(3))


def test_staff_added_registration_obeys_capacity_and_waitlist(client, form_admin, workshop, sessions,
                                                              full_first_session):
    client.force_login(form_admin)
    response = staff_add(client, workshop, [sessions[0]])
    assert response.status_code == 302
    added = Registration.objects.get(full_name="Jan Telefoniczny")
    assert added.status == Status.WAITLISTED  # the session is full: same rule as the public form
    assert added.source == Registration.Source.STAFF
    assert services._confirmed_count(sessions[0]) == sessions[0].capacity
    assert ModelLogEntry.objects.filter(action="strategy_forms.registration_add", user=form_admin).exists()


def test_staff_added_registration_is_refused_when_full_without_waitlist(client, form_admin, form_index):
    from tests.forms.fixtures_admin import make_workshop

    page = make_workshop(form_index, capacities=(1,), slug="bez-listy", waitlist_enabled=False)
    session = page.sessions.get()
    register(page, session, "Pierwsza", "pierwsza@example.org")
    client.force_login(form_admin)
    response = staff_add(client, page, [session])
    assert response.status_code == 409
    assert "nie ma już wolnych miejsc" in response.content.decode()
    assert Registration.objects.filter(session=session).count() == 1


def test_staff_added_duplicates_are_refused(client, form_admin, workshop, sessions):
    register(workshop, sessions[1], "Anna Nowak", "anna@example.org")
    client.force_login(form_admin)
    response = staff_add(client, workshop, [sessions[1]], email="Anna@Example.org", full_name="Anna Nowak")
    assert response.status_code == 409
    assert Registration.objects.filter(session=sessions[1]).count() == 1
    # Without an e-mail the phone number identifies the person: the same number twice is refused too.
    assert staff_add(client, workshop, [sessions[1]]).status_code == 302
    assert staff_add(client, workshop, [sessions[1]]).status_code == 409


def test_staff_added_registration_outside_the_window_and_without_email(client, form_admin, form_index):
    from datetime import timedelta

    from django.utils import timezone

    from tests.forms.fixtures_admin import make_workshop

    page = make_workshop(form_index, slug="zamkniete")
    page.registration_closes_at = timezone.now() - timedelta(minutes=1)
    page.save()
    client.force_login(form_admin)
    assert staff_add(client, page, [page.sessions.first()]).status_code == 302
    registration = Registration.objects.get(full_name="Jan Telefoniczny")
    assert registration.status == Status.CONFIRMED
    # No made-up address (issue 13): the e-mail stays empty and nobody is mailed.
    assert registration.email == ""
    assert not Notification.objects.filter(recipients__contains=".invalid").exists()


def test_staff_add_needs_a_phone_or_an_email_and_consent(client, form_admin, workshop, sessions):
    client.force_login(form_admin)
    assert staff_add(client, workshop, [sessions[1]], phone="").status_code == 400
    assert staff_add(client, workshop, [sessions[1]], consent="").status_code == 400
    assert staff_add(client, workshop, [sessions[1]], full_name="x" * 201).status_code == 400
    assert not Registration.objects.exists()


def test_move_to_a_session_with_places_promotes_the_first_waiter(workshop, sessions, full_first_session):
    first, second, waiting = full_first_session
    outcome = services.move(first, sessions[1])
    assert outcome.new.session == sessions[1] and outcome.new.status == Status.CONFIRMED
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == Status.CANCELLED
    assert waiting.status == Status.CONFIRMED and outcome.promoted == waiting
    assert services._confirmed_count(sessions[0]) == 2


def test_move_into_a_full_session_waitlists_and_duplicates_are_refused(workshop, sessions, full_first_session):
    other = register(workshop, sessions[1], "Inna", "inna@example.org").registration
    outcome = services.move(other, sessions[0])
    assert outcome.new.status == Status.WAITLISTED
    # Someone already in the target session cannot be moved there again; nothing changes.
    again = register(workshop, sessions[1], "Osoba 0", "osoba0@example.org").registration
    with pytest.raises(MoveRefused):
        services.move(again, sessions[0])
    again.refresh_from_db()
    assert again.status == Status.CONFIRMED and again.session == sessions[1]


def test_move_and_cancel_through_the_admin_are_logged(client, form_admin, workshop, sessions, full_first_session):
    first, _second, waiting = full_first_session
    client.force_login(form_admin)
    response = client.post(f"/admin/registrations/{first.pk}/move/", {"session": sessions[1].pk})
    assert response.status_code == 302
    moved = Registration.objects.get(email=first.email, session=sessions[1])
    assert moved.status == Status.CONFIRMED
    assert ModelLogEntry.objects.filter(action="strategy_forms.registration_move", object_id=str(moved.pk)).exists()

    response = client.post(f"/admin/registrations/{moved.pk}/cancel/")
    assert response.status_code == 302
    moved.refresh_from_db()
    assert moved.status == Status.CANCELLED
    assert ModelLogEntry.objects.filter(action="strategy_forms.registration_cancel", user=form_admin).exists()
    waiting.refresh_from_db()
    assert waiting.status == Status.CONFIRMED


def test_move_form_refusal_is_shown(client, form_admin, workshop, sessions):
    a = register(workshop, sessions[0], "A", "a@example.org").registration
    register(workshop, sessions[1], "A", "a@example.org")
    client.force_login(form_admin)
    response = client.post(f"/admin/registrations/{a.pk}/move/", {"session": sessions[1].pk})
    assert response.status_code == 409


def test_bulk_check_in_from_the_session_day_and_cancel(client, form_admin, workshop, full_first_session):
    first, second, waiting = full_first_session
    client.force_login(form_admin)
    ids = [first.pk, second.pk, waiting.pk]
    # Two weeks ahead: nobody can have come yet.
    response = client.post("/admin/registrations/bulk/", {"action": "attended", "registration": ids,
                                                          "next": "/admin/registrations/"}, follow=True)
    assert "od dnia sesji" in response.content.decode()
    assert set(Registration.objects.filter(pk__in=ids).values_list("attended", flat=True)) == {None}

    session = first.session
    session.starts_at, session.ends_at = timezone.now(), timezone.now() + timedelta(hours=1)
    session.save()
    response = client.post("/admin/registrations/bulk/", {"action": "attended", "registration": ids,
                                                          "next": "/admin/registrations/"})
    assert response.status_code == 302 and response["Location"] == "/admin/registrations/"
    attended = dict(Registration.objects.filter(pk__in=ids).values_list("pk", "attended"))
    assert attended == {first.pk: True, second.pk: True, waiting.pk: None}  # no place, no attendance

    client.post("/admin/registrations/bulk/", {"action": "absent", "registration": [second.pk]})
    assert Registration.objects.get(pk=second.pk).attended is False

    client.post("/admin/registrations/bulk/", {"action": "cancel", "registration": [first.pk], "confirmed": "yes"})
    first.refresh_from_db()
    assert first.status == Status.CANCELLED and first.attended is None  # cancelled: no "obecny" left

    # An outside "next" is ignored.
    response = client.post("/admin/registrations/bulk/", {"action": "clear", "registration": [second.pk],
                                                          "next": "https://example.com/"})
    assert response["Location"] == "/admin/registrations/"


def test_attendance_list_is_printable_with_names_and_signatures(client, form_admin, workshop, full_first_session):
    client.force_login(form_admin)
    response = client.get(f"/admin/registrations/sessions/{full_first_session[0].session_id}/attendance/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Osoba 0" in html and "Osoba 1" in html
    # Waitlisted people have no signature row: they are listed below it, by waitlist position.
    signatures, waitlist = html.split("<h2>Lista rezerwowa</h2>")
    assert "Osoba 2" not in signatures and "Osoba 2" in waitlist
    assert "@media print" in html
    assert "Podpis" in html or "Signature" in html


def test_dashboard_panel_shows_fill_levels_and_open_consultations(client, form_admin, editor, workshop,
                                                                  full_first_session, consultation, submission):
    client.force_login(form_admin)
    html = client.get("/admin/").content.decode()
    assert "Sesja 1" in html and "2 / 2" in html
    assert consultation.title in html
    client.force_login(editor)
    assert "2 / 2" not in client.get("/admin/").content.decode()


def test_workshops_overview_links_the_tools(client, form_admin, workshop, sessions):
    client.force_login(form_admin)
    html = client.get("/admin/registrations/workshops/").content.decode()
    assert f"/admin/registrations/add/{workshop.pk}/" in html
    assert f"/admin/registrations/sessions/{sessions[0].pk}/attendance/" in html
