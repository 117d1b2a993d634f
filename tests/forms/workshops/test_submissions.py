"""Issue 15.2 and 14.14: one confirmation per submission, its "Moje zgłoszenie" page (signed, no account)
and the result page the form post redirects to. Through real HTTP, the outbox and the services."""

import email
import email.policy
import re
from urllib.parse import urlsplit

import icalendar
import ics
import pytest
import vobject
from django.core import signing
from django.test import Client, override_settings

from forms.mail import site_domain
from forms.models import Registration, WorkshopSubmission
from forms.workshops import messages as workshop_messages
from forms.workshops import services, tokens
from notifications.models import Notification
from tests.forms.fixtures_workshops import make_workshop, register_people

Status = Registration.Status
pytestmark = pytest.mark.django_db

STAFF = "sekretariat@example.org"
PERSON = {"full_name": "Maria Zielińska", "email": "maria.zielinska@example.org", "phone": "600 100 200"}
MANAGE_LINK = re.compile(r"https?://[^\s\"<>]+/rejestracja/zgloszenie/[^/\s\"<>]+/")


@pytest.fixture
def three_sessions(form_index):
    """A workshop with three sessions; the second is full (its waitlist is open)."""
    page = make_workshop(capacities=(10, 1, 10), parent=form_index, slug="warsztaty",
                         notification_recipients=STAFF)
    sessions = list(page.sessions.order_by("sort_order"))
    register_people(page, sessions[1], 1, prefix="pierwsza")
    Notification.objects.all().delete()
    return page, sessions


def post(client, page, sessions, **person):
    data = {**PERSON, **person, "sessions": [s.pk for s in sessions], "consent": "on"}
    return client.post(page.url, data)


def submit(client, page, sessions, capture, mailoutbox, **person):
    with capture(execute=True):
        response = post(client, page, sessions, **person)
    assert response.status_code == 303, response.content.decode()[:500]
    return response


def manage_link(message):
    (link,) = set(MANAGE_LINK.findall(message.body))
    return urlsplit(link).path


def calendar_part(message):
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)
    parts = [part for part in parsed.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return parts[0]


def test_three_sessions_one_confirmation_one_staff_message(
        client, three_sessions, mailoutbox, django_capture_on_commit_callbacks):
    page, sessions = three_sessions
    submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox)
    submission = WorkshopSubmission.objects.latest("pk")
    assert {(r.session_id, r.status) for r in submission.registrations.all()} == {
        (sessions[0].pk, Status.CONFIRMED), (sessions[1].pk, Status.WAITLISTED), (sessions[2].pk, Status.CONFIRMED)}
    kinds = sorted(Notification.objects.values_list("kind", flat=True))
    assert kinds == [workshop_messages.STAFF_SUBMISSION, workshop_messages.SUBMISSION_CONFIRMED]
    to_person = [m for m in mailoutbox if m.to == [PERSON["email"]]]
    to_staff = [m for m in mailoutbox if m.to == [STAFF]]
    assert len(to_person) == 1 and len(to_staff) == 1 and len(mailoutbox) == 2
    body = to_person[0].body
    assert to_person[0].subject == f"Twoje zgłoszenie: {page.title}"
    for session in sessions:
        assert session.title in body
    assert body.count("Twoje miejsce jest potwierdzone.") == 2
    assert "jesteś na jej liście rezerwowej, na miejscu 1." in body
    assert "Moje zgłoszenie" in body and MANAGE_LINK.search(body)
    assert "/rejestracja/anuluj/" not in body  # the per-session links live on the page
    staff = to_staff[0].body
    assert PERSON["full_name"] in staff and staff.count("Sesja ") == 3 and "miejsce 1" in staff


