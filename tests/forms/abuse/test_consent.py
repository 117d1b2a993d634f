"""Point 10 of issue 13: the consent checkbox counts only with its own value."""

import pytest

from forms.fields import ConsentField

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["off", "0", "no", "", "false-ish", "ON "])
def test_a_consent_of_any_other_value_is_refused_on_every_form(client, public_forms, value):
    for page, data, model in public_forms:
        if "consent" not in data:
            continue  # surveys ask for no consent
        response = client.post(page.url, {**data, "consent": value})
        assert response.status_code == 400, (page, value, response.status_code)
        assert not model.objects.exists(), page


def test_the_checkbox_sends_its_own_value_and_that_counts(client, public_forms):
    checked = 0
    for page, data, model in public_forms:
        if "consent" not in data:
            continue
        html = client.get(page.url).content.decode()
        assert 'name="consent"' in html and 'value="on"' in html
        assert client.post(page.url, data, follow=True).status_code == 200, page
        assert model.objects.exists(), page
        checked += 1
    assert checked == 3


def test_the_field_alone():
    field = ConsentField()
    widget = field.widget
    assert widget.value_from_datadict({"consent": "on"}, {}, "consent") is True
    assert widget.value_from_datadict({"consent": "off"}, {}, "consent") is False
    assert widget.value_from_datadict({}, {}, "consent") is False
