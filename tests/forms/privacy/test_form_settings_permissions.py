"""Point 1 of issue 13: every field of a form page that routes, keeps or exposes personal data (and
those that decide who gets a place) is shown to and saved for form administrators only. An editor's
POST through Wagtail's page editor that changes them publishes the page with the old values; the same
POST by a form administrator changes them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forms.models import DataProtectionNotice, SurveyPage, WorkingGroupSignupPage, WorkshopPage
from tests.forms.admin_helpers import page_editor_data

pytestmark = pytest.mark.django_db

ATTACKER = "redaktorka@zewnatrz.example"


@pytest.fixture
def notice(db):
    return DataProtectionNotice.objects.create(title="Inna klauzula", controller="<p>x</p>", dpo_contact="<p>x</p>",
                                               purposes="<p>x</p>", legal_basis="<p>x</p>", recipients="<p>x</p>",
                                               retention="<p>x</p>")


def local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def changes_for(page, notice):
    """Field -> (posted value, how to read it back) for every protected field of the page."""
    later = timezone.now() + timedelta(days=60)
    common = {
        "retention_days": ("3650", lambda p: p.retention_days, 3650),
        "data_protection_notice": (str(notice.pk), lambda p: p.data_protection_notice_id, notice.pk),
    }
    if isinstance(page, WorkshopPage):
        return {
            **common,
            "notification_recipients": (ATTACKER, lambda p: p.notification_recipients, ATTACKER),
            "staff_notifications": ("digest", lambda p: p.staff_notifications, "digest"),
            "capacity_alerts": (None, lambda p: p.capacity_alerts, False),  # unticked
            "waitlist_enabled": (None, lambda p: p.waitlist_enabled, False),
            "waitlist_offer_hours": ("48", lambda p: p.waitlist_offer_hours, 48),
            "no_offers_hours_before": ("12", lambda p: p.no_offers_hours_before, 12),
            "registration_closes_at": (local(later), lambda p: local(p.registration_closes_at), local(later)),
            "sessions-0-capacity": ("999", lambda p: p.sessions.order_by("sort_order")[0].capacity, 999),
        }
    if isinstance(page, SurveyPage):
        return {
            **common,
            "to_address": (ATTACKER, lambda p: p.to_address, ATTACKER),
            "from_address": (ATTACKER, lambda p: p.from_address, ATTACKER),
            "subject": ("Kopia", lambda p: p.subject, "Kopia"),
            "form_fields-0-label": ("PESEL", lambda p: p.form_fields.filter(label="PESEL").exists(), True),
        }
    if isinstance(page, WorkingGroupSignupPage):
        return {
            **common,
            "notification_recipients": (ATTACKER, lambda p: p.notification_recipients, ATTACKER),
            "signup_email": (ATTACKER, lambda p: p.signup_email, ATTACKER),
            "signup_phones": ("111 222 333", lambda p: p.signup_phones, "111 222 333"),
            "signup_closes_at": (local(later), lambda p: local(p.signup_closes_at), local(later)),
            "representation_choices": ("PESEL", lambda p: p.representation_choices, "PESEL"),
        }
    return {  # consultation
        **common,
        "notification_recipients": (ATTACKER, lambda p: p.notification_recipients, ATTACKER),
        "ends_at": (local(later), lambda p: local(p.ends_at), local(later)),
        "representation_choices": ("PESEL", lambda p: p.representation_choices, "PESEL"),
    }


def edit_and_publish(client, page, changes):
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
    data = page_editor_data(html)
    data["title"] = [page.title + " (zmiana)"]  # content: editors keep it
    if isinstance(page, WorkshopPage):
        data.setdefault("description-count", ["0"])  # the StreamField's inputs are made by the browser's script
    for name, (value, _read, _expected) in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value]
    data["action-publish"] = ["action-publish"]
    response = client.post(f"/admin/pages/{page.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return type(page).objects.get(pk=page.pk), html


@pytest.fixture
def form_pages(workshop, survey, signup_page, consultation):
    return [workshop, survey, signup_page, consultation]


def test_an_editor_cannot_see_or_change_what_routes_or_keeps_personal_data(client, editor, form_pages, notice):
    client.force_login(editor)
    for page in form_pages:
        before = type(page).objects.get(pk=page.pk)
        changes = changes_for(page, notice)
        after, html = edit_and_publish(client, page, changes)
        assert after.title.endswith("(zmiana)"), page  # the publish went through
        for name, (_value, read, _expected) in changes.items():
            assert f'name="{name}"' not in html, (page, name)
            assert read(after) == read(before), (page, name)
        assert after.live


def test_a_form_administrator_changes_them(client, form_admin, form_pages, notice):
    client.force_login(form_admin)
    for page in form_pages:
        changes = changes_for(page, notice)
        after, html = edit_and_publish(client, page, changes)
        for name, (_value, read, expected) in changes.items():
            assert f'name="{name}"' in html, (page, name)
            assert read(after) == expected, (page, name)


def test_the_next_registration_after_an_editors_publish_reaches_only_the_configured_staff(
        client, editor, workshop, sessions, mailoutbox, notice, django_capture_on_commit_callbacks):
    workshop.notification_recipients = "biuro@example.org"
    workshop.save_revision().publish()
    client.force_login(editor)
    edit_and_publish(client, WorkshopPage.objects.get(pk=workshop.pk),
                     {"notification_recipients": (ATTACKER, None, None)})
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(workshop.url, {"full_name": "Jan Kowalski", "email": "jan@example.org",
                                              "sessions": [sessions[1].pk], "consent": "on"})
    assert response.status_code == 303  # to the result page
    recipients = {address for message in mailoutbox for address in message.to}
    assert ATTACKER not in recipients
    assert "biuro@example.org" in recipients
