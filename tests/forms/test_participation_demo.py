"""The demo content: sign-up page with four groups, an ended consultation with a report, an open one."""

import pytest
from django.core.management import call_command
from django.test import Client

from forms.models import (
    ConsultationPage,
    ConsultationSubmission,
    WorkingGroup,
    WorkingGroupSignup,
    WorkingGroupSignupPage,
)
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_and_shows_the_participation_pages(mailoutbox):
    call_command("load_demo_content", stdout=None)
    counts = (WorkingGroup.objects.count(), WorkingGroupSignup.objects.count())
    call_command("load_demo_content", stdout=None)
    assert (WorkingGroup.objects.count(), WorkingGroupSignup.objects.count()) == counts

    signup_page = WorkingGroupSignupPage.objects.get()
    assert sorted(signup_page.working_groups.values_list("name", "minimum_members")) == [
        ("gospodarcza", 5), ("przestrzenna", 5), ("społeczna", 5), ("środowiskowa", 5)
    ]
    client = Client()
    html = client.get(signup_page.url).content.decode()
    assert "Zgłoszenia do grup roboczych" in html and "(22) 484 23 92" in html

    ended, open_now = (ConsultationPage.objects.get(slug=slug) for slug in (
        "konsultacje-spoleczne-potrzeby-i-propozycje", "konsultacje-spoleczne-projektu-strategii"))
    assert ended.has_ended() and open_now.is_open()
    assert not ended.period_is_too_short() and not open_now.period_is_too_short()
    report = ended.get_children().live().get().specific
    report_html = client.get(report.url).content.decode()
    assert "Więcej miejsc w żłobkach" in report_html
    assert "Reklama mojego sklepu" not in report_html
    assert "Osoba Demonstracyjna" not in report_html and "@example.org" not in report_html
    # The social group's recommendations, agreed in the demo, with the seeds' areas' trends described.
    assert "Rekomendacje grup roboczych" in report_html and "Dostępna opieka nad dziećmi do lat 3" in report_html
    assert "Do gminy wprowadza się coraz więcej rodzin" in report_html
    social = WorkingGroup.objects.get(name="społeczna").recommendations
    assert social.state == "agreed" and social.agreed_revision_id == social.latest_revision_id
    assert 'name="title"' in client.get(open_now.url).content.decode()

    # One of each as they arrive at the office: a phone call without e-mail, a late letter with its scan.
    by_phone = WorkingGroupSignup.objects.get(channel="phone")
    assert (by_phone.email, by_phone.notice_delivery, by_phone.group.name) == ("", "read_out", "społeczna")
    assert Notification.objects.filter(kind="working_group_signup_phone_task", object_id=by_phone.pk).count() == 1
    letter = ConsultationSubmission.objects.get(channel="paper")
    assert letter.page_id == ended.pk and letter.posted_on is not None and letter.received_at > ended.ends_at
    assert letter.attachment and letter.status == "accepted" and letter.late_reason
    assert "na papierze – 1" in report_html and "Demo-Listowny" not in report_html
