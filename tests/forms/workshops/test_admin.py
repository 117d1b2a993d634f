"""The Wagtail editor of workshop pages: validation against stored registrations, publishing, deleting."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from forms.models import Registration, WorkshopPage
from tests.forms.fixtures_workshops import register_people

Status = Registration.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "haslo-testowe")
    client.force_login(user)
    return client


def admin_value(value):
    """A model value as the admin widgets post it."""
    if isinstance(value, datetime.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def session_row(session, **changes):
    row = {
        "id": session.pk,
        "title": session.title,
        "starts_at": admin_value(session.starts_at),
        "ends_at": admin_value(session.ends_at),
        "capacity": session.capacity,
        "ORDER": session.sort_order,
        **changes,
    }
    return {key: admin_value(value) for key, value in row.items()}


def edit_data(page, *, sessions=None, form_fields=(), action="action-publish", **changes):
    """What the edit view posts for ``page``: its current field values, with ``changes``."""
    form = type(page).get_edit_handler().get_form_class()(instance=page, for_user=None)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name in form.formsets or value is None or value is False:
            continue
        data[name] = "on" if value is True else admin_value(value)
    live_sessions = list(page.sessions.order_by("sort_order"))
    data.update(
        description=streamfield([]),
        sessions=inline_formset(sessions if sessions is not None else [session_row(s) for s in live_sessions],
                                initial=len(live_sessions)),
        form_fields=inline_formset(list(form_fields)),
        comments=inline_formset([]),
        **changes,
    )
    flat = nested_form_data(data)
    flat[action] = "1"
    return flat


def post_edit(client, page, **kwargs):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), edit_data(page, **kwargs))


@pytest.fixture
def full_small_session(live_workshop):
    small = live_workshop.sessions.order_by("sort_order").first()
    register_people(live_workshop, small, 2)
    waiters = [o.registration for o in register_people(live_workshop, small, 3, prefix="czeka")]
    return small, waiters


def test_edit_view_opens(admin_client, live_workshop):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[live_workshop.pk]))
    assert response.status_code == 200


def test_saving_unchanged_page_works(admin_client, live_workshop):
    response = post_edit(admin_client, live_workshop)
    assert response.status_code == 302, response.context["form"].errors if response.context else response


def test_lowering_capacity_below_confirmed_is_refused_on_the_field(admin_client, live_workshop, full_small_session):
    small, _ = full_small_session
    large = live_workshop.sessions.order_by("sort_order").last()
    response = post_edit(
        admin_client, live_workshop, sessions=[session_row(small, capacity=1), session_row(large)]
    )
    assert response.status_code == 200
    sessions_formset = response.context["form"].formsets["sessions"]
    assert sessions_formset.forms[0].errors["capacity"] == [
        "Liczba miejsc nie może być mniejsza niż liczba potwierdzonych zgłoszeń (2)."
    ]
    small.refresh_from_db()
    assert small.capacity == 2


def test_raising_capacity_and_publishing_promotes_waiters_in_order(admin_client, live_workshop, full_small_session):
    small, waiters = full_small_session
    large = live_workshop.sessions.order_by("sort_order").last()
    response = post_edit(admin_client, live_workshop, sessions=[session_row(small, capacity=4), session_row(large)])
    assert response.status_code == 302
    statuses = [Registration.objects.get(pk=w.pk).status for w in waiters]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]


def test_removing_a_session_with_registrations_is_refused(admin_client, live_workshop, full_small_session):
    small, _ = full_small_session
    large = live_workshop.sessions.order_by("sort_order").last()
    response = post_edit(
        admin_client, live_workshop, sessions=[session_row(small, DELETE="1"), session_row(large)]
    )
    assert response.status_code == 200
    assert "ma zgłoszenia i nie można jej usunąć" in response.content.decode()
    assert live_workshop.sessions.filter(pk=small.pk).exists()


def test_session_must_end_after_it_starts(admin_client, live_workshop):
    small, large = live_workshop.sessions.order_by("sort_order")
    response = post_edit(
        admin_client, live_workshop, sessions=[session_row(small, ends_at=small.starts_at), session_row(large)]
    )
    assert response.status_code == 200
    assert response.context["form"].formsets["sessions"].forms[0].errors["ends_at"] == [
        "Sesja musi kończyć się później, niż się zaczyna."
    ]


def test_registration_must_close_after_it_opens(admin_client, live_workshop):
    response = post_edit(
        admin_client, live_workshop, registration_closes_at=admin_value(live_workshop.registration_opens_at)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["registration_closes_at"] == [
        "Koniec zapisów musi być późniejszy niż ich początek."
    ]


def test_extra_field_cannot_take_a_fixed_fields_name(admin_client, live_workshop):
    field = {"label": "Email", "field_type": "singleline", "required": "on", "ORDER": 0}
    response = post_edit(admin_client, live_workshop, form_fields=[field])
    assert response.status_code == 200
    assert "Każde zgłoszenie zawiera już to pole" in str(
        response.context["form"].formsets["form_fields"].forms[0].errors["label"]
    )


def test_deleting_a_workshop_with_registrations_is_refused(admin_client, live_workshop, full_small_session, form_index):
    for url in (reverse("wagtailadmin_pages:delete", args=[page.pk]) for page in (live_workshop, form_index)):
        assert admin_client.get(url).status_code == 302
        assert admin_client.post(url).status_code == 302
    assert WorkshopPage.objects.filter(pk=live_workshop.pk).exists()
    assert Registration.objects.count() == 5


def test_deleting_a_workshop_without_registrations_works(admin_client, live_workshop):
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[live_workshop.pk]))
    assert response.status_code == 302
    assert not WorkshopPage.objects.filter(pk=live_workshop.pk).exists()


def test_submissions_listing_shows_registration_columns(admin_client, live_workshop, full_small_session):
    response = admin_client.get(reverse("wagtailforms:list_submissions", args=[live_workshop.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    for heading in ("Imię i nazwisko", "E-mail", "Telefon", "Sesja", "Data zgłoszenia"):
        assert heading in content
    assert "Stan" in content or "Status" in content  # another app's catalogue may say "Stan"
    assert "czeka0@example.org" in content
    assert "na liście rezerwowej" in content


def test_publishing_calls_the_sessions_published_seam(live_workshop, monkeypatch):
    published = []
    monkeypatch.setattr("forms.workshops.messages.sessions_published", published.append)
    live_workshop.save_revision().publish()
    assert [page.pk for page in published] == [live_workshop.pk]
