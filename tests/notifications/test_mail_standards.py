"""Point 4 of issue 16: every kind of message is marked automatic (RFC 3834) and Polish, is sent in the
municipality office's name with Reply-To the office, and links only to the site's real address."""

import email
import email.policy
import re
from datetime import UTC, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import Site

from forms.consultations import services as consultations
from forms.models import SurveyFormField, SurveyPage
from forms.surveys import messages as survey_messages
from forms.working_groups import services as working_groups
from forms.workshops import messages as workshop_messages
from forms.workshops import services as workshops
from notifications.models import Notification
from strategy_pages.models import SiteSettings
from tests.forms.fixtures_participation import make_consultation, make_signup_page, make_user

from .conftest import STAFF, make_workshop, register

pytestmark = pytest.mark.django_db

PUBLIC = "https://strategia.konstancin.example"
ADMIN = "https://cms.konstancin.example"
OFFICE = "Urząd Miasta i Gminy Konstancin-Jeziorna"
OFFICE_EMAIL = "strategia@konstancinjeziorna.example"
URL = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture
def real_site(settings):
    """The site at its public address, the admin at its own, the office's name and address in the settings."""
    settings.WAGTAILADMIN_BASE_URL = ADMIN
    settings.DEFAULT_FROM_EMAIL = "powiadomienia@konstancinjeziorna.example"
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "strategia.konstancin.example", 443
    site.save()
    values = SiteSettings.for_site(site)
    values.municipality_name, values.email = OFFICE, OFFICE_EMAIL
    values.save()
    return site


def every_kind_of_message(settings, capture):
    """One message of every kind the site sends (workshops, survey, working groups, consultations)."""
    now = timezone.now()
    page = make_workshop(capacities=(1, 30), recipients=STAFF, capacity_alerts=True)
    full, roomy = page.sessions.order_by("sort_order")
    with capture(execute=True):
        first = register(page, full, email="anna@example.org").registration
    with capture(execute=True):
        register(page, full, name="Jan Nowak", email="jan@example.org")  # waitlisted
    with capture(execute=True):
        workshops.cancel(first)  # cancellation, and Jan's promotion
    with capture(execute=True):
        reminded = register(page, roomy, email="ola@example.org").registration
    with capture(execute=True):
        workshop_messages.queue_session_reminders(reminded.session_id, reminded.session.starts_at.astimezone(
            UTC).isoformat(), now=now)
    page.staff_notifications = page.StaffNotifications.DIGEST
    page.save()
    with capture(execute=True):
        workshop_messages.queue_staff_digests(day=timezone.localdate(), now=now + timedelta(days=1))

    root = Site.objects.get(is_default_site=True).root_page
    survey = SurveyPage(title="Ankieta", slug="ankieta-poczta", to_address="urzad@example.org",
                        form_fields=[SurveyFormField(label="Co zmienić?", field_type="singleline")])
    root.add_child(instance=survey)
    submission = survey.get_submission_class().objects.create(page=survey, form_data={"co_zmienic": "Ścieżki"})
    with capture(execute=True):
        survey_messages.form_submitted(submission)

    signup_page = make_signup_page(root, slug="grupy-poczta")
    from forms.models import ThematicArea, WorkingGroup

    area = ThematicArea.objects.first()
    group = WorkingGroup.objects.create(page=signup_page, name="społeczna", area=area, minimum_members=1)
    with capture(execute=True):
        (outcome,) = working_groups.sign_up(signup_page, groups=[group], full_name="Ewa Lis", email="ewa@example.org",
                                            represents="mieszkaniec", motivation="Znam gminę.")
    manager = make_user("koordynator-poczta", permissions=["manage_working_groups"])
    with capture(execute=True):
        working_groups.accept(outcome.signup, user=manager)
        working_groups.mark_group_formed(group, user=manager)  # the decision is told now
    with capture(execute=True):
        working_groups.decline(outcome.signup, user=manager)

    consultation = make_consultation(root, starts_at=now - timedelta(days=1), slug="konsultacje-poczta")
    with capture(execute=True):
        consultations.submit(consultation, full_name="Piotr Zając", email="piotr@example.org",
                             represents="mieszkaniec", area=area, title="Park", content="Więcej zieleni.")
    return mail.outbox


def parsed(message):
    """The message as a mail client reads it: bytes through Python's e-mail parser."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def test_every_kind_of_message_is_automatic_polish_from_the_office_and_links_to_the_real_site(
    real_site, settings, django_capture_on_commit_callbacks
):
    messages = every_kind_of_message(settings, django_capture_on_commit_callbacks)
    kinds = set(Notification.objects.filter(status=Notification.Status.SENT).values_list("kind", flat=True))
    expected = {
        *Notification.Kind.values,
        "working_group_signup_received", "working_group_signup_staff", "working_group_signup_accepted",
        "working_group_signup_declined", "consultation_submission_receipt", "consultation_submission_staff",
    }
    assert kinds >= expected - {"custom"}, sorted(expected - kinds)
    assert len(messages) >= len(kinds)

    for message in messages:
        headers = parsed(message)
        subject = headers["Subject"]
        assert headers["Auto-Submitted"] == "auto-generated", subject
        assert headers["Content-Language"] == "pl", subject
        assert headers["From"].addresses[0].display_name == OFFICE, subject
        assert headers["From"].addresses[0].addr_spec == "powiadomienia@konstancinjeziorna.example", subject
        assert headers["Reply-To"].addresses[0].addr_spec == OFFICE_EMAIL, subject
        body = headers.get_body(("plain",)).get_content()
        html = headers.get_body(("html",)).get_content()
        links = URL.findall(body) + URL.findall(html)
        assert all(link.startswith((PUBLIC + "/", ADMIN + "/")) for link in links), (subject, links)
        assert "localhost" not in body + html, subject

    participant_links = [URL.findall(m.body) for m in messages if m.to != [a.strip() for a in STAFF.split(",")]]
    assert any(link.startswith(PUBLIC + "/") for links in participant_links for link in links)


def test_working_group_and_consultation_links_use_the_site_like_workshop_links(
    real_site, django_capture_on_commit_callbacks
):
    """The regression of the issue: these linked to http://localhost/ while workshop mail did not."""
    from forms.mail import absolute_url, page_url

    root = real_site.root_page
    signup_page = make_signup_page(root, slug="grupy-linki")
    assert page_url(signup_page) == f"{PUBLIC}/grupy-linki/"
    assert absolute_url("/rejestracja/anuluj/x/", page=signup_page) == f"{PUBLIC}/rejestracja/anuluj/x/"
    assert absolute_url("/admin/", admin=True) == f"{ADMIN}/admin/"


def test_a_survey_with_its_own_sender_keeps_it(real_site, django_capture_on_commit_callbacks):
    root = real_site.root_page
    survey = SurveyPage(title="Ankieta", slug="ankieta-nadawca", to_address="urzad@example.org",
                        from_address="ankiety@konstancinjeziorna.example",
                        form_fields=[SurveyFormField(label="Pytanie", field_type="singleline")])
    root.add_child(instance=survey)
    submission = survey.get_submission_class().objects.create(page=survey, form_data={"pytanie": "Tak"})
    with django_capture_on_commit_callbacks(execute=True):
        survey_messages.form_submitted(submission)
    (message,) = mail.outbox
    headers = parsed(message)
    assert headers["From"] == "ankiety@konstancinjeziorna.example"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["X-Auto-Response-Suppress"] == "All"
