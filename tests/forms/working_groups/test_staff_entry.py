"""Sign-ups that arrive by e-mail, phone, on paper or in person, entered by staff: the public form's rules
(duplicates, open groups, window, viability) hold; a person without e-mail is stored with an empty address,
gets no mail, and staff get a task to call them."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from forms.models import WorkingGroupSignup
from forms.working_groups import messages as wg_messages
from forms.working_groups import services as working_groups
from forms.working_groups.models import Channel, NoticeDelivery
from notifications.models import Notification
from tests.forms.fixtures_participation import make_signup_page, make_user

pytestmark = pytest.mark.django_db


def enter(page, groups, user, *, phone="600 100 200", email="", received_at=None, **fields):
    values = {
        "full_name": "Halina Telefoniczna", "represents": "mieszkaniec", "motivation": "Klub seniora.",
        "channel": Channel.PHONE, "notice_delivery": NoticeDelivery.READ_OUT,
        "received_at": received_at or timezone.now() - timedelta(hours=2), **fields,
    }
    return working_groups.enter_signup(page, groups=groups, user=user, email=email, phone=phone, **values)


def test_phone_only_signup_is_stored_without_email_and_staff_get_a_call_task(
    signup_page, groups, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = enter(signup_page, [groups["społeczna"]], manager, phone="+48 600-100-200")
    signup = outcomes[0].signup
    signup.refresh_from_db()
    assert (signup.email, signup.phone_key, signup.channel, signup.entered_by) == ("", "600100200", "phone", manager)
    assert signup.notice_delivery == NoticeDelivery.READ_OUT
    # No message to an empty address: the staff notice and the call task, both to the page's recipients.
    assert all(message.to == ["biuro@example.org"] for message in mailoutbox)
    task = Notification.objects.get(kind=wg_messages.SIGNUP_PHONE_TASK)
    assert task.recipient_list == ["biuro@example.org"] and task.target == signup and task.status == "sent"
    body = next(message.body for message in mailoutbox if message.subject.startswith("Zadanie"))
    assert "+48 600-100-200" in body and "Zadzwoń" in body and "telefonicznie" in body
    assert not Notification.objects.filter(kind=wg_messages.SIGNUP_RECEIVED).exists()
    entry = ModelLogEntry.objects.get(action=working_groups.ADD_ACTION)
    assert entry.user == manager and entry.data["channel"] == "phone" and "600" not in str(entry.data)


def test_entered_signup_with_email_gets_the_usual_confirmation_naming_the_channel(
    signup_page, groups, manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enter(signup_page, [groups["społeczna"], groups["przestrzenna"]], manager, email="Jan@Example.org",
              phone="", channel=Channel.EMAIL, notice_delivery=NoticeDelivery.EMAIL)
    confirmation = next(message for message in mailoutbox if message.to == ["jan@example.org"])
    assert "e-mailem" in confirmation.body and "społeczna" in confirmation.body and "przestrzenna" in confirmation.body
    assert not Notification.objects.filter(kind=wg_messages.SIGNUP_PHONE_TASK).exists()
    assert set(WorkingGroupSignup.objects.values_list("channel", flat=True)) == {"email"}


def test_a_phone_only_person_is_not_added_twice_to_a_group(signup_page, groups, manager):
    enter(signup_page, [groups["społeczna"]], manager, phone="600 100 200")
    again = enter(signup_page, [groups["społeczna"], groups["gospodarcza"]], manager, phone="+48 600100200")
    assert [outcome.created for outcome in again] == [False, True]
    assert again[0].message == working_groups.DUPLICATE_PHONE_MESSAGE
    # Someone else without e-mail is a different person: the empty addresses do not collide.
    other = enter(signup_page, [groups["społeczna"]], manager, phone="601 200 300", full_name="Inna Osoba")
    assert other[0].created
    assert groups["społeczna"].signups.filter(email="").count() == 2


def test_staff_cannot_add_by_phone_someone_who_signed_up_online_with_that_number(signup_page, groups, manager):
    working_groups.sign_up(signup_page, groups=[groups["społeczna"]], full_name="Anna", email="anna@example.org",
                           phone="600 100 200", represents="mieszkaniec", motivation="Tak.")
    outcome = enter(signup_page, [groups["społeczna"]], manager, phone="600-100-200")[0]
    assert not outcome.created and outcome.message == working_groups.DUPLICATE_PHONE_MESSAGE
    by_email = enter(signup_page, [groups["społeczna"]], manager, email="ANNA@example.org", phone="")[0]
    assert not by_email.created and by_email.message == working_groups.DUPLICATE_EMAIL_STAFF_MESSAGE


def test_the_database_keeps_phone_only_people_unique_per_group_and_requires_a_contact(signup_page, groups):
    group = groups["społeczna"]
    fields = {"page": signup_page, "group": group, "form_data": {}, "full_name": "X", "represents": "mieszkaniec"}
    WorkingGroupSignup.objects.create(email="", phone="600 100 200", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroupSignup.objects.create(email="", phone="600100200", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroupSignup.objects.create(email="", phone="", **fields)
    # A declined phone-only sign-up does not block signing up again.
    WorkingGroupSignup.objects.filter(group=group).update(status="declined")
    WorkingGroupSignup.objects.create(email="", phone="600 100 200", **fields)


def test_entered_signups_count_towards_a_groups_viability(signup_page, groups, manager):
    group = groups["społeczna"]  # minimum 2
    working_groups.sign_up(signup_page, groups=[group], full_name="Anna", email="anna@example.org",
                           represents="mieszkaniec", motivation="Tak.")
    assert not next(g for g in working_groups.groups_with_counts(signup_page) if g.pk == group.pk).can_be_formed
    enter(signup_page, [group], manager)
    counted = next(g for g in working_groups.groups_with_counts(signup_page) if g.pk == group.pk)
    assert (counted.pending_count, counted.can_be_formed) == (2, True)


def test_the_window_is_measured_at_the_date_of_arrival(site_root, areas, manager):
    now = timezone.now()
    page = make_signup_page(site_root, opens=now - timedelta(days=20), closes=now - timedelta(days=2),
                            slug="zamkniete")
    group = page.working_groups.create(name="społeczna", minimum_members=2)
    # Called on the day sign-up closed, typed in later: it counts.
    assert enter(page, [group], manager, received_at=now - timedelta(days=3))[0].created
    with pytest.raises(working_groups.ArrivedOutsideWindow):
        enter(page, [group], manager, phone="601 000 000", received_at=now - timedelta(days=1))
    with pytest.raises(working_groups.InvalidEntry):
        enter(page, [group], manager, phone="602 000 000", received_at=now + timedelta(hours=1))


def test_entering_needs_a_contact_a_staff_channel_and_the_permission(signup_page, groups, manager):
    with pytest.raises(working_groups.InvalidEntry):
        enter(signup_page, [groups["społeczna"]], manager, phone="", email="")
    with pytest.raises(working_groups.InvalidEntry):
        enter(signup_page, [groups["społeczna"]], manager, channel=Channel.ONLINE)
    with pytest.raises(PermissionDenied):
        enter(signup_page, [groups["społeczna"]], make_user("ktos"))
    assert not WorkingGroupSignup.objects.exists()


def test_a_decision_on_a_phone_only_signup_is_a_staff_task_not_a_mail(
    signup_page, groups, manager, mailoutbox, django_capture_on_commit_callbacks
):
    signup = enter(signup_page, [groups["społeczna"]], manager)[0].signup
    mailoutbox.clear()
    groups["społeczna"].minimum_members = 1
    groups["społeczna"].save()
    with django_capture_on_commit_callbacks(execute=True):
        working_groups.accept(signup, user=manager)
        working_groups.mark_group_formed(groups["społeczna"], user=manager)
    assert [message.to for message in mailoutbox] == [["biuro@example.org"]]
    assert "przyjęte" in mailoutbox[0].body or "przyjęty" in mailoutbox[0].body
    assert Notification.objects.get(kind=wg_messages.DECISION_PHONE_TASK).params == {"status": "accepted"}


def test_merging_keeps_different_people_without_email_apart(signup_page, groups, manager):
    source, target = groups["gospodarcza"], groups["społeczna"]
    enter(signup_page, [target], manager, phone="600 100 200")
    moved = enter(signup_page, [source], manager, phone="601 000 000", full_name="Ktoś Inny")[0].signup
    same = enter(signup_page, [source], manager, phone="600100200")[0].signup
    outcome = working_groups.merge(source, target, user=manager)
    assert (outcome.moved, outcome.already_in_target) == (1, 1)
    moved.refresh_from_db(), same.refresh_from_db()
    assert (moved.group, moved.status, same.status) == (target, "pending", "merged")


def test_add_screen_is_linked_from_the_groups_screen_and_adds_a_signup(client, signup_page, groups, manager):
    client.force_login(manager)
    groups_url = reverse("participation_working_group_page", args=[signup_page.pk])
    add_url = reverse("participation_add_signup", args=[signup_page.pk])
    assert add_url in client.get(groups_url).content.decode()
    assert add_url in client.get(reverse("participation_working_groups")).content.decode()
    html = client.get(add_url).content.decode()
    assert "Data wpływu" in html and "odczytana przez telefon" in html and 'type="datetime-local"' in html
    data = {
        "channel": "phone", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "full_name": "Halina Telefoniczna", "email": "", "phone": "", "represents": "mieszkaniec",
        "groups": [groups["społeczna"].pk], "notice_delivery": "read_out", "consent": "on",
    }
    refused = client.post(add_url, data)
    assert refused.status_code == 400 and "Podaj numer telefonu lub adres e-mail" in refused.content.decode()
    response = client.post(add_url, {**data, "phone": "600 100 200"})
    assert response.status_code == 302 and response["Location"] == groups_url
    assert WorkingGroupSignup.objects.get().email == ""
    page_html = client.get(groups_url).content.decode()
    assert "telefonicznie" in page_html and "bez e-maila" in page_html
    duplicate = client.post(add_url, {**data, "phone": "600100200"})
    assert duplicate.status_code == 409 and "Osoba z tym numerem telefonu" in duplicate.content.decode()


def test_the_submissions_export_shows_the_channel(client, signup_page, groups, manager):
    from tests.forms.fixtures_admin import make_user as make_role_user

    enter(signup_page, [groups["społeczna"]], manager)
    admin = make_role_user("eksport", "Administratorzy formularzy")
    client.force_login(admin)
    response = client.get(f"/admin/forms/submissions/{signup_page.pk}/", {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert "Sposób złożenia" in header and row[header.index("Sposób złożenia")] == "telefonicznie"
    assert row[header.index("Przekazanie klauzuli informacyjnej RODO")] == "odczytana przez telefon"