def test_refusals_and_duplicates_are_listed_in_the_one_message(
        client, form_index, mailoutbox, django_capture_on_commit_callbacks):
    page = make_workshop(capacities=(10, 1, 10), parent=form_index, slug="bez-listy", waitlist=False)
    first, full, third = page.sessions.order_by("sort_order")
    register_people(page, full, 1, prefix="ktos")
    services.register(page, sessions=[third], **PERSON)
    mailoutbox.clear()
    submit(client, page, [first, full, third], django_capture_on_commit_callbacks, mailoutbox)
    (message,) = mailoutbox
    assert "nie zapisano: brak wolnych miejsc." in message.body
    assert "ten adres był już zapisany na tę sesję; nic się nie zmieniło." in message.body
    assert Registration.objects.filter(email=PERSON["email"], status=Status.CONFIRMED).count() == 2


def test_calendar_file_one_vevent_per_confirmed_session_in_three_parsers(
        client, three_sessions, mailoutbox, django_capture_on_commit_callbacks):
    page, sessions = three_sessions
    submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox)
    part = calendar_part(next(m for m in mailoutbox if m.to == [PERSON["email"]]))
    assert part.get_param("method") == "PUBLISH"
    text = part.get_content()
    confirmed = Registration.objects.filter(status=Status.CONFIRMED, email=PERSON["email"]).order_by("session_id")
    expected_uids = {f"registration-{r.pk}@{site_domain(page)}" for r in confirmed}
    starts = {r.session.starts_at.replace(microsecond=0) for r in confirmed}  # iCalendar counts whole seconds
    assert len(expected_uids) == 2
    parsed = icalendar.Calendar.from_ical(text)
    assert str(parsed["method"]) == "PUBLISH"
    events = parsed.walk("VEVENT")
    assert text.count("BEGIN:VCALENDAR") == 1 and len(events) == 2
    assert {str(e["uid"]) for e in events} == expected_uids
    assert {e.decoded("dtstart") for e in events} == starts
    vcal = vobject.readOne(text)
    assert {e.uid.value for e in vcal.vevent_list} == expected_uids
    assert {e.dtstart.value for e in vcal.vevent_list} == starts
    (ics_calendar,) = ics.Calendar.parse_multiple(text)
    assert {e.uid for e in ics_calendar.events} == expected_uids
    assert {e.begin.datetime for e in ics_calendar.events} == starts


def test_result_page_after_redirect_can_be_reloaded(client, three_sessions, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    page, sessions = three_sessions
    response = submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox)
    result_url = response["Location"]
    assert result_url.startswith("/rejestracja/wynik/")
    first, again = client.get(result_url), client.get(result_url)
    assert first.status_code == again.status_code == 200
    content = again.content.decode()
    assert "Dziękujemy za zapis" in content and "Jesteś już zapisany" not in content
    assert all(session.title in content for session in sessions)
    # Nothing personal and no link to the registrations in the page or its address.
    assert PERSON["email"] not in content and PERSON["email"] not in result_url
    assert "/rejestracja/zgloszenie/" not in content and "/rejestracja/anuluj/" not in content
    assert Registration.objects.filter(email=PERSON["email"]).count() == 3
    assert len([m for m in mailoutbox if m.to == [PERSON["email"]]]) == 1


def normalised(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_result_of_a_known_address_looks_like_a_new_one(client, three_sessions, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    page, sessions = three_sessions
    submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox)
    known = submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox)
    new = submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox, email="inna@example.org")
    payload = [signing.loads(r["Location"].split("/")[-2], salt=tokens.RESULT_SALT) for r in (known, new)]
    assert payload[0] == payload[1]
    assert normalised(client.get(known["Location"]).content.decode()) == normalised(
        client.get(new["Location"]).content.decode())
    # The known address stored nothing new: no submission of its own (the fixture's, the first, the new one).
    assert WorkshopSubmission.objects.count() == 3


def test_result_page_with_a_forged_token_is_404(client, three_sessions):
    page, _sessions = three_sessions
    forged = signing.dumps({"p": page.pk, "s": [1], "r": []}, salt="another-salt")
    response = client.get(f"/rejestracja/wynik/{forged}/")
    assert response.status_code == 404 and "Ten link jest nieprawidłowy" in response.content.decode()


