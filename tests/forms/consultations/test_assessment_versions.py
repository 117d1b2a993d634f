"""Reviewers: every saved assessment is a version kept for good (who, when, what changed); a save on a
stale version is refused with the newer one shown, never a silent overwrite; the dashboard lists what
waits for the reviewer's assessment and links the next one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forms.consultations import services as consultations
from forms.models import Assessment, AssessmentVersion
from tests.forms.fixtures_participation import make_user, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewers(groups):
    social = groups["społeczna"].reviewers
    return {
        "first": make_user("recenzentka-1", groups=[social]),
        "second": make_user("recenzent-2", groups=[social]),
        "other_area": make_user("recenzent-gospodarczy", groups=[groups["gospodarcza"].reviewers]),
    }


@pytest.fixture
def waiting(consultation, areas, moderator):
    """Three accepted social submissions (in the order they were accepted) and one economic one."""
    social = [consultations.moderate(submit(consultation, areas["społeczny"], n), user=moderator, accept=True)
              for n in (1, 2, 3)]
    economic = consultations.moderate(submit(consultation, areas["gospodarczy"], 4), user=moderator, accept=True)
    return {"social": social, "economic": economic}


def assess_url(submission):
    return f"/admin/participation/submissions/{submission.pk}/assess/"


def post_assessment(client, submission, version, **fields):
    data = {"recommendation": "include", "justification": "Zasadne.", "trends": "", "version": version, **fields}
    return client.post(assess_url(submission), data)


def test_each_save_is_a_new_version_with_who_and_what_changed(waiting, reviewers, client):
    submission = waiting["social"][0]
    client.force_login(reviewers["first"])
    assert post_assessment(client, submission, 0, trends="dojazdy").status_code == 302
    client.force_login(reviewers["second"])
    assert post_assessment(client, submission, 1, recommendation="partially", trends="dojazdy").status_code == 302

    assessment = Assessment.objects.get(submission=submission)
    assert (assessment.version, assessment.recommendation, assessment.assessed_by) == (2, "partially",
                                                                                       reviewers["second"])
    versions = list(AssessmentVersion.objects.filter(assessment=assessment).order_by("number"))
    assert [(v.number, v.recommendation, v.saved_by.username, v.trend_names) for v in versions] == [
        (1, "include", "recenzentka-1", ["dojazdy"]),
        (2, "partially", "recenzent-2", ["dojazdy"]),
    ]
    history = consultations.assessment_history(assessment)
    assert [item.version.number for item in history] == [2, 1]
    assert history[0].changed == ["rekomendacja"]

    page = client.get(f"/admin/participation/submissions/{submission.pk}/").content.decode()
    assert "Wersje oceny" in page and "recenzentka-1" in page and "recenzent-2" in page
    assert "pierwsza wersja" in page and "uwzględnić częściowo" in page


def test_a_save_on_a_stale_version_is_refused_shows_the_newer_one_and_keeps_the_typed_text(
    waiting, reviewers, client
):
    submission = waiting["social"][0]
    consultations.assess(submission, user=reviewers["first"], recommendation="include",
                         justification="Pierwsza ocena.", expected_version=0)
    # The second reviewer opened the form at version 1; meanwhile the first saves version 2.
    client.force_login(reviewers["second"])
    opened = client.get(f"/admin/participation/submissions/{submission.pk}/")
    assert opened.context["assessment_form"].initial["version"] == 1
    consultations.assess(submission, user=reviewers["first"], recommendation="exclude",
                         justification="Zmieniłam zdanie.", expected_version=1)

    response = post_assessment(client, submission, 1, justification="Mój tekst, którego nie wolno zgubić.")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Ktoś zapisał nowszą wersję oceny" in html
    assert "Nowsza wersja 2" in html and "recenzentka-1" in html and "Zmieniłam zdanie." in html
    assert "Mój tekst, którego nie wolno zgubić." in html  # nothing typed is lost
    assert response.context["assessment_form"]["version"].value() == 2
    assessment = Assessment.objects.get(submission=submission)
    assert (assessment.version, assessment.justification) == (2, "Zmieniłam zdanie.")

    # Having read the newer version, saving again replaces it knowingly: a third version.
    assert post_assessment(client, submission, 2, justification="Mój tekst.").status_code == 302
    assert AssessmentVersion.objects.filter(assessment=assessment).count() == 3


def test_the_service_refuses_a_stale_version_and_changes_nothing(waiting, reviewers):
    submission = waiting["social"][0]
    consultations.assess(submission, user=reviewers["first"], recommendation="include", justification="A.",
                         expected_version=0)
    with pytest.raises(consultations.StaleAssessment) as refused:
        consultations.assess(submission, user=reviewers["second"], recommendation="exclude", justification="B.",
                             expected_version=0)
    assert refused.value.current.number == 1 and refused.value.current.saved_by == reviewers["first"]
    assert Assessment.objects.get(submission=submission).justification == "A."
    assert AssessmentVersion.objects.count() == 1


def test_a_missing_or_tampered_version_is_a_400_not_a_500(waiting, reviewers, client):
    submission = waiting["social"][0]
    client.force_login(reviewers["first"])
    for version in ("", "abc", "-1", "99999999999999999999"):
        assert post_assessment(client, submission, version).status_code == 400, version
    assert not Assessment.objects.exists()


def test_the_dashboard_lists_what_waits_for_the_reviewer_and_links_the_next_one(waiting, reviewers, client):
    first, second, third = waiting["social"]
    consultations.assess(first, user=reviewers["first"], recommendation="include", justification="A.")
    client.force_login(reviewers["second"])
    with CaptureQueriesContext(connection) as queries:
        dashboard = client.get("/admin/").content.decode()
    assert "Zgłoszenia czekające na Twoją ocenę" in dashboard
    assert f"/admin/participation/submissions/{second.pk}/" in dashboard  # the next one: oldest waiting
    assert "Oceń następne: " + second.reference in dashboard
    assert third.reference in dashboard
    assert first.reference not in dashboard  # assessed
    assert waiting["economic"].reference not in dashboard  # another area
    assert "2 zgłoszenia z obszaru Twojej grupy roboczej czekają na ocenę." in dashboard
    assert len(queries) < 60
    # The submission page links the next waiting one too.
    page = client.get(f"/admin/participation/submissions/{second.pk}/").content.decode()
    assert f'href="/admin/participation/submissions/{third.pk}/"' in page


def test_the_reviewer_panel_is_not_shown_to_editors_nor_to_form_administrators_without_an_area(
    waiting, client, moderator
):
    for user in (make_user("redaktor"), moderator):
        client.force_login(user)
        assert "Zgłoszenia czekające na Twoją ocenę" not in client.get("/admin/").content.decode()


def test_versions_are_shown_only_to_those_who_may_see_the_submission(waiting, reviewers, client):
    submission = waiting["social"][0]
    consultations.assess(submission, user=reviewers["first"], recommendation="include", justification="A.")
    client.force_login(reviewers["other_area"])
    assert client.get(f"/admin/participation/submissions/{submission.pk}/").status_code == 403
    client.force_login(make_user("redaktor"))
    assert client.get(f"/admin/participation/submissions/{submission.pk}/").status_code == 403
