"""Point 7 of issue 13: the public forms do not tell whether an address takes part. A duplicate is
answered like a new registration or sign-up ("we sent a message to this address"), nothing is stored
twice, and the owner of the address learns of the attempt by e-mail."""

import re

import pytest

from forms.models import Registration, WorkingGroupSignup

pytestmark = pytest.mark.django_db


def normalise(html, email):
    """The answer without what legitimately differs between two posts (CSRF tokens, the address)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(email, "EMAIL")


def post_workshop(client, workshop, session, email):
    return client.post(workshop.url, {"full_name": "Jan Kowalski", "email": email, "sessions": [session.pk],
                                      "consent": "on"}, follow=True)


def test_a_duplicate_registration_gets_the_answer_of_a_new_one(
        client, workshop, sessions, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = post_workshop(client, workshop, sessions[1], "anna@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = post_workshop(client, workshop, sessions[1], "ANNA@example.org")
        new = post_workshop(client, workshop, sessions[1], "nowy@example.org")
    assert first.status_code == again.status_code == new.status_code == 200
    assert "już zapisany" not in again.content.decode()
    assert "Wysłaliśmy wiadomość" in again.content.decode()
    assert normalise(again.content.decode(), "anna@example.org") == normalise(new.content.decode(),
                                                                             "nowy@example.org")
    assert Registration.objects.filter(email="anna@example.org").count() == 1
    # The owner is told; the link in the page never gives away the existing registration's cancel link.
    to_owner = [m for m in mailoutbox if m.to == ["anna@example.org"]]
    assert len(to_owner) == 1 and "już zapisany" in to_owner[0].subject.lower()
    assert "/rejestracja/anuluj/" not in again.content.decode()


def test_the_owner_is_not_flooded(client, workshop, sessions, mailoutbox, django_capture_on_commit_callbacks):
    post_workshop(client, workshop, sessions[1], "anna@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            post_workshop(client, workshop, sessions[1], "anna@example.org")
    assert len([m for m in mailoutbox if "już zapisany" in m.subject.lower()]) == 1


def test_staff_still_learn_of_a_duplicate(workshop, sessions):
    from forms.workshops import services

    services.register(workshop, sessions=[sessions[1]], full_name="A", email="anna@example.org")
    (outcome,) = services.register(workshop, sessions=[sessions[1]], full_name="A", email="anna@example.org",
                                   duplicates_refused=True)
    assert outcome.refused and "już zapisany" in str(outcome.message)


def test_a_duplicate_working_group_sign_up_gets_the_answer_of_a_new_one(
        client, signup_page, mailoutbox, django_capture_on_commit_callbacks):
    group = signup_page.open_groups().first()

    def sign_up(email):
        return client.post(signup_page.url, {"full_name": "Anna", "email": email, "represents": "mieszkaniec",
                                             "groups": [group.pk], "motivation": "Chcę pomóc.", "consent": "on"})

    sign_up("anna@example.org")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again = sign_up("anna@example.org")
        new = sign_up("nowa@example.org")
    assert again.status_code == new.status_code == 200
    assert normalise(again.content.decode(), "anna@example.org") == normalise(new.content.decode(),
                                                                             "nowa@example.org")
    assert "już" not in again.content.decode().split("<main")[1]
    assert WorkingGroupSignup.objects.filter(email="anna@example.org").count() == 1
    assert [m.subject for m in mailoutbox if m.to == ["anna@example.org"]] == [
        "Jesteś już zapisany/a do grup roboczych"]
