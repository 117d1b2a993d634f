from forms.models import FormIndexPage, SurveyPage, WorkshopPage
from strategy_pages.models import HomePage


def test_form_index_lives_under_the_home_page_and_holds_workshops_and_surveys():
    # clean_parent_page_models: the HomePage side (its subpage_types) is the lead's to open up.
    assert FormIndexPage.clean_parent_page_models() == [HomePage]
    assert {WorkshopPage, SurveyPage} <= set(FormIndexPage.allowed_subpage_models())


def test_workshops_and_surveys_live_only_in_the_forms_section():
    for model in (WorkshopPage, SurveyPage):
        assert model.allowed_parent_page_models() == [FormIndexPage]
        assert model.allowed_subpage_models() == []
