"""Real parallel clients, each with its own database connection, race for few places."""

import threading

import pytest
from django.db import close_old_connections, connection

from forms.models import Registration
from forms.workshops import services
from tests.forms.fixtures_workshops import make_workshop

Status = Registration.Status


def run_in_threads(count, target):
    """Start `count` threads together (a barrier) and collect their results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(index):
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results, errors


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("capacity", [1, 3])
def test_simultaneous_registrations_never_overbook(capacity):
    page = make_workshop(capacities=(capacity,))
    session = page.sessions.get()
    attempts = 10 * capacity + 5

    def attempt(index):
        return services.register(
            page, sessions=[session.pk], full_name=f"Osoba {index}", email=f"osoba{index}@example.org"
        )[0].status

    statuses, errors = run_in_threads(attempts, attempt)

    assert errors == []
    assert statuses.count(Status.CONFIRMED) == capacity
    assert statuses.count(Status.WAITLISTED) == attempts - capacity
    stored = Registration.objects.filter(session=session)
    assert stored.count() == attempts
    assert stored.filter(status=Status.CONFIRMED).count() == capacity


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancellations_racing_registrations_keep_places_filled_in_order():
    capacity = 3
    page = make_workshop(capacities=(capacity,))
    session = page.sessions.get()
    confirmed = [
        services.register(page, sessions=[session], full_name="Ma miejsce", email=f"ma{i}@example.org")[0].registration
        for i in range(capacity)
    ]
    waiters = [
        services.register(page, sessions=[session], full_name="Czeka", email=f"czeka{i}@example.org")[0].registration
        for i in range(6)
    ]
    newcomers = 12

    def attempt(index):
        if index < capacity:
            return services.cancel(confirmed[index])
        return services.register(
            page, sessions=[session], full_name="Nowa", email=f"nowa{index}@example.org"
        )[0].status

    results, errors = run_in_threads(capacity + newcomers, attempt)

    assert errors == []
    stored = Registration.objects.filter(session=session)
    assert stored.count() == capacity + 6 + newcomers  # nothing lost
    assert stored.filter(status=Status.CANCELLED).count() == capacity
    # Every freed place went at once to the first people already waiting, never to a newcomer.
    assert set(stored.filter(status=Status.CONFIRMED).values_list("pk", flat=True)) == {w.pk for w in waiters[:3]}
    assert results[capacity:] == [Status.WAITLISTED] * newcomers
    assert {r.promoted.pk for r in results[:capacity]} == {w.pk for w in waiters[:3]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_cancellations_with_free_places_then_new_registrations_never_overbook():
    capacity = 4
    page = make_workshop(capacities=(capacity,))
    session = page.sessions.get()
    confirmed = [
        services.register(page, sessions=[session], full_name="Ma miejsce", email=f"ma{i}@example.org")[0].registration
        for i in range(capacity)
    ]

    def attempt(index):
        if index < capacity:
            return services.cancel(confirmed[index])
        return services.register(page, sessions=[session], full_name="Nowa", email=f"nowa{index}@example.org")[0]

    _, errors = run_in_threads(capacity + 30, attempt)

    assert errors == []
    stored = Registration.objects.filter(session=session)
    assert stored.filter(status=Status.CONFIRMED).count() == capacity  # refilled, never more
    assert stored.filter(status=Status.WAITLISTED).count() == 30 - capacity
    # After everything settles, no place is free while someone waits.
    services.promote_waiters(session)
    assert stored.filter(status=Status.CONFIRMED).count() == capacity


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_multi_session_submissions_in_any_order_do_not_deadlock():
    page = make_workshop(capacities=(2, 2, 2))
    sessions = list(page.sessions.order_by("sort_order"))
    attempts = 24

    def attempt(index):
        chosen = sessions if index % 2 else list(reversed(sessions))
        return services.register(page, sessions=chosen, full_name="Osoba", email=f"osoba{index}@example.org")

    results, errors = run_in_threads(attempts, attempt)

    assert errors == []
    assert all(len(outcomes) == 3 for outcomes in results)
    for session in sessions:
        stored = Registration.objects.filter(session=session)
        assert stored.count() == attempts
        assert stored.filter(status=Status.CONFIRMED).count() == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("limit", [1, 2])
def test_simultaneous_submissions_by_one_person_never_exceed_the_session_limit(limit):
    """Issue 15 point 5: the same person sends several submissions at once, each for other sessions;
    the per-person limit is checked under the same locks as the places, so at most ``limit`` survive."""
    page = make_workshop(capacities=(1, 5, 5, 5), max_sessions_per_person=limit)
    sessions = list(page.sessions.order_by("pk"))
    # Each submission picks two neighbouring sessions (overlapping the others'), in either order.
    choices = [[sessions[i % 4], sessions[(i + 1) % 4]] for i in range(8)]

    def attempt(index):
        chosen = choices[index][::-1] if index % 2 else choices[index]
        statuses = services.register(page, sessions=chosen, full_name="Ta sama osoba", email="Ta.Sama@Example.org")
        return [outcome.status for outcome in statuses]

    results, errors = run_in_threads(8, attempt)

    assert errors == []
    active = Registration.objects.filter(email="ta.sama@example.org", status__in=Registration.ACTIVE_STATUSES)
    assert active.count() == limit
    assert active.values("session").distinct().count() == limit
    assert sum(statuses.count(Status.CONFIRMED) + statuses.count(Status.WAITLISTED) for statuses in results) == limit


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_walk_in_and_online_registration_race_for_the_last_place():
    """Issue 15 point 3: a walk-in at the door and an online registration cannot both get the last place."""
    for round_number in range(5):
        page = make_workshop(capacities=(1,), title=f"Ostatnie miejsce {round_number}")
        session = page.sessions.get()

        def attempt(index, session=session, page=page):
            if index == 0:
                try:
                    return services.walk_in(session, full_name="Przy wejściu", phone="600 100 200").status
                except services.CheckInRefused:
                    return "refused"
            return services.register(page, sessions=[session], full_name="Online", email="online@example.org")[0].status

        statuses, errors = run_in_threads(2, attempt)
        assert errors == []
        assert sorted(statuses) in (["confirmed", "refused"], ["confirmed", "waitlisted"])
        assert Registration.objects.filter(session=session, status=Status.CONFIRMED).count() == 1
