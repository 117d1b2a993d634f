"""Personal data never enters Wagtail's reference index (the "usage" lists editors see), whose update
ran a query-heavy task on every save of a registration (docs/performance.md, third round)."""

import pytest
from django.apps import apps
from wagtail.models import ReferenceIndex

from forms.privacy.models import OutOfReferenceIndex
from notifications.models import Notification

PERSONAL_DATA_MODELS = [
    "strategy_forms.Registration", "strategy_forms.WorkshopSubmission", "strategy_forms.WorkingGroupSignup",
    "strategy_forms.ConsultationSubmission", "strategy_forms.Assessment", "strategy_forms.AssessmentVersion",
    "strategy_forms.PersonalDataRequest",
]


def test_outbox_rows_are_not_tracked():
    assert ReferenceIndex.model_is_indexable(Notification) is False


@pytest.mark.parametrize("label", PERSONAL_DATA_MODELS)
def test_personal_data_models_are_not_tracked(label):
    model = apps.get_model(label)
    assert issubclass(model, OutOfReferenceIndex)
    assert ReferenceIndex.model_is_indexable(model) is False
    assert model not in ReferenceIndex.tracked_models
