"""Fixtures of the participation tests: sign-up page, groups, consultation, users."""

from tests.forms.fixtures_participation import (  # noqa: F401 - fixtures
    _fresh_cache,
    _private_media_root,
    areas,
    consultation,
    groups,
    manager,
    moderator,
    signup_page,
    site_root,
)
