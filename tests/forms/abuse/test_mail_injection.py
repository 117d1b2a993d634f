"""Point 6 of issue 13: nobody can make the municipality mail arbitrary text and links. Single-line
fields lose control characters and line breaks at the form layer; user text is never made a link in
the HTML part of a message and never reaches a subject."""

import pytest

from forms.fields import single_line
from forms.models import ConsultationSubmission, Registration, WorkingGroupSignup
from notifications.services import compose

pytestmark = pytest.mark.django_db

EVIL_NAME = "Jan\r\nBcc: ofiara@example.org\x00\u202e Kowalski https://phish.example/login"


def test_single_line_drops_control_characters_and_line_breaks():
    assert single_line("Jan\r\nKowalski") == "Jan Kowalski"
    assert single_line("A\x00B\x1bC\u2028D\u202eE\u200bF\tG") == "A B C D E F G"
    assert single_line("  Anna   Nowak ") == "Anna Nowak"


def test_the_public_forms_store_names_and_titles_on_one_line(client, workshop, sessions, signup_page, consultation,
                                                            areas, survey):
    response = client.post(workshop.url, {"full_name": EVIL_NAME, "email": "jan@example.org", "phone": "600\n100",
                                          "sessions": [sessions[1].pk], "consent": "on"})
    assert response.status_code == 303
    registration = Registration.objects.get()
    assert "\n" not in registration.full_name and "\r" not in registration.full_name
    assert "\x00" not in registration.full_name and "\u202e" not in registration.full_name
    assert registration.full_name.startswith("Jan Bcc: ofiara@example.org")
    assert registration.phone == "600 100"

    group = signup_page.open_groups().first()
    assert client.post(signup_page.url, {"full_name": EVIL_NAME, "email": "a@example.org", "represents": "mieszkaniec",
                                         "groups": [group.pk], "motivation": "x", "consent": "on"}).status_code == 200
    assert "\n" not in WorkingGroupSignup.objects.get().full_name

    area = next(iter(areas.values()))
    assert client.post(consultation.url, {"full_name": EVIL_NAME, "email": "a@example.org",
                                          "represents": "mieszkaniec", "area": area.pk,
                                          "title": "Tytuł\r\nTo: ktos@example.org", "place": "ul.\nDługa",
                                          "content": "Linia 1\nLinia 2", "consent": "on"}).status_code == 200
    submission = ConsultationSubmission.objects.get()
    assert submission.title == "Tytuł To: ktos@example.org" and submission.place == "ul. Długa"
    assert submission.content == "Linia 1\nLinia 2"  # a multi-line field keeps its lines


def test_the_html_part_makes_no_link_of_user_text():
    message = compose("Temat", "Dzień dobry Jan https://phish.example/login www.phish.example\n"
                               "Link: https://strategia.example.org/anuluj/abc/",
                      links=("https://strategia.example.org/anuluj/abc/",))
    html = message.alternatives[0][0]
    assert 'href="https://phish.example' not in html and "href=\"http://www.phish.example" not in html
    assert "<a " not in html.split("Link:")[0]
    assert '<a href="https://strategia.example.org/anuluj/abc/">' in html


def test_participant_and_staff_mail_keep_user_text_out_of_subjects_and_links(
        client, workshop, sessions, consultation, areas, mailoutbox, django_capture_on_commit_callbacks):
    workshop.notification_recipients = "biuro@example.org"
    workshop.confirmation_subject = "Potwierdzenie dla {imie_nazwisko}: {warsztat}"
    workshop.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(workshop.url, {"full_name": "Jan www.phish.example Kowalski", "email": "jan@example.org",
                                   "sessions": [sessions[1].pk], "consent": "on"})
        area = next(iter(areas.values()))
        client.post(consultation.url, {"full_name": "Anna", "email": "anna@example.org", "represents": "mieszkaniec",
                                       "area": area.pk, "title": "Kliknij https://phish.example/x",
                                       "content": "Zobacz https://phish.example/y", "consent": "on"})
    assert mailoutbox
    for message in mailoutbox:
        assert "phish" not in message.subject, message.subject
        assert "Jan" not in message.subject, message.subject
        for html, _type in message.alternatives:
            assert 'href="http://www.phish.example' not in html and 'href="https://phish.example' not in html
    confirmation = next(m for m in mailoutbox if m.to == ["jan@example.org"])
    assert confirmation.subject.startswith("Potwierdzenie dla")
    assert "/anuluj/" in confirmation.alternatives[0][0] or "href=" in confirmation.alternatives[0][0]
