"""Check-in at the door (issue 15, point 3): codes, the check-in and walk-in services, the QR code (read
back by an independent decoder, zxing-cpp), the code in the confirmation mail and on the person's page."""

import email
import email.policy
import io
import re

import pytest
import zxingcpp
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from forms.models import Registration
from forms.workshops import services, tokens
from forms.workshops.exceptions import CheckInRefused
from forms.workshops.models import CHECK_IN_CODE_ALPHABET, generate_check_in_code
from tests.forms.fixtures_workshops import make_workshop, register_people, starting_today

pytestmark = pytest.mark.django_db

Status = Registration.Status
CONFUSABLE = set("0O1IL2Z5S8BUVD")


def test_codes_are_short_unambiguous_and_unique(workshop):
    session = workshop.sessions.order_by("sort_order").first()
    outcomes = register_people(workshop, session, 5)  # 3 confirmed, 2 waitlisted
    codes = [o.registration.check_in_code for o in outcomes]
    assert len(set(codes)) == 5
    for code in codes:
        assert re.fullmatch(f"[{CHECK_IN_CODE_ALPHABET}]{{6}}", code)
        assert not CONFUSABLE & set(code)
    assert not CONFUSABLE & set(CHECK_IN_CODE_ALPHABET)
    # Random, not a counter: 200 draws are (almost surely) all different.
    assert len({generate_check_in_code() for _ in range(200)}) > 195


def test_a_promoted_waiter_keeps_the_code_and_the_code_is_found_however_typed(workshop):
    session = workshop.sessions.order_by("sort_order").first()
    outcomes = register_people(workshop, session, 4)
    waiter = outcomes[3].registration
    services.cancel(outcomes[0].registration)
    waiter.refresh_from_db()
    assert waiter.status == Status.CONFIRMED
    code = waiter.check_in_code
    typed = f" {code[:3].lower()}-{code[3:]} "
    assert services.registration_by_check_in_code(typed) == waiter
    assert [r.pk for r in services.check_in_list(session, typed)] == [waiter.pk]
    assert services.registration_by_check_in_code("") is None


def test_check_in_marks_attendance_counts_and_undo(workshop):
    session = workshop.sessions.order_by("sort_order").first()
    first, second, waiter = (o.registration for o in register_people(workshop, session, 4)[:3])
    assert services.check_in_counts(session) == services.CheckInCounts(present=0, confirmed=3)
    with pytest.raises(CheckInRefused) as too_early:  # two weeks ahead: nobody can be at the door yet
        services.check_in(first)
    assert "dnia sesji" in str(too_early.value.message)
    starting_today(session)
    assert services.check_in(first) is True
    assert services.check_in(first) is False  # twice: no change
    first.refresh_from_db()
    assert first.attended is True  # the same field the attendance list and exports show
    assert services.check_in_counts(session) == services.CheckInCounts(present=1, confirmed=3)
    assert services.undo_check_in(first) is True
    first.refresh_from_db()
    assert first.attended is None
    assert services.check_in_counts(session).present == 0
    waitlisted = Registration.objects.filter(session=session, status=Status.WAITLISTED).first()
    with pytest.raises(CheckInRefused):
        services.check_in(waitlisted)
    waitlisted.refresh_from_db()
    assert waitlisted.attended is None


def test_check_in_list_searches_names_and_only_lists_confirmed_people(workshop):
    session = workshop.sessions.order_by("sort_order").first()
    services.register(workshop, sessions=[session], full_name="Zofia Wiśniewska", email="zofia@example.org")
    services.register(workshop, sessions=[session], full_name="Adam Kowalski", email="adam@example.org")
    services.register(workshop, sessions=[session], full_name="Ewa Wiśniewska", email="ewa@example.org")
    services.register(workshop, sessions=[session], full_name="Wiśniewska Czekająca", email="c@example.org")
    names = [r.full_name for r in services.check_in_list(session, "wiśniew")]
    assert names == ["Ewa Wiśniewska", "Zofia Wiśniewska"]  # by name; the waiter is not at the door
    assert len(services.check_in_list(session, "")) == 3


