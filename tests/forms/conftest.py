"""Fixtures of every forms test: a published workshop under the "Ankiety" section."""

from tests.forms.fixtures_workshops import (  # noqa: F401 - fixtures
    form_index,
    live_workshop,
    site_root,
    workshop,
)
