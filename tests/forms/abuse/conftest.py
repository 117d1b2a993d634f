"""Fixtures of the admin tests: roles, a workshop with registrations, a sign-up page."""

from tests.forms.abuse.test_abuse import public_forms  # noqa: E402, F401 - fixture shared with test_consent
from tests.forms.fixtures_admin import (  # noqa: F401 - fixtures
    _isolated,
    areas,
    consultation,
    editor,
    form_admin,
    form_index,
    registration,
    reviewer,
    sessions,
    signup,
    signup_page,
    site_root,
    submission,
    survey,
    survey_answer,
    workshop,
)
