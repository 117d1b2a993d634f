"""Issue 15 points 5 and 6: at most N sessions per person in one workshop (enforced with the places, over
HTTP and through the service), and the public counts of taken places and waiting lists, never names,
counted on every request even with the fragment cache on."""

import pytest
from django.core.cache import cache

from forms.models import Registration, WorkshopPage
from forms.workshops import services
from tests.forms.fixtures_workshops import make_workshop, register_people

Status = Registration.Status
pytestmark = pytest.mark.django_db


def post(client, page, sessions, email="jan.kowalski@example.org"):
    return client.post(page.url, {
        "full_name": "Jan Kowalski", "email": email, "phone": "+48 600 100 200",
        "sessions": [session.pk for session in sessions], "consent": "on",
    })


@pytest.fixture
def limited(form_index):
    return make_workshop(capacities=(1, 30, 30), parent=form_index, slug="warsztaty", max_sessions_per_person=2)


def test_a_person_gets_at_most_n_sessions_over_http(client, limited):
    first, second, third = limited.sessions.order_by("sort_order")
    response = post(client, limited, [first, second, third])
    assert response.status_code == 303  # to the result page, which says why the third was refused
    response = client.get(response["Location"])
    assert response.status_code == 200
    content = response.content.decode()
    assert "Możesz zapisać się najwyżej na 2 sesje tego warsztatu." in content
    mine = Registration.objects.filter(email="jan.kowalski@example.org", status__in=Registration.ACTIVE_STATUSES)
    assert sorted(mine.values_list("session__sort_order", flat=True)) == [0, 1]

    # Later, with two sessions held, a third is refused: 409 with the reason, nothing stored.
    response = post(client, limited, [third])
    assert response.status_code == 409
    assert "Możesz zapisać się najwyżej na 2 sesje tego warsztatu." in response.content.decode()
    assert mine.count() == 2
    # The same sessions again are duplicates (answered as before), not a breach of the limit.
    assert post(client, limited, [second]).status_code == 303
    assert mine.count() == 2
    # A place on a waiting list counts; cancelling one frees the person to choose another.
    services.cancel(mine.get(session=second))
    assert post(client, limited, [third]).status_code == 303
    assert sorted(mine.values_list("session__sort_order", flat=True)) == [0, 2]
    # Somebody else is not affected.
    assert post(client, limited, [first, second], email="ewa@example.org").status_code == 303
    assert Registration.objects.filter(email="ewa@example.org").count() == 2


def test_the_limit_matches_people_without_an_e_mail_address_by_phone(limited):
    first, second, _third = limited.sessions.order_by("sort_order")
    limited.max_sessions_per_person = 1
    limited.save(update_fields=["max_sessions_per_person"])
    services.register(limited, sessions=[first], full_name="Pani Zofia", email="", phone="600 100 200",
                      source=Registration.Source.STAFF, enforce_window=False, duplicates_refused=True)
    (outcome,) = services.register(limited, sessions=[second], full_name="Pani Zofia", email="",
                                   phone="+48 600-100-200", source=Registration.Source.STAFF,
                                   enforce_window=False, duplicates_refused=True)
    assert outcome.refused
    assert str(outcome.message) == "Możesz zapisać się najwyżej na 1 sesję tego warsztatu."
    # Moving within the workshop is not a new session.
    registration = Registration.objects.get(phone="600 100 200")
    assert services.move(registration, second).new.session == second


def test_no_limit_by_default(live_workshop):
    sessions = list(live_workshop.sessions.all())
    outcomes = services.register(live_workshop, sessions=sessions, full_name="Jan", email="jan@example.org")
    assert [outcome.refused for outcome in outcomes] == [False, False]


def test_the_page_shows_taken_places_and_waiting_list_length_without_names(client, form_index, settings):
    settings.FRAGMENT_CACHE_SECONDS = 3600  # the page body is cached: the counts must still be live
    cache.clear()
    page = make_workshop(capacities=(2, 30), parent=form_index, slug="warsztaty", show_public_counts=True)
    small, large = page.sessions.order_by("sort_order")
    register_people(page, small, 3)
    content = client.get(page.url).content.decode()
    assert "Zajęte miejsca: 2 z 2. Lista oczekujących: 1 osoba." in content
    assert "Zajęte miejsca: 0 z 30. Lista oczekujących: 0 osób." in content
    assert "Osoba 0" not in content and "osoba0@example.org" not in content

    register_people(page, small, 2, prefix="kolejna")
    register_people(page, large, 5, prefix="duza")
    content = client.get(page.url).content.decode()
    assert "Zajęte miejsca: 2 z 2. Lista oczekujących: 3 osoby." in content
    assert "Zajęte miejsca: 5 z 30. Lista oczekujących: 0 osób." in content
    assert "Osoba 0" not in content

    # The setting is per workshop: turned off, no counts are shown.
    page = WorkshopPage.objects.get(pk=page.pk)
    page.show_public_counts = False
    page.save_revision().publish()
    content = client.get(page.url).content.decode()
    assert "Zajęte miejsca" not in content and "Lista oczekujących:" not in content
