"""The public forms' widgets through Jinja2 (forms.fields.PublicFormRenderer) give Django's HTML byte for
byte; a form class is built once per set of questions; a saved page's questions come from a prepared
query, a draft's from memory."""

import pytest
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from wagtail.contrib.forms.models import FORM_FIELD_CHOICES

from forms import fields as public_fields
from forms.fields import LengthLimitedFormBuilder, PublicFormRenderer
from forms.models import SurveyFormField, SurveyPage
from forms.workshops.forms import RegistrationForm, WalkInForm

pytestmark = pytest.mark.django_db

CHOICES = "Konstancin\nJeziorna\nSkolimów & Chylice\n„Obory”"


def every_kind_of_question():
    questions = []
    for number, (field_type, _label) in enumerate(FORM_FIELD_CHOICES):
        questions.append(SurveyFormField(
            label=f"Pytanie {number} <{field_type}>", field_type=field_type, required=number % 2 == 0,
            help_text=f"Podpowiedź {number} „z cudzysłowem”" if number % 3 else "",
            choices=CHOICES if field_type in ("checkboxes", "dropdown", "multiselect", "radio") else "",
            default_value="Jeziorna" if field_type == "radio" else "", sort_order=number,
        ))
    return questions


def rendered(form):
    parts = [str(form.non_field_errors())]
    for bound_field in form:
        parts += [str(bound_field), str(bound_field.errors), bound_field.label_tag()]
    return parts


@pytest.mark.parametrize("data", [None, {}, {"pytanie_2": "nie adres", "pytanie_3": "x", "pytanie_4": "nie url",
                                             "pytanie_7": "Nie ma takiej", "pytanie_10": "32.13.2026"}],
                         ids=["blank", "empty post", "wrong answers"])
def test_every_kind_of_question_renders_as_djangos_renderer_does(data):
    form_class = LengthLimitedFormBuilder(every_kind_of_question()).get_form_class()
    with translation.override("pl"):
        ours = form_class(data)
        assert isinstance(ours.renderer, PublicFormRenderer)
        django = form_class(data, renderer=DjangoTemplates())
        if data is not None:
            assert ours.is_valid() is django.is_valid() is False
        assert rendered(ours) == rendered(django)
        assert "<option" in "".join(rendered(ours)) and 'type="radio"' in "".join(rendered(ours))


def test_the_registration_form_renders_as_djangos_renderer_does(workshop):
    with translation.override("pl"):
        form_class = workshop.get_form_class()
        data = {"full_name": "", "email": "zły adres", "phone": "12ab"}
        ours, django = form_class(data, page=workshop), form_class(data, page=workshop, renderer=DjangoTemplates())
        assert issubclass(form_class, RegistrationForm) and isinstance(ours.renderer, PublicFormRenderer)
        assert not ours.is_valid() and not django.is_valid()
        assert rendered(ours) == rendered(django)


def test_the_admin_forms_keep_djangos_renderer():
    assert not isinstance(WalkInForm().renderer, PublicFormRenderer)


def test_a_form_class_is_built_once_per_set_of_questions():
    questions = every_kind_of_question()
    public_fields._FORM_CLASSES.clear()
    first = LengthLimitedFormBuilder(questions).get_form_class()
    assert LengthLimitedFormBuilder(every_kind_of_question()).get_form_class() is first
    changed = every_kind_of_question()
    changed[0].label = "Inne pytanie"
    other = LengthLimitedFormBuilder(changed).get_form_class()
    assert other is not first and "inne_pytanie" in other.base_fields and "inne_pytanie" not in first.base_fields
    changed[1].required = not changed[1].required
    assert LengthLimitedFormBuilder(changed).get_form_class() is not other
    with translation.override("en"):
        assert LengthLimitedFormBuilder(questions).get_form_class() is not first


def test_the_kept_form_classes_are_bounded(monkeypatch):
    monkeypatch.setattr(public_fields, "_FORM_CLASSES_MAX", 3)
    public_fields._FORM_CLASSES.clear()
    for number in range(5):
        LengthLimitedFormBuilder([SurveyFormField(label=f"P{number}", field_type="singleline")]).get_form_class()
    assert len(public_fields._FORM_CLASSES) == 3


def test_a_saved_pages_new_question_shows_at_once_and_a_draft_shows_its_own(client, form_index):
    survey = SurveyPage(title="Ankieta", slug="ankieta", to_address="urzad@example.org", subject="Nowa",
                        form_fields=[SurveyFormField(label="Co zmienić?", field_type="multiline", sort_order=0)])
    form_index.add_child(instance=survey)
    survey.save_revision().publish()
    assert 'name="co_zmienic"' in client.get(survey.url).content.decode()
    SurveyFormField.objects.create(page=survey, label="Gdzie mieszkasz?", field_type="singleline", sort_order=1)
    html = client.get(survey.url).content.decode()
    assert 'name="co_zmienic"' in html and 'name="gdzie_mieszkasz"' in html
    assert html.index('name="co_zmienic"') < html.index('name="gdzie_mieszkasz"')
    draft = SurveyPage.objects.get(pk=survey.pk)
    draft.form_fields = [SurveyFormField(label="Tylko w szkicu", field_type="singleline")]
    assert [field.label for field in draft.get_form_fields()] == ["Tylko w szkicu"]
    assert [field.label for field in SurveyPage.objects.get(pk=survey.pk).get_form_fields()] == [
        "Co zmienić?", "Gdzie mieszkasz?"]
