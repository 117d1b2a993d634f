"""The workshop page over HTTP: rendering, registration, and every kind of bad input."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.html import escape

from forms.models import Registration, WorkshopFormField
from forms.templatetags.workshop_tags import places_left_text
from tests.forms.fixtures_workshops import make_workshop, register_people

Status = Registration.Status
pytestmark = pytest.mark.django_db


def post(client, page, **overrides):
    data = {
        "full_name": "Jan Kowalski",
        "email": "jan.kowalski@example.org",
        "phone": "+48 600 100 200",
        "sessions": [page.sessions.order_by("sort_order").first().pk],
        "consent": "on",
        **overrides,
    }
    # A successful post redirects (303) to the result page: follow it, as a browser does.
    return client.post(page.url, {k: v for k, v in data.items() if v is not None}, follow=True)


def html(response):
    return response.content.decode()


# --- Rendering -----------------------------------------------------------------------------------


def test_page_shows_each_session_with_date_and_places_left(client, live_workshop):
    small, large = live_workshop.sessions.order_by("sort_order")
    register_people(live_workshop, large, 8)
    response = client.get(live_workshop.url)
    content = html(response)
    assert response.status_code == 200
    assert "zostały 2 z 2 miejsc" in content
    assert "zostało 22 z 30 miejsc" not in content and "zostały 22 z 30 miejsc" in content
    assert timezone.localtime(small.starts_at).strftime("%H:%M") in content
    assert 'autocomplete="name"' in content and 'autocomplete="email"' in content and 'autocomplete="tel"' in content
    assert "<legend>Sesje: wybierz jedną lub więcej</legend>" in content
    assert 'for="id_full_name"' in content and 'for="id_consent"' in content


@pytest.mark.parametrize(
    ("left", "expected"),
    [(1, "zostało 1 z 30 miejsc"), (3, "zostały 3 z 30 miejsc"), (12, "zostało 12 z 30 miejsc"),
     (22, "zostały 22 z 30 miejsc"), (0, "Brak wolnych miejsc")],
)
def test_places_left_uses_polish_plural_forms(left, expected):
    class Session:
        capacity = 30
        places_left = left

    assert places_left_text(Session()) == expected


def test_full_session_offers_the_waitlist(client, live_workshop):
    small = live_workshop.sessions.order_by("sort_order").first()
    register_people(live_workshop, small, 2)
    content = html(client.get(live_workshop.url))
    assert "Brak wolnych miejsc" in content
    assert "Zaznacz, aby zapisać się na listę rezerwową" in content


def test_full_session_without_waitlist_cannot_be_ticked(client, form_index):
    page = make_workshop(capacities=(1,), waitlist=False, parent=form_index)
    register_people(page, page.sessions.get(), 1)
    content = html(client.get(page.url))
    assert "Brak wolnych miejsc" in content
    assert "Zapisy na tę sesję są zamknięte." in content
    assert "disabled" in content.split('name="sessions"')[1].split(">")[0]


def test_places_left_are_always_current(client, live_workshop):
    assert "zostały 2 z 2 miejsc" in html(client.get(live_workshop.url))
    post(client, live_workshop)
    assert "zostało 1 z 2 miejsc" in html(client.get(live_workshop.url))


@pytest.mark.parametrize(
    ("window", "text"),
    [
        ({"registration_opens_at": timezone.now() + timedelta(days=1)}, "Zapisy rozpoczną się"),
        ({"registration_closes_at": timezone.now() - timedelta(minutes=5)}, "Zapisy zakończyły się"),
    ],
    ids=["not-yet-open", "closed"],
)
def test_closed_window_shows_no_form(client, form_index, window, text):
    page = make_workshop(capacities=(5,), parent=form_index, **window)
    content = html(client.get(page.url))
    assert "Zapisy na te warsztaty są obecnie zamknięte." in content
    assert text in content
    assert 'name="full_name"' not in content


# --- Successful registration -----------------------------------------------------------------------


def test_confirmation_page_lists_each_sessions_outcome(client, live_workshop):
    small, large = live_workshop.sessions.order_by("sort_order")
    register_people(live_workshop, small, 2)
    response = post(client, live_workshop, sessions=[small.pk, large.pk])
    content = html(response)
    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 303 and "/rejestracja/wynik/" in response.redirect_chain[0][0]
    # Issue 13: the page says the same whatever happened (status, position and cancel links are in the mail).
    assert "Wysłaliśmy wiadomość na podany adres e-mail" in content
    assert "jan.kowalski@example.org" not in content
    assert small.title in content and large.title in content
    assert "/rejestracja/anuluj/" not in content
    stored = Registration.objects.filter(email="jan.kowalski@example.org")
    assert {(r.session_id, r.status) for r in stored} == {(small.pk, Status.WAITLISTED), (large.pk, Status.CONFIRMED)}
    assert stored.first().phone == "+48 600 100 200"


def test_extra_builder_fields_are_stored_in_form_data(client, live_workshop):
    WorkshopFormField.objects.create(page=live_workshop, label="Dzielnica", field_type="singleline", required=True)
    response = post(client, live_workshop, dzielnica="Skolimów")
    assert response.status_code == 200
    assert Registration.objects.get().form_data == {"dzielnica": "Skolimów"}


def test_builder_field_named_like_a_fixed_field_does_not_replace_it(client, live_workshop):
    WorkshopFormField.objects.create(page=live_workshop, label="Email", field_type="singleline", required=False)
    response = post(client, live_workshop, extra_email="drugi adres")
    assert response.status_code == 200
    registration = Registration.objects.get()
    assert registration.email == "jan.kowalski@example.org"
    assert registration.form_data == {"extra_email": "drugi adres"}


def test_html_in_names_is_stored_as_text_and_escaped(client, live_workshop):
    name = '<script>alert("x")</script> Jan'
    response = post(client, live_workshop, full_name=name)
    assert response.status_code == 200
    assert Registration.objects.get().full_name == name
    from forms.workshops.services import cancel_token

    cancel_page = html(client.get(f"/rejestracja/anuluj/{cancel_token(Registration.objects.get())}/"))
    assert escape(name) in cancel_page
    assert "<script>alert" not in cancel_page


# --- Bad input: 4xx, a Polish message, the entered values kept, nothing stored ----------------------


def assert_refused(response, status, message, kept=()):
    content = html(response)
    assert response.status_code == status
    assert message in content
    for value in kept:
        assert value in content
    assert not Registration.objects.exists()


def test_invalid_email(client, live_workshop):
    response = post(client, live_workshop, email="nie-adres")
    assert_refused(response, 400, "Wpisz poprawny adres e-mail", kept=['value="nie-adres"', 'value="Jan Kowalski"'])
    content = html(response)
    assert 'href="#id_email"' in content  # error summary links to the field
    assert 'aria-invalid="true"' in content and "id_email_error" in content


def test_missing_consent(client, live_workshop):
    response = post(client, live_workshop, consent=None)
    assert_refused(response, 400, "Aby się zapisać, zaznacz zgodę", kept=['value="Jan Kowalski"'])


def test_missing_name_and_session(client, live_workshop):
    response = post(client, live_workshop, full_name="", sessions=[])
    assert_refused(response, 400, "Wpisz imię i nazwisko.")
    assert "Wybierz co najmniej jedną sesję." in html(response)


def test_over_long_fields(client, live_workshop):
    WorkshopFormField.objects.create(page=live_workshop, label="Uwagi", field_type="multiline", required=False)
    response = post(client, live_workshop, full_name="J" * 201, phone="1" * 41, uwagi="x" * 5001)
    assert_refused(response, 400, "co najwyżej 200 znaków")
    assert "co najwyżej 40 znaków" in html(response)
    assert "co najwyżej 5000 znaków" in html(response)


def test_phone_with_letters(client, live_workshop):
    assert_refused(post(client, live_workshop, phone="zadzwoń"), 400, "Wpisz numer telefonu")


def test_session_of_another_page(client, live_workshop, form_index):
    other = make_workshop(capacities=(5,), parent=form_index, title="Inne warsztaty")
    response = post(client, live_workshop, sessions=[other.sessions.get().pk])
    assert_refused(response, 400, "Wybierz sesje z listy na tej stronie.", kept=['value="Jan Kowalski"'])


@pytest.mark.parametrize("tampered", ["abc", "-1", "999999", "1 OR 1=1", ""])
def test_tampered_session_id(client, live_workshop, tampered):
    response = post(client, live_workshop, sessions=[tampered])
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_post_outside_the_window_is_refused_with_409(client, form_index):
    page = make_workshop(capacities=(5,), parent=form_index, registration_closes_at=timezone.now() - timedelta(hours=1))
    assert_refused(post(client, page), 409, "Zapisy na te warsztaty są obecnie zamknięte.")


def test_post_to_an_unpublished_page_is_404(client, live_workshop):
    live_workshop.unpublish()
    assert post(client, live_workshop).status_code == 404
    assert not Registration.objects.exists()


def test_second_attempt_with_the_same_email_is_answered_like_the_first(client, live_workshop):
    post(client, live_workshop)
    response = post(client, live_workshop, email="JAN.Kowalski@example.org")
    # Issue 13: no enumeration; the owner of the address gets a message instead (tests/forms/privacy).
    assert response.status_code == 200
    assert "Jesteś już zapisany/a" not in html(response)
    assert "Wysłaliśmy wiadomość" in html(response)
    assert Registration.objects.count() == 1


def test_ticked_sessions_stay_ticked_after_an_error(client, live_workshop):
    small, large = live_workshop.sessions.order_by("sort_order")
    content = html(post(client, live_workshop, sessions=[large.pk], consent=None))
    ticked = [chunk for chunk in content.split('name="sessions"')[1:] if "checked" in chunk.split(">")[0]]
    assert len(ticked) == 1 and f'value="{large.pk}"' in ticked[0]