def test_manage_page_shows_each_session_and_only_with_the_right_token(
        client, three_sessions, mailoutbox, django_capture_on_commit_callbacks):
    page, sessions = three_sessions
    submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox)
    submit(client, page, sessions[:1], django_capture_on_commit_callbacks, mailoutbox, email="ola@example.org")
    mine, other = WorkshopSubmission.objects.order_by("pk")[1:]
    link = manage_link(next(m for m in mailoutbox if m.to == [PERSON["email"]]))
    response = client.get(link)
    content = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert PERSON["full_name"] in content and "ola@example.org" not in content
    assert content.count("miejsce potwierdzone") == 2 and "na liście rezerwowej, miejsce 1" in content
    assert tokens.submission_from_token(link.split("/")[-2]) == mine
    # A token for one submission tells nothing about another; another kind's token is refused.
    assert tokens.submission_token(other) != tokens.submission_token(mine)
    cancel_token = tokens.cancel_token(mine.registrations.first())
    for bad in (cancel_token, tokens.submission_token(mine)[:-2] + "xx", "nonsense"):
        refused = client.get(f"/rejestracja/zgloszenie/{bad}/")
        assert refused.status_code == 404 and "Ten link jest nieprawidłowy" in refused.content.decode()
        assert PERSON["full_name"] not in refused.content.decode()


def manage(client, submission, **data):
    return client.post(f"/rejestracja/zgloszenie/{tokens.submission_token(submission)}/", data)


def test_cancel_one_promotes_the_first_waiting(client, form_index, django_capture_on_commit_callbacks):
    page = make_workshop(capacities=(1, 10), parent=form_index, slug="awans")
    full, roomy = page.sessions.order_by("sort_order")
    services.register(page, sessions=[full, roomy], **PERSON)
    (waiting,) = services.register(page, sessions=[full], full_name="Czeka", email="czeka@example.org")
    submission = WorkshopSubmission.objects.order_by("pk").first()
    mine = submission.registrations.get(session=full)
    response = manage(client, submission, action="cancel", registration=mine.pk)
    assert response.status_code == 303
    page_after = client.get(response["Location"]).content.decode()
    assert f"Anulowano: {full.title}." in page_after
    mine.refresh_from_db()
    waiting.registration.refresh_from_db()
    assert mine.status == Status.CANCELLED and waiting.registration.status == Status.CONFIRMED
    assert submission.registrations.get(session=roomy).status == Status.CONFIRMED


def test_cancel_all_then_register_again_joins_the_waitlist(client, form_index):
    page = make_workshop(capacities=(1, 10), parent=form_index, slug="ponownie")
    full, roomy = page.sessions.order_by("sort_order")
    services.register(page, sessions=[full, roomy], **PERSON)
    submission = WorkshopSubmission.objects.latest("pk")
    response = manage(client, submission, action="cancel_all")
    assert response.status_code == 303
    assert "Anulowano 2 zapisy." in client.get(response["Location"]).content.decode()
    assert not submission.registrations.filter(status__in=Registration.ACTIVE_STATUSES).exists()
    services.register(page, sessions=[full], full_name="Zajmuje", email="zajmuje@example.org")
    response = manage(client, submission, action="register_again", session=full.pk)
    assert response.status_code == 303
    assert "jesteś na liście rezerwowej, na miejscu 1." in client.get(response["Location"]).content.decode()
    newest = submission.registrations.filter(session=full).order_by("-pk").first()
    assert newest.status == Status.WAITLISTED and newest.full_name == PERSON["full_name"]
    # Joining again while already waiting is refused with a message, nothing changes.
    again = manage(client, submission, action="register_again", session=full.pk)
    assert again.status_code == 409 and "Masz już zapis na tę sesję." in again.content.decode()
    assert submission.registrations.filter(session=full).count() == 2


def test_resend_and_calendar_download(client, three_sessions, mailoutbox, django_capture_on_commit_callbacks):
    page, sessions = three_sessions
    submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox)
    submission = WorkshopSubmission.objects.latest("pk")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = manage(client, submission, action="resend")
    assert response.status_code == 303
    (message,) = mailoutbox
    assert message.to == [PERSON["email"]] and MANAGE_LINK.search(message.body)
    keys = set(Notification.objects.filter(kind=workshop_messages.SUBMISSION_CONFIRMED).values_list("key", flat=True))
    assert len(keys) == 2
    calendar = client.get(f"/rejestracja/zgloszenie/{tokens.submission_token(submission)}/kalendarz.ics")
    assert calendar.status_code == 200 and calendar["Content-Type"].startswith("text/calendar")
    assert "attachment" in calendar["Content-Disposition"]
    assert len(icalendar.Calendar.from_ical(calendar.content).walk("VEVENT")) == 2


