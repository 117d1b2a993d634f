"""Real parallel clients, each with its own database connection, race for few places."""

import threading

import pytest
from django.db import close_old_connections, connection

from forms import services
from forms.models import Registration

from .conftest import make_workshop

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
