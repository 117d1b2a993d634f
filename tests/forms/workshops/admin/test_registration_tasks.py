"""Issue 14: the tasks staff do on one person or a selection in the registrations admin — the row and
inspect actions, the bulk cancellation's confirmation, the "to call" list for people without an
e-mail address, attendance from the session's day, the extra questions in the staff form and mails."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from forms.models import Registration, WorkshopFormField
from forms.workshops import messages as workshop_messages
from forms.workshops import services
from notifications.models import Notification

pytestmark = pytest.mark.django_db

Status = Registration.Status
QUESTION = "Z której części gminy Pan/Pani jest?"


def register(page, session, name, email="", phone=""):
    return services.register(page, sessions=[session], full_name=name, email=email, phone=phone,
                             source=Registration.Source.STAFF if not email else Registration.Source.ONLINE,
                             enforce_window=False)[0].registration


@pytest.fixture
def question(workshop):
    return WorkshopFormField.objects.create(page=workshop, sort_order=0, label=QUESTION, field_type="singleline",
                                            required=True)


@pytest.fixture
def full_session(workshop, sessions):
    """Session 1 (2 places) full; waiting: a person with e-mail, then one with a phone only."""
    return [register(workshop, sessions[0], "Osoba 0", "osoba0@example.org"),
            register(workshop, sessions[0], "Osoba 1", "osoba1@example.org"),
            register(workshop, sessions[0], "Czekająca Mailowa", "czeka@example.org"),
            register(workshop, sessions[0], "Czekający Telefoniczny", phone="600 111 222")]


# The "to call" task ------------------------------------------------------------------------------


def test_a_promoted_waiter_without_email_becomes_a_call_for_staff_never_a_sent_mail(workshop, sessions):
    workshop.notification_recipients = "biuro@example.org"
    workshop.save()
    first = register(workshop, sessions[0], "Osoba 0", "osoba0@example.org")
    register(workshop, sessions[0], "Osoba 1", "osoba1@example.org")
    phone_only = register(workshop, sessions[0], "Jan Telefoniczny", phone="600 111 222")

    services.cancel(first, by_staff=True)

    phone_only.refresh_from_db()
    assert phone_only.status == Status.CONFIRMED
    assert phone_only.call_pending and phone_only.call_reason == Registration.CallReason.PROMOTED
    assert list(services.calls_to_make()) == [phone_only]
    about_them = Notification.objects.filter(object_id=phone_only.pk, content_type__model="registration")
    # Nothing addressed to the person (no address to make up); the staff are asked to phone instead.
    assert set(about_them.values_list("recipients", flat=True)) == {"biuro@example.org"}
    assert not about_them.filter(kind=Notification.Kind.REGISTRATION_PROMOTED).exists()
    call_mail = about_them.get(kind=workshop_messages.STAFF_CALL_REQUEST)
    message = workshop_messages.build_staff_call_request(call_mail)
    assert "600 111 222" in message.body and "Jan Telefoniczny" in message.body
    assert "/admin/registrations/calls/" in message.body


def test_marking_the_call_made_clears_it_and_logs_who(workshop, sessions, form_admin):
    person = register(workshop, sessions[1], "Jan Telefoniczny", phone="600 111 222")
    services.request_call(person, Registration.CallReason.PROMOTED)
    assert services.mark_call_made(person, form_admin) is True
    person.refresh_from_db()
    assert not person.call_pending and person.call_made_at is not None
    assert not services.calls_to_make().exists()
    assert ModelLogEntry.objects.filter(action=services.CALL_MADE_ACTION, user=form_admin,
                                        object_id=str(person.pk)).count() == 1
    assert services.mark_call_made(person, form_admin) is False  # nothing left to clear: no second entry
    assert ModelLogEntry.objects.filter(action=services.CALL_MADE_ACTION).count() == 1
    # The workshop has no staff recipients: the task is only in the list, no mail is recorded.
    assert not Notification.objects.filter(kind=workshop_messages.STAFF_CALL_REQUEST).exists()


def test_calls_list_shows_the_phone_and_clears_on_click(client, form_admin, workshop, sessions, full_session):
    services.cancel(full_session[0], by_staff=True)
    services.cancel(full_session[1], by_staff=True)
    phone_only = full_session[3]
    client.force_login(form_admin)
    html = client.get("/admin/registrations/").content.decode()
    assert "Do telefonu (1)" in html
    html = client.get("/admin/registrations/calls/").content.decode()
    assert "Czekający Telefoniczny" in html and 'href="tel:600111222"' in html
    response = client.post("/admin/registrations/calls/", {"registration": phone_only.pk})
    assert response.status_code == 302
    assert "Nie ma do kogo dzwonić." in client.get("/admin/registrations/calls/").content.decode()
    assert client.post("/admin/registrations/calls/", {"registration": "abc"}).status_code == 404


# Row and inspect actions -------------------------------------------------------------------------


def test_each_row_offers_move_cancel_and_resend(client, form_admin, workshop, sessions, full_session):
    client.force_login(form_admin)
    html = client.get("/admin/registrations/").content.decode()
    for registration in full_session:
        assert f"/admin/registrations/{registration.pk}/move/" in html
        assert f"/admin/registrations/{registration.pk}/cancel/" in html
    assert f"/admin/registrations/{full_session[0].pk}/resend/" in html
    assert f"/admin/registrations/{full_session[3].pk}/resend/" not in html  # no address to send to
    assert "Przenieś na inną sesję" in html


def test_list_shows_the_waitlist_position(client, form_admin, workshop, sessions, full_session):
    client.force_login(form_admin)
    html = client.get("/admin/registrations/", {"status": "waitlisted", "ordering": "full_name"}).content.decode()
    assert "Pozycja na liście rezerwowej" in html
    mailowa, telefoniczny = html.index("Czekająca Mailowa"), html.index("Czekający Telefoniczny")
    row_of = lambda start: html[start:html.index("</tr>", start)]  # noqa: E731
    assert ">1<" in row_of(mailowa).replace(" ", "").replace("\n", "")
    assert ">2<" in row_of(telefoniczny).replace(" ", "").replace("\n", "")


def test_inspect_page_shows_answers_position_history_and_actions_in_polish(client, form_admin, workshop, sessions,
                                                                          question, full_session):
    waiting = full_session[2]
    waiting.form_data = {question.form_data_key: "Skolimów"}
    waiting.save()
    client.force_login(form_admin)
    client.post(f"/admin/registrations/{waiting.pk}/resend/")
    html = client.get(f"/admin/registrations/inspect/{waiting.pk}/").content.decode()
    assert QUESTION in html and "Skolimów" in html
    assert "Pozycja na liście rezerwowej" in html
    assert "<dt>Warsztaty</dt>" in html
    assert ">Page<" not in html and ">None<" not in html
    assert f"/admin/registrations/{waiting.pk}/move/" in html and f"/admin/registrations/{waiting.pk}/cancel/" in html
    assert "Historia zgłoszenia" in html and "Potwierdzenie wysłane ponownie" in html


def test_resend_confirmation_enqueues_the_current_message_again(client, form_admin, workshop, sessions, full_session):
    confirmed, waiting, phone_only = full_session[0], full_session[2], full_session[3]
    client.force_login(form_admin)
    assert client.get(f"/admin/registrations/{confirmed.pk}/resend/").status_code == 200
    before = Notification.objects.count()
    assert client.post(f"/admin/registrations/{confirmed.pk}/resend/").status_code == 302
    assert client.post(f"/admin/registrations/{waiting.pk}/resend/").status_code == 302
    new = Notification.objects.order_by("pk")[before:]
    assert [(n.kind, n.recipients) for n in new] == [
        (Notification.Kind.REGISTRATION_CONFIRMED, confirmed.email),
        (Notification.Kind.REGISTRATION_WAITLISTED, waiting.email),
    ]
    assert client.post(f"/admin/registrations/{phone_only.pk}/resend/").status_code == 404
    assert ModelLogEntry.objects.filter(action="strategy_forms.registration_resend", user=form_admin).count() == 2


# Bulk cancellation -------------------------------------------------------------------------------


def test_bulk_cancel_asks_first_listing_who_is_cancelled_mailed_and_promoted(client, form_admin, workshop, sessions,
                                                                           full_session):
    first, second, waiting_mail, waiting_phone = full_session
    client.force_login(form_admin)
    ids = [first.pk, second.pk]
    response = client.post("/admin/registrations/bulk/", {"action": "cancel", "registration": ids,
                                                          "next": "/admin/registrations/"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Zostaną anulowane 2 zgłoszenia" in html
    assert "osoba0@example.org" in html and "osoba1@example.org" in html
    assert "Czekająca Mailowa" in html and "dostanie e-mail na adres czeka@example.org" in html
    assert "Czekający Telefoniczny" in html and "trafi na listę osób do telefonu" in html
    assert not Registration.objects.filter(status=Status.CANCELLED).exists()  # nothing happened yet

    response = client.post("/admin/registrations/bulk/", {"action": "cancel", "registration": ids,
                                                          "confirmed": "yes", "next": "/admin/registrations/"})
    assert response.status_code == 302
    statuses = dict(Registration.objects.values_list("full_name", "status"))
    assert statuses == {"Osoba 0": Status.CANCELLED, "Osoba 1": Status.CANCELLED,
                        "Czekająca Mailowa": Status.CONFIRMED, "Czekający Telefoniczny": Status.CONFIRMED}
    assert list(services.calls_to_make()) == [waiting_phone]


def test_bulk_cancel_of_a_place_and_its_waiter_promotes_the_next_one(workshop, sessions, full_session):
    first, _second, waiting_mail, waiting_phone = full_session
    preview = services.preview_cancellation([first, waiting_mail])
    assert preview.promoted == [waiting_phone]
    assert preview.mailed == [first, waiting_mail] and preview.not_mailed == []
    services.cancel_many([first, waiting_mail], by_staff=True)
    waiting_phone.refresh_from_db()
    assert waiting_phone.status == Status.CONFIRMED  # the prediction held


# Attendance --------------------------------------------------------------------------------------


def test_attendance_only_from_the_session_day_and_only_for_confirmed(workshop, sessions, full_session):
    first, second, waiting, _phone = full_session
    session = first.session
    outcome = services.mark_attendance([first, waiting], True)
    assert outcome.changed == 0 and outcome.too_early == (first,) and outcome.not_confirmed == (waiting,)

    day_of_session = timezone.localtime(session.starts_at).replace(hour=0, minute=1)
    outcome = services.mark_attendance([first, second], True, now=day_of_session)
    assert outcome.changed == 2
    services.cancel(first, by_staff=True)
    first.refresh_from_db()
    assert first.attended is None  # a cancelled registration keeps no "obecny/obecna"
    assert services.mark_attendance([second], None).changed == 1  # clearing is always allowed
    the_day_before = day_of_session - timedelta(minutes=2)
    assert services.mark_attendance([second], True, now=the_day_before).too_early == (second,)


# Staff form and mails ----------------------------------------------------------------------------


def test_staff_add_form_asks_the_extra_questions(client, form_admin, workshop, sessions, question):
    client.force_login(form_admin)
    html = client.get(f"/admin/registrations/add/{workshop.pk}/").content.decode()
    assert QUESTION in html and "Dodaj zgłoszenie</button>" in html and "Zapisz się" not in html
    data = {"sessions": [sessions[1].pk], "full_name": "Jan Telefoniczny", "email": "", "phone": "600 700 800",
            "channel": "phone", "consent": "on"}
    assert client.post(f"/admin/registrations/add/{workshop.pk}/", data).status_code == 400  # required question
    response = client.post(f"/admin/registrations/add/{workshop.pk}/", {**data, question.form_data_key: "Skolimów"})
    assert response.status_code == 302
    added = Registration.objects.get(full_name="Jan Telefoniczny")
    assert added.form_data == {question.form_data_key: "Skolimów", "staff_channel": "phone"}


def test_staff_mail_names_questions_by_label_and_links_the_filtered_list(workshop, sessions, question):
    workshop.notification_recipients = "biuro@example.org"
    workshop.save()
    services.register(workshop, sessions=[sessions[1]], full_name="Anna Nowak", email="anna@example.org",
                      form_data={question.form_data_key: "Skolimów"})
    notification = Notification.objects.get(kind=Notification.Kind.STAFF_REGISTRATION)
    body = workshop_messages.build_staff_registration(notification).body
    assert f"{QUESTION}: Skolimów" in body
    assert question.form_data_key not in body
    assert f"/admin/registrations/?page={workshop.pk}" in body


# Per-session tools -------------------------------------------------------------------------------


def test_session_tools_from_the_filtered_list_and_the_workshop_page(client, form_admin, editor, workshop, sessions):
    client.force_login(form_admin)
    html = client.get("/admin/registrations/", {"page": workshop.pk}).content.decode()
    assert f"/admin/registrations/add/{workshop.pk}/" in html
    for session in sessions:
        assert f"/admin/registrations/sessions/{session.pk}/attendance/" in html
        assert f"/admin/registrations/?session={session.pk}&amp;export=xlsx" in html
    html = client.get(f"/admin/pages/{workshop.pk}/edit/").content.decode()
    assert f"/admin/registrations/?page={workshop.pk}" in html and f"/admin/registrations/add/{workshop.pk}/" in html
    client.force_login(editor)
    html = client.get(f"/admin/pages/{workshop.pk}/edit/").content.decode()
    assert "/admin/registrations/" not in html  # editors never see registrations


# Permissions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_new_paths_are_forbidden_to_editors_and_reviewers(client, request, role, workshop, sessions, full_session):
    client.force_login(request.getfixturevalue(role))
    person = full_session[0]
    for url in ["/admin/registrations/calls/", f"/admin/registrations/{person.pk}/resend/",
                f"/admin/registrations/inspect/{person.pk}/", f"/admin/registrations/add/{workshop.pk}/"]:
        assert client.get(url).status_code == 403, url
    for url, data in [("/admin/registrations/calls/", {"registration": person.pk}),
                      (f"/admin/registrations/{person.pk}/resend/", {}),
                      ("/admin/registrations/bulk/", {"action": "cancel", "registration": [person.pk]})]:
        assert client.post(url, data).status_code == 403, url
    person.refresh_from_db()
    assert person.status == Status.CONFIRMED
    assert Notification.objects.filter(kind=Notification.Kind.REGISTRATION_CONFIRMED).count() == 2
