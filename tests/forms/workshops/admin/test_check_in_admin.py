"""The door check-in screen over HTTP: form administrators only, search as a fragment, one POST to check
in or undo (with CSRF), walk-ins under the session's limit, the QR code's address, log entries."""

import pytest
from django.test import Client
from wagtail.models import ModelLogEntry

from forms.models import Registration
from forms.workshops import services
from tests.forms.fixtures_workshops import starting_today

pytestmark = pytest.mark.django_db

FRAGMENT = {"HTTP_X_CHECK_IN_FRAGMENT": "1"}


def register(page, session, name, email):
    return services.register(page, sessions=[session], full_name=name, email=email)[0].registration


@pytest.fixture
def people(workshop, sessions):
    """Session 1 (2 places): Anna and Bogdan confirmed, Celina waiting."""
    return [register(workshop, sessions[0], name, f"{name.lower()}@example.org")
            for name in ("Anna Nowak", "Bogdan Wiśniewski", "Celina Czekająca")]


def screen(session):
    return f"/admin/registrations/sessions/{session.pk}/check-in/"


def test_screen_is_reached_from_the_workshops_overview_and_lists_confirmed_people(client, form_admin, sessions,
                                                                                   people):
    client.force_login(form_admin)
    overview = client.get("/admin/registrations/workshops/").content.decode()
    assert f'href="{screen(sessions[0])}"' in overview and "Odprawa przy wejściu" in overview
    response = client.get(screen(sessions[0]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Nowak" in html and people[0].check_in_code in html
    assert "Celina" not in html  # waiting: no place at the door
    assert "Obecni: <strong>0</strong> z 2 potwierdzonych" in html


def test_search_fragment_by_name_and_by_code(client, form_admin, sessions, people):
    client.force_login(form_admin)
    response = client.get(screen(sessions[0]), {"q": "bogd"}, **FRAGMENT)
    html = response.content.decode()
    assert "Bogdan" in html and "Anna" not in html and "<html" not in html
    html = client.get(screen(sessions[0]), {"q": people[0].check_in_code.lower()}, **FRAGMENT).content.decode()
    assert "Anna" in html and "Bogdan" not in html
    html = client.get(screen(sessions[0]), {"q": "nikt"}, **FRAGMENT).content.decode()
    assert "Nikt z potwierdzonym miejscem nie pasuje" in html


def test_check_in_and_undo_with_csrf_refresh_counts_and_log(form_admin, sessions, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(form_admin)
    anna = people[0]
    starting_today(sessions[0])
    url = f"/admin/registrations/{anna.pk}/check-in/"
    assert client.post(url, {"action": "in"}, **FRAGMENT).status_code == 403  # no CSRF token
    page = client.get(screen(sessions[0]))
    token = page.cookies["csrftoken"].value
    response = client.post(url, {"action": "in", "q": ""}, HTTP_X_CSRFTOKEN=token, **FRAGMENT)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Odprawiono: Anna Nowak." in html and "Obecni: <strong>1</strong> z 2" in html
    anna.refresh_from_db()
    assert anna.attended is True
    assert ModelLogEntry.objects.filter(object_id=str(anna.pk), action="strategy_forms.registration_check_in",
                                        user=form_admin).count() == 1
    response = client.post(url, {"action": "undo"}, HTTP_X_CSRFTOKEN=token)  # without JavaScript
    assert response.status_code == 302 and response["Location"] == screen(sessions[0])
    anna.refresh_from_db()
    assert anna.attended is None
    # The attendance list and the export read the same data.
    client.post(url, {"action": "in"}, HTTP_X_CSRFTOKEN=token)
    export = client.get("/admin/registrations/", {"session": sessions[0].pk, "export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = [line for line in body.splitlines() if "Anna Nowak" in line]
    assert len(rows) == 1 and ';"obecny/obecna";' in rows[0]


def test_check_in_of_a_waiter_is_refused_with_a_polish_409(client, form_admin, sessions, people):
    client.force_login(form_admin)
    response = client.post(f"/admin/registrations/{people[2].pk}/check-in/", {"action": "in"}, **FRAGMENT)
    assert response.status_code == 409
    assert "Odprawić można tylko osobę z potwierdzonym miejscem." in response.content.decode()
    people[2].refresh_from_db()
    assert people[2].attended is None


def test_walk_in_under_the_limit_then_refused_when_full(client, form_admin, sessions, people):
    client.force_login(form_admin)
    second = starting_today(sessions[1])
    url = f"/admin/registrations/sessions/{second.pk}/walk-in/"
    data = {"full_name": "Jan Z Ulicy", "phone": "600 100 200", "email": "", "consent": "on"}
    response = client.post(url, data)
    assert response.status_code == 302
    walk_in = Registration.objects.get(full_name="Jan Z Ulicy")
    assert (walk_in.status, walk_in.source, walk_in.attended) == ("confirmed", "walk_in", True)
    assert ModelLogEntry.objects.filter(object_id=str(walk_in.pk), action="strategy_forms.registration_walk_in")
    # Invalid: a clear Polish message, 400, nothing stored.
    response = client.post(url, {"full_name": "", "consent": "on"})
    assert response.status_code == 400
    # The full session refuses a walk-in, with the session's own message, and keeps what was typed.
    starting_today(sessions[0])
    response = client.post(f"/admin/registrations/sessions/{sessions[0].pk}/walk-in/",
                           {**data, "full_name": "Spóźniony Gość", "phone": "600 100 300"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "nie ma już wolnych miejsc" in html and 'value="Spóźniony Gość"' in html
    assert not Registration.objects.filter(full_name="Spóźniony Gość").exists()


def test_qr_address_opens_that_persons_check_in(client, form_admin, sessions, people):
    anna = people[0]
    url = f"/admin/registrations/check-in/{anna.check_in_code}/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(form_admin)
    response = client.get(url, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{screen(sessions[0])}?q={anna.check_in_code}"
    assert "Anna Nowak" in html and "Bogdan" not in html
    assert client.get("/admin/registrations/check-in/XXXXXX/").status_code == 404


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_other_roles_get_403_on_every_check_in_path(client, request, role, sessions, people):
    client.force_login(request.getfixturevalue(role))
    anna = people[0]
    paths = [
        ("get", screen(sessions[0])),
        ("get", f"/admin/registrations/check-in/{anna.check_in_code}/"),
        ("post", f"/admin/registrations/{anna.pk}/check-in/"),
        ("post", f"/admin/registrations/sessions/{sessions[0].pk}/walk-in/"),
    ]
    for method, path in paths:
        response = getattr(client, method)(path, {"action": "in", "full_name": "X", "phone": "600100200",
                                                  "consent": "on"})
        assert response.status_code == 403, path
        assert "Anna Nowak" not in response.content.decode()
    anna.refresh_from_db()
    assert anna.attended is None
    assert not Registration.objects.filter(full_name="X").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, sessions, people):
    for path in (screen(sessions[0]), f"/admin/registrations/{people[0].pk}/check-in/"):
        response = client.post(path) if "sessions" not in path else client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_check_in_screen_and_persons_page_with_the_qr_are_valid_html(client, form_admin, workshop, sessions, people,
                                                                    tmp_path):
    from forms.workshops.tokens import cancel_token
    from tests.conformance.vnu import check_html_files

    persons_page = client.get(f"/rejestracja/anuluj/{cancel_token(people[0])}/")
    assert "<svg role=\"img\"" in persons_page.content.decode()
    client.force_login(form_admin)
    files = []
    for name, response in (("persons-page", persons_page), ("check-in", client.get(screen(sessions[0]))),
                           ("walk-in-error", client.post(f"/admin/registrations/sessions/{sessions[0].pk}/walk-in/",
                                                         {"full_name": ""}))):
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    errors, _warnings = check_html_files(files)
    assert errors == []
