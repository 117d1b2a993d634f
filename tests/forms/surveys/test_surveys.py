"""Plain surveys: answers stored, staff e-mail handed to the queue through the seam, never sent in the request."""

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from forms.models import SurveyFormField, SurveyPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(form_index):
    page = SurveyPage(
        title="Ankieta", slug="ankieta", to_address="urzad@example.org", subject="Nowa odpowiedź",
        form_fields=[SurveyFormField(label="Co zmienić?", field_type="multiline", required=True)],
    )
    form_index.add_child(instance=page)
    return page


@pytest.fixture
def seam_calls(monkeypatch):
    calls = []
    monkeypatch.setattr("forms.surveys.messages.form_submitted", calls.append)
    return calls


def test_submission_is_stored_and_handed_to_the_seam_without_mail(
    client, survey, seam_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(survey.url, {"co_zmienic": "Więcej ścieżek rowerowych"})
    assert response.status_code == 200
    submission = FormSubmission.objects.get(page=survey)
    assert submission.form_data == {"co_zmienic": "Więcej ścieżek rowerowych"}
    assert seam_calls == [submission]
    assert mail.outbox == []


def test_send_mail_never_sends(survey):
    survey.send_mail(form=None)
    assert mail.outbox == []


def test_invalid_survey_is_400_and_stores_nothing(client, survey, seam_calls):
    response = client.post(survey.url, {"co_zmienic": ""})
    assert response.status_code == 400
    assert "form-errors" in response.content.decode()
    assert not FormSubmission.objects.exists()
    assert seam_calls == []
