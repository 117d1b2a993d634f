"""The accessibility statement page ("Deklaracja dostępności"): the sections Polish law requires,
linked from the footer; the demo creates it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from strategy_pages.models import AccessibilityStatementPage, SiteSettings

pytestmark = pytest.mark.django_db


def make_statement(parent, **fields):
    values = {
        "title": "Deklaracja dostępności", "slug": "deklaracja-dostepnosci",
        "published_on": datetime.date(2024, 11, 4), "updated_on": datetime.date(2025, 1, 8),
        "compliance_status": "partial", "non_accessible_content": "<p>Skany uchwał w PDF.</p>",
        "prepared_on": datetime.date(2025, 1, 8), "contact_person": "Jan Kowalski",
        "contact_email": "dostepnosc@example.org", "contact_phone": "22 484 23 00",
        "architectural_accessibility": "<p>Wejście z pochylnią.</p>", **fields,
    }
    page = AccessibilityStatementPage(**values)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_statement_shows_every_required_section(client, site_root):
    page = make_statement(site_root)
    html = client.get(page.url).content.decode()
    for element_id in ("a11y-podmiot", "a11y-url", "a11y-data-publikacja", "a11y-data-aktualizacja", "a11y-status",
                       "a11y-data-sporzadzenie", "a11y-kontakt", "a11y-osoba", "a11y-email", "a11y-telefon",
                       "a11y-procedura", "a11y-architektura"):
        assert f'id="{element_id}"' in html, element_id
    assert "2024-11-04" in html and "2025-01-08" in html
    assert "Rzecznika Praw Obywatelskich" in html  # the default enforcement procedure
    assert "Skany uchwał" in html and "Wejście z pochylnią." in html
    assert "Jan Kowalski" in html


def test_statement_validation(site_root):
    page = AccessibilityStatementPage(
        title="D", slug="d", published_on=datetime.date(2025, 1, 8), updated_on=datetime.date(2024, 1, 1),
        compliance_status="partial", non_accessible_content="", prepared_on=datetime.date(2025, 1, 8),
        assessment_method="external", contact_person="X", contact_email="x@example.org", contact_phone="1",
        architectural_accessibility="<p>x</p>",
    )
    with pytest.raises(ValidationError) as error:
        page.clean()
    assert set(error.value.message_dict) >= {"updated_on", "assessed_by", "non_accessible_content"}


def test_footer_links_the_statement_chosen_in_site_settings(client, site_root):
    page = make_statement(site_root)
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.accessibility_page = page
    settings.save()
    footer = client.get(page.url).content.decode().split('class="site-footer"')[1]
    assert f'href="{page.url}"' in footer


def test_demo_creates_the_statement_and_links_it(client):
    from django.core.management import call_command

    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115
    site = Site.objects.get(is_default_site=True)
    page = SiteSettings.for_site(site).accessibility_page.specific
    assert isinstance(page, AccessibilityStatementPage) and page.live
    assert page.title == "Deklaracja dostępności"
    assert f'href="{page.url}"' in client.get("/").content.decode()
    assert client.get(page.url).status_code == 200
    # The demo's notice and staff accounts in the roles.
    from django.contrib.auth import get_user_model

    from forms.models import DataProtectionNotice

    assert DataProtectionNotice.objects.get(is_default=True).controller.count("Burmistrz")
    assert get_user_model().objects.get(username="redaktor").groups.filter(name="Redaktorzy").exists()
    assert get_user_model().objects.get(username="administrator-formularzy").groups.filter(
        name="Administratorzy formularzy").exists()
    call_command("load_demo_content", stdout=open("/dev/null", "w"))  # noqa: SIM115 - idempotent
    assert AccessibilityStatementPage.objects.count() == 1
    assert DataProtectionNotice.objects.count() == 1
