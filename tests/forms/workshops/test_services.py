"""Registration rules of forms.services, one by one."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from forms.models import Registration
from forms.workshops import services
from forms.workshops.exceptions import CapacityBelowConfirmed, InvalidCancellationLink, RegistrationClosed
from tests.forms.fixtures_workshops import make_workshop, register_people

Status = Registration.Status
pytestmark = pytest.mark.django_db


def register(page, session, email, name="Anna Nowak", **kwargs):
    return services.register(page, sessions=[session], full_name=name, email=email, **kwargs)[0]


@pytest.fixture
def small():
    """One session with three places and the waitlist on."""
    page = make_workshop(capacities=(3,))
    return page, page.sessions.get()


def test_places_up_to_capacity_are_confirmed_then_waitlisted(small):
    page, session = small
    outcomes = register_people(page, session, 2)
    assert [o.status for o in outcomes] == [Status.CONFIRMED] * 2
    # capacity - 1 taken: the last place is confirmed
    assert register(page, session, "trzecia@example.org").status == Status.CONFIRMED
    # at capacity: waitlisted, first in line
    at_capacity = register(page, session, "czwarta@example.org")
    assert (at_capacity.status, at_capacity.waitlist_position) == (Status.WAITLISTED, 1)
    # capacity + 1: second in line
    beyond = register(page, session, "piata@example.org")
    assert (beyond.status, beyond.waitlist_position) == (Status.WAITLISTED, 2)
    assert session.registrations.filter(status=Status.CONFIRMED).count() == 3


def test_email_is_stored_lower_case_and_a_second_attempt_is_a_duplicate_whatever_the_case(small):
    page, session = small
    first = register(page, session, " Anna.Nowak@Example.org ")
    assert first.registration.email == "anna.nowak@example.org"
    second = register(page, session, "anna.nowak@example.ORG")
    # Public posts: a duplicate, answered like a new registration (issue 13); staff: refused with the reason.
    assert second.duplicate and second.registration == first.registration
    (staff,) = services.register(page, sessions=[session], full_name="A", email="anna.nowak@example.org",
                                 duplicates_refused=True)
    assert staff.refused and str(staff.message) == str(services.DUPLICATE_MESSAGE)
    assert session.registrations.count() == 1


def test_database_refuses_two_active_registrations_for_one_email_and_session(small):
    page, session = small
    register(page, session, "anna@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            page=page, session=session, full_name="X", email="anna@example.org", status=Status.WAITLISTED, form_data={}
        )


def test_after_cancelling_the_same_email_may_register_again(small):
    page, session = small
    first = register(page, session, "anna@example.org")
    services.cancel(first.registration)
    again = register(page, session, "anna@example.org")
    assert again.confirmed
    assert session.registrations.count() == 2  # the cancelled row is kept


@pytest.mark.parametrize(
    "window",
    [
        {"registration_opens_at": timezone.now() + timedelta(hours=1)},
        {"registration_closes_at": timezone.now() - timedelta(minutes=1)},
    ],
    ids=["before-opening", "after-closing"],
)
def test_registration_outside_the_window_is_refused(window):
    page = make_workshop(capacities=(3,), **window)
    with pytest.raises(RegistrationClosed):
        register(page, page.sessions.get(), "anna@example.org")
    assert not Registration.objects.exists()


def test_staff_may_register_outside_the_window():
    page = make_workshop(
        capacities=(3,),
        registration_opens_at=timezone.now() - timedelta(days=5),
        registration_closes_at=timezone.now() - timedelta(days=1),
    )
    outcome = register(
        page, page.sessions.get(), "anna@example.org", enforce_window=False, source=Registration.Source.STAFF
    )
    assert outcome.confirmed


def test_waitlist_is_first_come_first_served_and_positions_move_up(small):
    page, session = small
    register_people(page, session, 3)
    waiters = [register(page, session, f"czeka{i}@example.org") for i in range(3)]
    assert [w.waitlist_position for w in waiters] == [1, 2, 3]
    services.cancel(waiters[0].registration)  # leaving the waitlist promotes nobody
    assert session.registrations.filter(status=Status.CONFIRMED).count() == 3
    assert services.waitlist_position(waiters[1].registration) == 1
    assert services.waitlist_position(waiters[2].registration) == 2


def test_cancelling_a_confirmed_place_promotes_the_first_waiter_in_the_same_call(small):
    page, session = small
    confirmed = register_people(page, session, 3)
    first_waiter = register(page, session, "pierwsza@example.org")
    register(page, session, "druga@example.org")

    outcome = services.cancel(confirmed[1].registration)

    assert outcome.promoted.pk == first_waiter.registration.pk
    first_waiter.registration.refresh_from_db()
    assert first_waiter.registration.status == Status.CONFIRMED
    assert first_waiter.registration.promoted_at is not None
    cancelled = Registration.objects.get(pk=confirmed[1].registration.pk)
    assert (cancelled.status, cancelled.cancelled_at is not None) == (Status.CANCELLED, True)
    assert session.registrations.filter(status=Status.CONFIRMED).count() == 3
    assert session.registrations.count() == 5  # no row lost


def test_cancelling_twice_is_a_no_op(small):
    page, session = small
    confirmed = register_people(page, session, 3)
    register(page, session, "pierwsza@example.org")
    register(page, session, "druga@example.org")
    services.cancel(confirmed[0].registration)

    again = services.cancel(confirmed[0].registration)

    assert again.already_cancelled and again.promoted is None
    assert session.registrations.filter(status=Status.CONFIRMED).count() == 3
    assert session.registrations.filter(status=Status.WAITLISTED).count() == 1


def test_raising_capacity_promotes_waiters_in_order(small):
    page, session = small
    register_people(page, session, 3)
    waiters = [register(page, session, f"czeka{i}@example.org").registration for i in range(3)]
    session.capacity = 5
    session.save()

    promoted = services.promote_waiters(session)

    assert [r.pk for r in promoted] == [waiters[0].pk, waiters[1].pk]
    assert Registration.objects.get(pk=waiters[2].pk).status == Status.WAITLISTED
    assert services.waitlist_position(waiters[2]) == 1


def test_capacity_cannot_be_lowered_below_confirmed(small):
    page, session = small
    register_people(page, session, 2)
    with pytest.raises(CapacityBelowConfirmed) as error:
        services.check_capacity_change(session, 1)
    assert "(2)" in str(error.value.message)
    services.check_capacity_change(session, 2)  # equal to the confirmed count is fine


def test_saving_a_session_never_stores_a_capacity_below_the_confirmed_count(small):
    # Publishing writes sessions directly; a place confirmed after the editor's check must still fit.
    page, session = small
    register_people(page, session, 2)
    session.capacity = 1
    session.save()
    session.refresh_from_db()
    assert session.capacity == 2
    session.capacity = 5
    session.save()
    session.refresh_from_db()
    assert session.capacity == 5


def test_one_submission_for_several_sessions_decides_each_on_its_own():
    page = make_workshop(capacities=(1, 5, 5))
    full, free, already = page.sessions.order_by("sort_order")
    register(page, full, "ktos@example.org")
    register(page, already, "anna@example.org")

    outcomes = services.register(page, sessions=[full, free, already], full_name="Anna", email="anna@example.org")

    by_session = {o.session.pk: o for o in outcomes}
    assert by_session[full.pk].waitlisted and by_session[full.pk].waitlist_position == 1
    assert by_session[free.pk].confirmed
    assert by_session[already.pk].duplicate
    assert Registration.objects.filter(email="anna@example.org").count() == 3


def test_full_session_without_waitlist_is_refused():
    page = make_workshop(capacities=(1,), waitlist=False)
    session = page.sessions.get()
    register(page, session, "pierwsza@example.org")
    outcome = register(page, session, "druga@example.org")
    assert outcome.refused and str(outcome.message) == str(services.FULL_MESSAGE)
    assert session.registrations.count() == 1


def test_a_session_of_another_page_stores_nothing():
    page, other = make_workshop(capacities=(3,)), make_workshop(capacities=(3,), title="Inne")
    with pytest.raises(ValueError):
        services.register(
            page, sessions=[page.sessions.get(), other.sessions.get()], full_name="A", email="a@example.org"
        )
    assert not Registration.objects.exists()


def test_cancel_token_round_trip_and_tampering(small):
    page, session = small
    registration = register(page, session, "anna@example.org").registration
    token = services.cancel_token(registration)
    assert services.registration_from_cancel_token(token) == registration
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "1", "", "x:y:z"):
        with pytest.raises(InvalidCancellationLink):
            services.registration_from_cancel_token(bad)


def test_sessions_with_places_counts_only_confirmed(small):
    page, session = small
    register_people(page, session, 3)
    register(page, session, "czeka@example.org")
    (counted,) = services.sessions_with_places(page)
    assert (counted.confirmed_count, counted.waitlisted_count, counted.places_left) == (3, 1, 0)


def test_service_calls_the_notification_seams(small, monkeypatch):
    calls = []
    for seam in ("registration_created", "registration_cancelled", "registration_promoted"):
        monkeypatch.setattr(
            f"forms.workshops.messages.{seam}",
            lambda registration, seam=seam, **kw: calls.append((seam, registration.email)),
        )
    page, session = small
    confirmed = register_people(page, session, 3)
    register(page, session, "czeka@example.org")
    services.cancel(confirmed[0].registration)
    assert calls[-3:] == [
        ("registration_created", "czeka@example.org"),
        ("registration_cancelled", "osoba0@example.org"),
        ("registration_promoted", "czeka@example.org"),
    ]