def test_single_session_confirmation_links_to_the_submission(
        client, three_sessions, mailoutbox, django_capture_on_commit_callbacks):
    page, sessions = three_sessions
    submit(client, page, sessions[:1], django_capture_on_commit_callbacks, mailoutbox)
    (to_person,) = [m for m in mailoutbox if m.to == [PERSON["email"]]]
    assert Notification.objects.filter(kind=Notification.Kind.REGISTRATION_CONFIRMED).count() == 1
    assert "/rejestracja/anuluj/" in to_person.body and MANAGE_LINK.search(to_person.body)


@pytest.mark.parametrize("data", [{"action": "explode"}, {"action": "cancel", "registration": "abc"},
                                  {"action": "register_again", "session": ""}, {}])
def test_bad_actions_are_4xx_and_change_nothing(client, three_sessions, data):
    page, sessions = three_sessions
    services.register(page, sessions=sessions, **PERSON)
    submission = WorkshopSubmission.objects.latest("pk")
    response = manage(client, submission, **data)
    assert response.status_code == 400 and "Tego nie można zrobić" in response.content.decode()
    assert submission.registrations.filter(status__in=Registration.ACTIVE_STATUSES).count() == 3


def test_another_submissions_registration_cannot_be_cancelled(client, three_sessions):
    page, sessions = three_sessions
    services.register(page, sessions=sessions, **PERSON)
    mine = WorkshopSubmission.objects.latest("pk")
    (other,) = services.register(page, sessions=sessions[:1], full_name="Ola", email="ola@example.org")
    response = manage(client, mine, action="cancel", registration=other.registration.pk)
    assert response.status_code == 400
    other.registration.refresh_from_db()
    assert other.registration.status == Status.CONFIRMED


def test_actions_need_the_csrf_token(three_sessions):
    page, sessions = three_sessions
    services.register(page, sessions=sessions, **PERSON)
    submission = WorkshopSubmission.objects.latest("pk")
    response = manage(Client(enforce_csrf_checks=True), submission, action="cancel_all")
    assert response.status_code == 403
    assert submission.registrations.filter(status__in=Registration.ACTIVE_STATUSES).count() == 3


@override_settings(FORM_RATE_LIMIT="2/600")
def test_actions_are_rate_limited(client, three_sessions):
    page, sessions = three_sessions
    services.register(page, sessions=sessions, **PERSON)
    submission = WorkshopSubmission.objects.latest("pk")
    statuses = [manage(client, submission, action="resend").status_code for _ in range(3)]
    assert statuses == [303, 303, 429]


def test_anonymising_the_registrations_blanks_the_submissions_messages(
        client, three_sessions, mailoutbox, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from forms.privacy import services as privacy

    page, sessions = three_sessions
    submit(client, page, sessions, django_capture_on_commit_callbacks, mailoutbox)
    submission = WorkshopSubmission.objects.latest("pk")
    privacy._anonymise_registrations(submission.registrations.all(), timezone.now())
    rows = Notification.objects.filter(kind__in=[workshop_messages.SUBMISSION_CONFIRMED,
                                                 workshop_messages.STAFF_SUBMISSION])
    assert rows.count() == 2 and set(rows.values_list("recipients", flat=True)) == {""}
    # The page no longer names the person, and a new registration from it is refused.
    content = client.get(f"/rejestracja/zgloszenie/{tokens.submission_token(submission)}/").content.decode()
    assert PERSON["full_name"] not in content and PERSON["email"] not in content
    submission.registrations.update(status=Status.CANCELLED)
    assert manage(client, submission, action="register_again", session=sessions[0].pk).status_code == 400
