"""Spam and abuse: the honeypot and the per-client rate limit refuse with 4xx and store nothing;
every public form has the honeypot and a length limit on every text field."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from forms.models import ConsultationSubmission, Registration, WorkingGroupSignup

pytestmark = pytest.mark.django_db


def registration_data(sessions, **extra):
    return {"full_name": "Anna Nowak", "email": "anna@example.org", "phone": "", "sessions": [sessions[1].pk],
            "consent": "on", **extra}


@pytest.fixture
def public_forms(workshop, sessions, signup_page, consultation, survey, areas):
    area = next(iter(areas.values()))
    return [
        (workshop, registration_data(sessions), Registration),
        (signup_page, {"full_name": "Anna", "email": "a@example.org", "represents": "mieszkaniec",
                       "groups": [signup_page.open_groups().first().pk], "motivation": "Chcę pomóc.",
                       "consent": "on"}, WorkingGroupSignup),
        (consultation, {"full_name": "Anna", "email": "a@example.org", "represents": "mieszkaniec", "area": area.pk,
                        "title": "Ławki", "content": "Więcej ławek.", "consent": "on"}, ConsultationSubmission),
        (survey, {"co_zmienic": "Więcej zieleni"}, FormSubmission),
    ]


def test_every_public_form_has_the_hidden_honeypot(client, public_forms):
    for page, _data, _model in public_forms:
        html = client.get(page.url).content.decode()
        assert 'name="website"' in html, page
        assert 'tabindex="-1"' in html and 'autocomplete="off"' in html and 'aria-hidden="true"' in html


def test_the_forms_work_without_the_honeypot(client, public_forms):
    for page, data, model in public_forms:
        response = client.post(page.url, data, follow=True)  # a registration redirects to its result page
        assert response.status_code == 200, (page, response.status_code)
        assert model.objects.exists(), page


def test_a_filled_honeypot_is_refused_and_nothing_is_stored(client, public_forms):
    for page, data, model in public_forms:
        response = client.post(page.url, {**data, "website": "http://spam.example"})
        assert response.status_code == 400, page
        assert "formularz" in response.content.decode().lower()
        assert not model.objects.exists(), page


def test_rate_limit_answers_429_with_a_clear_message_and_stores_nothing(client, settings, workshop, sessions):
    settings.FORM_RATE_LIMIT = "2/600"
    assert client.post(workshop.url, registration_data(sessions, email="a1@example.org")).status_code == 303
    assert client.post(workshop.url, registration_data(sessions, email="a2@example.org")).status_code == 303
    response = client.post(workshop.url, registration_data(sessions, email="a3@example.org"))
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "minut" in response.content.decode()
    assert not Registration.objects.filter(email="a3@example.org").exists()
    # Another client is not affected; reading the page is never limited.
    assert client.post(workshop.url, registration_data(sessions, email="b@example.org"),
                       REMOTE_ADDR="10.0.0.2").status_code == 303
    assert client.get(workshop.url).status_code == 200


def test_the_proxy_header_is_trusted_only_when_configured(client, settings, workshop, sessions):
    settings.FORM_RATE_LIMIT = "1/600"
    client.post(workshop.url, registration_data(sessions, email="a1@example.org"), HTTP_X_FORWARDED_FOR="1.1.1.1")
    # Not configured: a forged header does not give a fresh limit.
    response = client.post(workshop.url, registration_data(sessions, email="a2@example.org"),
                           HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert response.status_code == 429

    settings.FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    response = client.post(workshop.url, registration_data(sessions, email="a3@example.org"),
                           HTTP_X_FORWARDED_FOR="3.3.3.3, 10.0.0.1")
    assert response.status_code == 303
    response = client.post(workshop.url, registration_data(sessions, email="a4@example.org"),
                           HTTP_X_FORWARDED_FOR="3.3.3.3, 10.0.0.1")
    assert response.status_code == 429


def test_rate_limit_covers_every_form(client, settings, public_forms):
    settings.FORM_RATE_LIMIT = "1/600"
    for index, (page, data, model) in enumerate(public_forms):
        address = f"10.1.0.{index}"
        client.post(page.url, {**data, "email": "x@example.org"} if "email" in data else data, REMOTE_ADDR=address)
        count = model.objects.count()
        response = client.post(page.url, {**data, "email": "y@example.org"} if "email" in data else data,
                               REMOTE_ADDR=address)
        assert response.status_code == 429, page
        assert model.objects.count() == count, page


def test_text_fields_have_length_limits(client, workshop, sessions, survey, consultation, areas):
    response = client.post(workshop.url, registration_data(sessions, full_name="x" * 201))
    assert response.status_code == 400
    response = client.post(survey.url, {"co_zmienic": "x" * 5001})
    assert response.status_code == 400
    area = next(iter(areas.values()))
    response = client.post(consultation.url, {"full_name": "Anna", "email": "a@example.org",
                                              "represents": "mieszkaniec", "area": area.pk, "title": "T",
                                              "content": "x" * 10001, "consent": "on"})
    assert response.status_code == 400
    assert not Registration.objects.exists() and not FormSubmission.objects.exists()
    assert not ConsultationSubmission.objects.exists()


def test_every_text_field_of_the_public_forms_has_a_max_length(workshop, signup_page, consultation, survey):
    from django import forms

    for page in (workshop, signup_page, consultation, survey):
        form = page.get_form(page=page)
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
                assert field.max_length, (page, name)


def test_closed_window_posts_are_still_counted(client, settings, workshop, sessions):
    workshop.registration_closes_at = timezone.now() - timedelta(minutes=1)
    workshop.save()
    settings.FORM_RATE_LIMIT = "1/600"
    assert client.post(workshop.url, registration_data(sessions)).status_code == 409
    assert client.post(workshop.url, registration_data(sessions)).status_code == 429
