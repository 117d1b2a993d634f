"""Issue 15 point 4: a freed place is offered to the first waiter for the page's hours; accepted by link
it is confirmed, unanswered it passes on (a django-q2 schedule per offer). An open offer holds the place
everywhere places are counted; in the page's last hours before a session nothing is offered or promoted."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from forms.models import Registration
from forms.workshops import messages as workshop_messages
from forms.workshops import services, tasks
from forms.workshops.exceptions import CheckInRefused, OfferNotOpen
from notifications.models import Notification
from tests.forms.fixtures_workshops import make_workshop

Status = Registration.Status
pytestmark = pytest.mark.django_db
HOURS = 48


def register(page, session, name, email="", phone="", **kwargs):
    return services.register(page, sessions=[session], full_name=name, email=email, phone=phone,
                             enforce_window=False, **kwargs)[0]


@pytest.fixture
def offers(form_index):
    """A live workshop with offers valid 48 h: session 1 (2 places) full, two people waiting."""
    page = make_workshop(capacities=(2, 30), parent=form_index, slug="warsztaty", waitlist_offer_hours=HOURS,
                         notification_recipients="biuro@example.org")
    session = page.sessions.order_by("sort_order").first()
    confirmed = [register(page, session, f"Osoba {i}", f"osoba{i}@example.org").registration for i in range(2)]
    waiters = [register(page, session, f"Czeka {i}", f"czeka{i}@example.org").registration for i in range(2)]
    return page, session, confirmed, waiters


def fresh(registration):
    return Registration.objects.get(pk=registration.pk)


def offer_mail(registration):
    notification = Notification.objects.get(kind=workshop_messages.PLACE_OFFERED, object_id=registration.pk)
    return workshop_messages.build_place_offered(notification)


def accept_path(message):
    return re.search(r"https?://[^/\s]+(/rejestracja/miejsce/[^/\s]+/)", message.body)[1]


def test_off_means_the_first_waiter_is_promoted_at_once(live_workshop):
    session = live_workshop.sessions.order_by("sort_order").first()
    first, _second = (register(live_workshop, session, f"Osoba {i}", f"o{i}@example.org").registration
                      for i in range(2))
    waiter = register(live_workshop, session, "Czeka", "czeka@example.org").registration
    services.cancel(first)
    waiter = fresh(waiter)
    assert waiter.status == Status.CONFIRMED and waiter.offer_expires_at is None
    assert not Schedule.objects.filter(name__startswith=workshop_messages.OFFER_SCHEDULE_PREFIX).exists()


def test_a_freed_place_is_offered_with_a_mail_a_deadline_in_warsaw_time_and_a_schedule(offers):
    page, session, confirmed, waiters = offers
    now = timezone.now()
    outcome = services.cancel(confirmed[0], now=now)

    assert outcome.promoted is None
    first, second = fresh(waiters[0]), fresh(waiters[1])
    assert first.status == Status.WAITLISTED and first.has_open_offer
    assert first.offer_expires_at == now + timedelta(hours=HOURS)
    assert not second.has_open_offer
    schedule = Schedule.objects.get(name=workshop_messages.offer_schedule_name(first.pk))
    assert schedule.func == "forms.workshops.tasks.expire_waitlist_offer"
    assert schedule.next_run == first.offer_expires_at and schedule.schedule_type == Schedule.ONCE

    message = offer_mail(first)
    assert Notification.objects.get(kind=workshop_messages.PLACE_OFFERED).recipients == "czeka0@example.org"
    warsaw = first.offer_expires_at.astimezone(ZoneInfo("Europe/Warsaw"))
    assert f"{warsaw.day} " in message.body and f"{warsaw:%H:%M} (czasu polskiego)" in message.body
    assert message.subject.startswith("Wolne miejsce dla Ciebie: Sesja 1")
    assert "/rejestracja/miejsce/" in message.body


def test_an_open_offer_holds_the_place_for_every_count(offers, client):
    page, session, confirmed, waiters = offers
    page.show_public_counts = True
    page.save()
    services.cancel(confirmed[0])

    newcomer = register(page, session, "Nowa", "nowa@example.org")
    assert newcomer.status == Status.WAITLISTED
    (counted,) = [s for s in services.sessions_with_places(page) if s.pk == session.pk]
    assert (counted.confirmed_count, counted.offered_count, counted.taken_count, counted.places_left) == (1, 1, 2, 0)
    with pytest.raises(CheckInRefused):
        services.walk_in(session, full_name="Z ulicy", email="ulica@example.org")
    other = page.sessions.order_by("sort_order").last()
    mover = register(page, other, "Przenoszona", "przenoszona@example.org").registration
    assert services.move(mover, session).waitlisted
    assert services.promote_waiters(session) == []
    assert fresh(waiters[1]).offer_expires_at is None
    # The public page counts the offered place as taken.
    content = client.get(page.url).content.decode()
    assert "Zajęte miejsca: 2 z 2." in content


def test_accepting_by_the_link_confirms_sends_the_promotion_and_removes_the_schedule(
        offers, client, mailoutbox, django_capture_on_commit_callbacks):
    page, session, confirmed, waiters = offers
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(confirmed[0])
    (mail,) = [m for m in mailoutbox if m.to == ["czeka0@example.org"]]
    path = accept_path(mail)

    shown = client.get(path)
    assert shown.status_code == 200
    assert "Przyjmij miejsce" in shown.content.decode() and shown["Cache-Control"] == "private, no-store"
    assert fresh(waiters[0]).status == Status.WAITLISTED  # GET never accepts (mail scanners)

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 200
    assert "miejsce jest Twoje" in response.content.decode()
    accepted = fresh(waiters[0])
    assert accepted.status == Status.CONFIRMED and accepted.offer_expires_at is None and accepted.promoted_at
    assert not Schedule.objects.filter(name=workshop_messages.offer_schedule_name(accepted.pk)).exists()
    assert [m.to for m in mailoutbox] == [["czeka0@example.org"]]
    assert any(a.get_filename() == "warsztaty.ics" for a in mailoutbox[0].attachments if hasattr(a, "get_filename"))
    # Accepting again is a friendly answer, not an error.
    assert client.post(path).status_code == 200


def test_an_expired_offer_is_refused_with_a_polish_message_and_nothing_changes(offers, client):
    page, session, confirmed, waiters = offers
    services.cancel(confirmed[0], now=timezone.now() - timedelta(hours=HOURS + 1))
    path = accept_path(offer_mail(fresh(waiters[0])))

    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "nie czeka już na Ciebie" in response.content.decode()
    assert fresh(waiters[0]).status == Status.WAITLISTED
    with pytest.raises(OfferNotOpen):
        services.accept_offer(waiters[0])
    assert client.get(reverse("strategy_forms:accept_offer", args=["zepsuty"])).status_code == 404


def test_an_unanswered_offer_passes_to_the_next_waiter_and_so_on(offers):
    page, session, confirmed, waiters = offers
    start = timezone.now()
    services.cancel(confirmed[0], now=start)

    assert services.expire_offer(waiters[0].pk, now=start + timedelta(hours=1)) is False  # not due yet
    assert tasks.expire_waitlist_offer(waiters[0].pk) is False  # the task: the deadline has not come
    later = start + timedelta(hours=HOURS)
    assert services.expire_offer(waiters[0].pk, now=later) is True
    lapsed, second = fresh(waiters[0]), fresh(waiters[1])
    assert lapsed.status == Status.CANCELLED and lapsed.offer_expires_at is None
    lapse = Notification.objects.get(kind=workshop_messages.OFFER_LAPSED, object_id=lapsed.pk)
    assert "nie zostało przyjęte na czas" in workshop_messages.build_offer_lapsed(lapse).body
    assert second.has_open_offer and second.offer_expires_at == later + timedelta(hours=HOURS)
    assert services.expire_offer(waiters[0].pk, now=later) is False  # once only

    # The last waiter lets it lapse too: nobody is left, the place is free again.
    assert services.expire_due_offers(now=later + timedelta(hours=HOURS)) == 1
    (counted,) = [s for s in services.sessions_with_places(page) if s.pk == session.pk]
    assert counted.places_left == 1
    assert register(page, session, "Nowa", "nowa@example.org").status == Status.CONFIRMED


def test_a_waiter_without_email_becomes_a_call_for_staff(offers):
    page, session, confirmed, waiters = offers
    services.cancel(waiters[0])
    services.cancel(waiters[1])
    phone_only = register(page, session, "Jan Telefoniczny", phone="600 111 222",
                          source=Registration.Source.STAFF).registration
    services.cancel(confirmed[0], by_staff=True)

    phone_only = fresh(phone_only)
    assert phone_only.has_open_offer
    assert phone_only.call_pending and phone_only.call_reason == Registration.CallReason.OFFERED
    assert list(services.calls_to_make()) == [phone_only]
    about_them = Notification.objects.filter(object_id=phone_only.pk, content_type__model="registration")
    assert set(about_them.values_list("recipients", flat=True)) == {"biuro@example.org"}
    assert Schedule.objects.filter(name=workshop_messages.offer_schedule_name(phone_only.pk)).exists()
    # Staff phone and confirm the place by hand (the person cannot use a link).
    assert services.accept_offer(phone_only).status == Status.CONFIRMED


@pytest.mark.parametrize("offer_hours", [0, HOURS])
def test_nothing_is_offered_or_promoted_in_the_last_hours_before_the_session(offers, offer_hours):
    page, session, confirmed, waiters = offers
    page.waitlist_offer_hours, page.no_offers_hours_before = offer_hours, 24
    page.save()
    inside = session.starts_at - timedelta(hours=23)
    services.cancel(confirmed[0], now=inside)
    first = fresh(waiters[0])
    assert first.status == Status.WAITLISTED and not first.has_open_offer
    assert not Notification.objects.filter(kind=workshop_messages.PLACE_OFFERED).exists()
    assert services.preview_cancellation([confirmed[1]], now=inside).promoted == []
    # Staff still decide: a move into the freed place confirms.
    assert services.move(first, session.page.sessions.order_by("sort_order").last(), now=inside).new.status \
        == Status.CONFIRMED


def test_outside_the_last_hours_the_place_is_offered(offers):
    page, session, confirmed, waiters = offers
    page.no_offers_hours_before = 24
    page.save()
    services.cancel(confirmed[0], now=session.starts_at - timedelta(hours=25))
    assert fresh(waiters[0]).has_open_offer


def test_my_registration_page_shows_the_offer_and_accepts_it(offers, client):
    page, session, confirmed, waiters = offers
    waiter = register(page, session, "Z formularza", "formularz@example.org")
    services.cancel(waiters[0])
    services.cancel(waiters[1])
    services.cancel(confirmed[0])
    path = reverse("strategy_forms:submission", args=[services.submission_token(waiter.submission)])

    content = client.get(path).content.decode()
    assert "czeka na Ciebie wolne miejsce" in content and "Przyjmij miejsce" in content
    response = client.post(path, {"action": "accept_offer", "registration": waiter.registration.pk})
    assert response.status_code == 303
    assert fresh(waiter.registration).status == Status.CONFIRMED
    assert "Miejsce jest Twoje" in client.get(path).content.decode()
    again = client.post(path, {"action": "accept_offer", "registration": waiter.registration.pk})
    assert again.status_code == 409 and "nie czeka już na Ciebie" in again.content.decode()


# Concurrency: real parallel clients, each with its own connection ------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("round_", range(3))
def test_an_accepted_offer_and_its_expiry_cannot_both_take_the_place(round_):
    from tests.forms.workshops.test_concurrency import run_in_threads

    page = make_workshop(capacities=(1,), waitlist_offer_hours=HOURS)
    session = page.sessions.get()
    holder = register(page, session, "Ma miejsce", "ma@example.org").registration
    first = register(page, session, "Pierwsza", "pierwsza@example.org").registration
    second = register(page, session, "Druga", "druga@example.org").registration
    start = timezone.now()
    services.cancel(holder, now=start)
    deadline = fresh(first).offer_expires_at
    # The two sides' clocks straddle the deadline: each would succeed alone.
    actions = [lambda: services.accept_offer(first, now=deadline - timedelta(seconds=1)),
               lambda: services.expire_offer(first.pk, now=deadline + timedelta(seconds=1))]
    if round_ % 2:
        actions.reverse()

    results, errors = run_in_threads(2, lambda index: actions[index]())

    assert all(isinstance(error, OfferNotOpen) for error in errors) and len(errors) <= 1
    first, second = fresh(first), fresh(second)
    taken = Registration.objects.filter(session=session).filter(
        status=Status.CONFIRMED).count() + int(second.has_open_offer)
    assert taken == 1
    if first.status == Status.CONFIRMED:
        assert not second.has_open_offer and second.status == Status.WAITLISTED
    else:
        assert first.status == Status.CANCELLED and second.has_open_offer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_offered_place_is_not_given_to_new_registrants_meanwhile():
    from tests.forms.workshops.test_concurrency import run_in_threads

    page = make_workshop(capacities=(2,), waitlist_offer_hours=HOURS)
    session = page.sessions.get()
    holders = [register(page, session, f"Ma {i}", f"ma{i}@example.org").registration for i in range(2)]
    waiter = register(page, session, "Czeka", "czeka@example.org").registration
    newcomers = 8

    def attempt(index):
        if index == 0:
            return services.cancel(holders[0])
        if index == 1:
            return services.walk_in(session, full_name="Z ulicy", email="ulica@example.org")
        return register(page, session, f"Nowa {index}", f"nowa{index}@example.org").status

    results, errors = run_in_threads(newcomers + 2, attempt)

    # Before the cancellation the session is full; after it, the freed place is held for the first waiter.
    assert len(errors) == 1 and isinstance(errors[0], CheckInRefused)
    assert Status.CONFIRMED not in results[2:]
    assert fresh(waiter).has_open_offer
    assert Registration.objects.filter(session=session, status=Status.CONFIRMED).count() == 1
    assert Registration.objects.filter(session=session, status=Status.WAITLISTED).count() == newcomers + 1


def test_the_offer_pages_are_valid_html(offers, client, tmp_path):
    from tests.conformance.vnu import check_html_files

    page, session, confirmed, waiters = offers
    waiter = register(page, session, "Z formularza", "formularz@example.org")
    services.cancel(waiters[0])
    services.cancel(waiters[1])
    services.cancel(confirmed[0])
    path = accept_path(offer_mail(fresh(waiter.registration)))
    manage = reverse("strategy_forms:submission", args=[services.submission_token(waiter.submission)])
    documents = {"offer": client.get(path), "submission with an offer": client.get(manage),
                 "accepted": client.post(path), "bad link": client.get("/rejestracja/miejsce/zly/")}
    assert [response.status_code for response in documents.values()] == [200, 200, 200, 404]
    files = []
    for number, response in enumerate(documents.values()):
        files.append(tmp_path / f"{number}.html")
        files[-1].write_text(response.content.decode(), encoding="utf-8")

    errors, _warnings = check_html_files([str(file) for file in files])

    assert errors == []


def test_an_offer_cannot_overbook_a_session_whose_places_staff_lowered(offers):
    page, session, confirmed, waiters = offers
    services.cancel(confirmed[0])
    services.cancel(confirmed[1])  # both waiters hold offers now
    session.capacity = 1
    session.save()
    services.accept_offer(waiters[0])
    with pytest.raises(OfferNotOpen):
        services.accept_offer(waiters[1])
    assert Registration.objects.filter(session=session, status=Status.CONFIRMED).count() == 1
