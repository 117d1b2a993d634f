"""Demo survey: the diagnostic survey of the strategy. Idempotent (the page is looked up by slug)."""

from .models import SurveyFormField, SurveyPage

SURVEY_SLUG = "ankieta-diagnostyczna"

SURVEY_FIELDS = [
    {
        "label": "Jak długo mieszkasz w gminie Konstancin-Jeziorna?",
        "field_type": "radio",
        "required": True,
        "choices": "Krócej niż 5 lat\nOd 5 do 20 lat\nDłużej niż 20 lat\nNie mieszkam w gminie",
    },
    {"label": "Co najbardziej cenisz w naszej gminie?", "field_type": "multiline", "required": False},
    {"label": "Co powinno się zmienić w pierwszej kolejności?", "field_type": "multiline", "required": False},
    {
        "label": "Wiek",
        "field_type": "dropdown",
        "required": False,
        "choices": "Poniżej 18 lat\n18–29\n30–44\n45–59\n60–74\n75 lat i więcej",
    },
]


def _publish(page):
    page.save_revision().publish()


def load(index):
    return _survey(index)


def _survey(index):
    survey = SurveyPage.objects.child_of(index).filter(slug=SURVEY_SLUG).first()
    if survey is None:
        survey = SurveyPage(
            title="Ankieta: jak żyje się w gminie Konstancin-Jeziorna?",
            slug=SURVEY_SLUG,
            intro="<p>Ankieta zajmie około 5 minut. Odpowiedzi są anonimowe i posłużą do przygotowania "
            "diagnozy do „Strategii rozwoju gminy Konstancin-Jeziorna 2040+”.</p>",
            thank_you_text="<p>Dziękujemy za wypełnienie ankiety! Wyniki przedstawimy w raporcie z diagnozy.</p>",
            to_address="strategia@example.org",
            subject="Nowa odpowiedź w ankiecie diagnostycznej",
            form_fields=[SurveyFormField(sort_order=i, **field) for i, field in enumerate(SURVEY_FIELDS)],
        )
        index.add_child(instance=survey)
        _publish(survey)
    return survey
