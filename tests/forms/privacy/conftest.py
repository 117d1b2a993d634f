"""Fixtures of the admin tests: roles, a workshop with registrations, a sign-up page."""

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
