"""Drop-down questions of the form builder (surveys, workshop extra questions) start with an empty
choice: a resident who skips a required one gets a Polish error, never the first answer counted for them."""

import re

import pytest
from wagtail.contrib.forms.models import FormSubmission

from forms.fields import LengthLimitedFormBuilder
from forms.models import Registration, SurveyFormField, SurveyPage, WorkshopFormField
from forms.working_groups.models import ParticipationFormPage
from tests.conformance.vnu import check_html_files

pytestmark = pytest.mark.django_db

CHOICES = "do 30\n30-60\npowyżej 60"


@pytest.fixture
def survey(form_index):
    page = SurveyPage(
        title="Ankieta o wieku", slug="ankieta-wiek", to_address="urzad@example.org", subject="Nowa odpowiedź",
        form_fields=[SurveyFormField(label="Wiek", field_type="dropdown", choices=CHOICES, required=True)],
    )
    form_index.add_child(instance=page)
    return page


def select_options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}> in the page"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1)), select.group(0)


def test_required_dropdown_renders_an_empty_first_option_that_is_not_selected(client, survey):
    html = client.get(survey.url).content.decode()
    options, select = select_options(html, "wiek")
    assert options[0] == ("", "– wybierz odpowiedź –")
    assert [value for value, _label in options[1:]] == ["do 30", "30-60", "powyżej 60"]
    # Only the empty choice may be preselected, never an answer.
    assert re.findall(r'<option value="([^"]*)" selected', select) == [""]
    assert "required" in select


def test_skipping_a_required_survey_dropdown_is_a_polish_error_and_stores_nothing(client, survey):
    response = client.post(survey.url, {"wiek": ""})
    assert response.status_code == 400
    assert "Wybierz jedną z odpowiedzi." in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_answering_the_required_survey_dropdown_is_stored(client, survey):
    response = client.post(survey.url, {"wiek": "30-60"})
    assert response.status_code == 200
    assert FormSubmission.objects.get(page=survey).form_data == {"wiek": "30-60"}


def test_optional_dropdown_keeps_its_empty_choice_and_accepts_no_answer(client, survey):
    SurveyFormField.objects.filter(page=survey).update(required=False)
    options, _select = select_options(client.get(survey.url).content.decode(), "wiek")
    assert options[0] == ("", "—")
    assert client.post(survey.url, {"wiek": ""}).status_code == 200
    assert FormSubmission.objects.get(page=survey).form_data == {"wiek": ""}


def test_skipping_a_required_workshop_extra_dropdown_is_a_polish_error(client, live_workshop):
    WorkshopFormField.objects.create(
        page=live_workshop, label="Dzielnica", field_type="dropdown", choices="Skolimów\nOborniki", required=True
    )
    html = client.get(live_workshop.url).content.decode()
    options, _select = select_options(html, "dzielnica")
    assert options[0] == ("", "– wybierz odpowiedź –")
    data = {
        "full_name": "Jan Kowalski", "email": "jan.kowalski@example.org", "consent": "on",
        "sessions": [live_workshop.sessions.order_by("sort_order").first().pk],
    }
    response = client.post(live_workshop.url, {**data, "dzielnica": ""})
    assert response.status_code == 400
    assert "Wybierz jedną z odpowiedzi." in response.content.decode()
    assert not Registration.objects.exists()
    # What was typed is kept on the error page.
    assert 'value="Jan Kowalski"' in response.content.decode()
    assert client.post(live_workshop.url, {**data, "dzielnica": "Oborniki"}).status_code == 303  # to the result
    assert Registration.objects.get().form_data == {"dzielnica": "Oborniki"}


def test_every_form_builder_page_of_the_apps_uses_the_empty_first_choice():
    # Any page type with administrator-defined questions must build them with the length-limited builder
    # (or a subclass): another builder would bring the preselected first answer back.
    from django.apps import apps
    from wagtail.contrib.forms.models import FormMixin

    builders = {
        model.__name__: model.form_builder
        for model in apps.get_app_config("strategy_forms").get_models()
        if issubclass(model, FormMixin) and model.get_form_fields is not ParticipationFormPage.get_form_fields
    }
    assert {"SurveyPage", "WorkshopPage"} <= set(builders)
    assert all(issubclass(builder, LengthLimitedFormBuilder) for builder in builders.values()), builders


def test_survey_with_a_required_dropdown_and_its_error_state_are_valid_html(client, survey, tmp_path):
    pages = {"form": client.get(survey.url), "error": client.post(survey.url, {"wiek": ""})}
    paths = []
    for name, response in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        paths.append(path)
    errors, _warnings = check_html_files(paths)
    assert errors == []