def test_walk_in_takes_a_free_place_and_is_checked_in(workshop):
    session = workshop.sessions.order_by("sort_order").first()
    register_people(workshop, session, 2)
    starting_today(session)
    person = services.walk_in(session, full_name="Jan Z Ulicy", phone="600 100 200")
    person.refresh_from_db()
    assert (person.status, person.source, person.attended) == (Status.CONFIRMED, "walk_in", True)
    assert person.check_in_code
    with pytest.raises(CheckInRefused) as refused:
        services.walk_in(session, full_name="Za Późno", phone="600 100 300")
    assert "miejsc" in str(refused.value.message)  # "Brak wolnych miejsc w tej sesji."
    assert Registration.objects.filter(session=session, full_name="Za Późno").count() == 0


def test_walk_in_of_a_person_already_registered_is_refused(workshop):
    session = workshop.sessions.order_by("sort_order")[1]
    services.register(workshop, sessions=[session], full_name="Anna", email="anna@example.org")
    with pytest.raises(CheckInRefused):
        services.walk_in(session, full_name="Anna", email="ANNA@example.org")
    assert Registration.objects.filter(session=session).count() == 1


def decode_qr(png_bytes):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png_bytes)))
    assert len(results) == 1
    return results[0].text


def test_qr_code_carries_the_absolute_admin_check_in_address_and_nothing_personal(workshop, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://strategia.konstancin.example"
    session = workshop.sessions.order_by("sort_order").first()
    registration = services.register(workshop, sessions=[session], full_name="Anna Nowak",
                                     email="anna.nowak@example.org")[0].registration
    text = decode_qr(tokens.check_in_qr_png(registration))
    assert text == f"https://strategia.konstancin.example/admin/registrations/check-in/{registration.check_in_code}/"
    assert "anna" not in text.lower()
    svg = str(tokens.check_in_qr_svg(registration))
    assert svg.startswith('<svg role="img" aria-label="Kod QR do odprawy, kod ')
    assert registration.check_in_code in svg


def test_confirmation_mail_carries_the_code_and_a_readable_qr(settings, django_capture_on_commit_callbacks):
    settings.WAGTAILADMIN_BASE_URL = "https://strategia.konstancin.example"
    page = make_workshop(capacities=(1,))
    session = page.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.register(page, sessions=[session], full_name="Anna", email="anna@example.org")[0]
        services.register(page, sessions=[session], full_name="Ola", email="ola@example.org")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    parsed = email.message_from_bytes(by_recipient["anna@example.org"].message().as_bytes(),
                                      policy=email.policy.default)
    code = confirmed.registration.check_in_code
    assert f"Twój kod odprawy: {code}" in parsed.get_body(("plain",)).get_content()
    assert code in parsed.get_body(("html",)).get_content()
    (png,) = [part for part in parsed.iter_attachments() if part.get_content_type() == "image/png"]
    assert png.get_filename() == "kod-odprawy.png"
    assert decode_qr(png.get_content()).endswith(f"/admin/registrations/check-in/{code}/")
    # The waiter has no place yet: no code to show at the door.
    waitlist = by_recipient["ola@example.org"].message()
    assert "kod odprawy" not in waitlist.as_string().lower()
    assert not [p for p in waitlist.walk() if p.get_content_type() == "image/png"]


def test_persons_page_shows_the_code_and_qr_only_for_a_confirmed_place(client, live_workshop):
    session = live_workshop.sessions.order_by("sort_order").first()
    anna, ola, waiter = (o.registration for o in register_people(live_workshop, session, 3))
    html = client.get(f"/rejestracja/anuluj/{tokens.cancel_token(anna)}/").content.decode()
    assert anna.check_in_code in html and 'role="img"' in html
    html = client.get(f"/rejestracja/anuluj/{tokens.cancel_token(waiter)}/").content.decode()
    assert waiter.check_in_code not in html and "<svg" not in html


def test_check_in_list_is_one_query(workshop):
    session = workshop.sessions.order_by("sort_order")[1]
    register_people(workshop, session, 10)
    with CaptureQueriesContext(connection) as queries:
        assert len(list(services.check_in_list(session, "osoba"))) == 10
    assert len(queries) == 1
