"""Working groups' recommendations: who may edit them, their versions, agreeing a version, and the
public report (HTML, CSV, JSON) showing only the agreed version and no personal data."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, Revision

from forms.consultations import services as consultations
from forms.models import ConsultationSubmission, GroupRecommendations, RecommendedGoal, Trend
from forms.privacy.permissions import ROLE_EDITORS, ROLE_FORM_ADMINS
from forms.working_groups import admin as working_groups_admin
from forms.working_groups import services
from tests.forms.fixtures_admin import make_user as make_role_user
from tests.forms.fixtures_participation import add_report, make_consultation, make_user, submit

pytestmark = pytest.mark.django_db

EDIT = "wagtailsnippets_strategy_forms_grouprecommendations:edit"
LIST = "wagtailsnippets_strategy_forms_grouprecommendations:list"


@pytest.fixture
def documents(groups):
    return {name: group.recommendations for name, group in groups.items()}


@pytest.fixture
def people(groups):
    return {
        "social": make_user("recenzent-spoleczny", groups=[groups["społeczna"].reviewers]),
        "economic": make_user("recenzent-gospodarczy", groups=[groups["gospodarcza"].reviewers]),
        "form_admin": make_role_user("administratorka", ROLE_FORM_ADMINS),
        "editor": make_role_user("redaktorka", ROLE_EDITORS),
    }


@pytest.fixture
def ended(site_root, areas, moderator):
    """An ended consultation: two accepted, assessed social submissions (with personal data), one new
    social submission and one assessed economic submission."""
    starts = timezone.now() - timedelta(days=41)
    page = make_consultation(site_root, starts_at=starts, days=40, slug="zakonczone")
    admin = make_user("admin", superuser=True)
    made = {}
    for number, (key, area, title) in enumerate([
        ("nursery", "społeczny", "Więcej miejsc w żłobkach"),
        ("seniors", "społeczny", "=Dom seniora"),
        ("economic", "gospodarczy", "Strefa aktywności"),
    ], start=1):
        submission = submit(page, areas[area], number, title=title, place="ul. Mirkowska 5",
                            now=starts + timedelta(days=2))
        consultations.moderate(submission, user=moderator, accept=True)
        consultations.assess(submission, user=admin, recommendation="include", justification="Zasadne.",
                             trends=["napływ młodych rodzin"] if area == "społeczny" else ["usługi"])
        made[key] = submission
    made["new"] = submit(page, areas["społeczny"], 9, title="Nowe", now=starts + timedelta(days=3))
    Trend.objects.filter(name="napływ młodych rodzin").update(description="Coraz więcej rodzin z dziećmi.")
    return {"page": page, "report": add_report(page), **made}


def refused(response):
    """Wagtail's admin answers a PermissionDenied of its own views with a redirect to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/admin/")


def goal_form(title, justification, trends=(), submissions=()):
    return {"title": title, "justification": justification, "trends": [t.pk for t in trends],
            "submissions": [s.pk for s in submissions]}


def formset_data(vision, goals, initial=0):
    """The editor's POST: the vision and the goals' inline formset (multi-valued fields as lists)."""
    data = {"vision": vision, "goals-TOTAL_FORMS": str(len(goals)), "goals-INITIAL_FORMS": str(initial),
            "goals-MIN_NUM_FORMS": "0", "goals-MAX_NUM_FORMS": "1000"}
    for index, goal in enumerate(goals):
        for key, value in goal.items():
            data[f"goals-{index}-{key}"] = value
        data[f"goals-{index}-ORDER"] = str(index + 1)
        data.setdefault(f"goals-{index}-id", "")
    return data


def edit_post(client, document, vision, goals, initial=0):
    return client.post(reverse(EDIT, args=[document.pk]), formset_data(vision, goals, initial))


def save_version(document, user, vision, goals=()):
    """What the editor does, without HTTP: content saved, then a revision by ``user``."""
    document = GroupRecommendations.objects.get(pk=document.pk)
    document.vision = vision
    new_goals = []
    for title, justification, trends, submissions in goals:
        goal = RecommendedGoal(title=title, justification=justification)
        goal.trends, goal.submissions = list(trends), list(submissions)
        new_goals.append(goal)
    document.goals = new_goals
    document.save()
    return document, document.save_revision(user=user, log_action=True)


def document_urls(document):
    """Every URL of the recommendations' snippet views that opens one document."""
    urls = []
    for pattern in working_groups_admin.recommendations_viewset.get_urlpatterns():
        if isinstance(pattern, URLPattern) and "pk" in pattern.pattern.converters:
            name = working_groups_admin.recommendations_viewset.get_url_name(pattern.name)
            kwargs = {"pk": document.pk}
            if "revision_id" in pattern.pattern.converters:
                kwargs["revision_id"] = document.latest_revision_id
            if "revision_id_a" in str(pattern.pattern):
                continue  # the comparison is a re_path, covered below
            urls.append(reverse(name, kwargs=kwargs))
    return urls


# Editing rights ------------------------------------------------------------------------------------


def test_every_group_has_one_document_made_with_the_group(groups):
    assert GroupRecommendations.objects.count() == 4
    assert {document.group.name for document in GroupRecommendations.objects.all()} == set(groups)


def test_only_the_groups_reviewers_and_form_administrators_may_edit(documents, people):
    social, economic = documents["społeczna"], documents["gospodarcza"]
    assert services.can_edit_recommendations(people["social"], social.group)
    assert not services.can_edit_recommendations(people["social"], economic.group)
    assert services.can_edit_recommendations(people["form_admin"], economic.group)
    assert not services.can_edit_recommendations(people["editor"], social.group)
    assert list(services.recommendations_editable_by(people["social"])) == [social]
    assert services.recommendations_editable_by(people["form_admin"]).count() == 4
    assert not services.recommendations_editable_by(people["editor"]).exists()


def test_another_groups_reviewer_gets_403_on_every_view_of_the_document(documents, people, client):
    social, economic = documents["społeczna"], documents["gospodarcza"]
    save_version(economic, people["economic"], "Wizja gospodarcza.")
    economic.refresh_from_db()
    first = economic.latest_revision_id
    save_version(economic, people["economic"], "Wizja gospodarcza 2.")
    economic.refresh_from_db()
    urls = document_urls(economic)
    compare = reverse("wagtailsnippets_strategy_forms_grouprecommendations:revisions_compare",
                      args=[economic.pk, first, economic.latest_revision_id])
    urls += [compare, reverse("participation_recommendations_agree", args=[economic.pk])]
    assert len(urls) >= 6  # edit, delete, usage, history, revert, compare, agree
    client.force_login(people["social"])
    for url in urls:
        assert refused(client.get(url)), url
    assert refused(edit_post(client, economic, "Przejęte!", []))
    assert client.post(reverse("participation_recommendations_agree", args=[economic.pk]),
                       {"revision": economic.latest_revision_id}).status_code == 403
    economic.refresh_from_db()
    assert economic.vision == "Wizja gospodarcza 2." and economic.agreed_revision_id is None
    # Their own document opens; the listing shows only it.
    assert client.get(reverse(EDIT, args=[social.pk])).status_code == 200
    assert list(client.get(reverse(LIST)).context["object_list"]) == [social]


def test_form_administrators_open_every_document_and_editors_none(documents, people, client):
    client.force_login(people["form_admin"])
    for document in documents.values():
        assert client.get(reverse(EDIT, args=[document.pk])).status_code == 200
    assert len(client.get(reverse(LIST)).context["object_list"]) == 4
    client.force_login(people["editor"])
    assert refused(client.get(reverse(EDIT, args=[documents["społeczna"].pk])))
    assert refused(client.get(reverse(LIST)))


def test_nobody_adds_or_deletes_documents_in_the_admin(documents, people, client):
    client.force_login(people["form_admin"])
    assert refused(client.get(reverse("wagtailsnippets_strategy_forms_grouprecommendations:add")))
    delete = reverse("wagtailsnippets_strategy_forms_grouprecommendations:delete", args=[documents["społeczna"].pk])
    assert refused(client.post(delete))
    assert GroupRecommendations.objects.count() == 4


# Versions ------------------------------------------------------------------------------------------


def test_a_reviewer_edits_through_the_admin_and_each_save_is_a_version_with_its_author(
    documents, people, ended, client
):
    social = documents["społeczna"]
    trend = Trend.objects.get(name="napływ młodych rodzin")
    client.force_login(people["social"])
    response = edit_post(client, social, "Gmina przyjazna rodzinom.", [
        goal_form("Dostępna opieka nad dziećmi", "Brakuje miejsc.", [trend], [ended["nursery"]]),
    ])
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    goal = social.goals.get()
    response = edit_post(client, social, "Gmina przyjazna rodzinom i seniorom.", [
        {**goal_form("Dostępna opieka nad dziećmi", "Brakuje miejsc.", [trend], [ended["nursery"], ended["seniors"]]),
         "id": goal.pk},
    ], initial=1)
    assert response.status_code == 302
    social.refresh_from_db()
    revisions = list(Revision.objects.for_instance(social).order_by("pk"))
    assert len(revisions) == 2 and {revision.user for revision in revisions} == {people["social"]}
    assert revisions[0].as_object().vision == "Gmina przyjazna rodzinom."
    goal = social.goals.get()
    assert sorted(goal.submissions.values_list("reference", flat=True)) == sorted(
        [ended["nursery"].reference, ended["seniors"].reference])
    edits = ModelLogEntry.objects.for_instance(social).filter(action="wagtail.edit")
    assert edits.count() == 2 and set(edits.values_list("user", flat=True)) == {people["social"].pk}
    history = client.get(reverse("wagtailsnippets_strategy_forms_grouprecommendations:history", args=[social.pk]))
    assert history.status_code == 200 and "recenzent-spoleczny" in history.content.decode()


def test_a_goal_may_rest_only_on_the_groups_own_trends_and_assessed_submissions(documents, people, ended, client):
    social = documents["społeczna"]
    client.force_login(people["social"])
    for submission in (ended["economic"], ended["new"]):  # another area; not accepted nor assessed
        response = edit_post(client, social, "Wizja.", [goal_form("Cel", "Bo tak.", (), [submission])])
        assert response.status_code == 200
        assert "submissions" in response.context["form"].formsets["goals"].forms[0].errors
    other_trend = Trend.objects.get(name="usługi")
    response = edit_post(client, social, "Wizja.", [goal_form("Cel", "Bo tak.", [other_trend])])
    assert "trends" in response.context["form"].formsets["goals"].forms[0].errors
    assert not social.goals.exists() and not Revision.objects.for_instance(social).exists()
    page = client.get(reverse(EDIT, args=[social.pk])).content.decode()
    assert ended["nursery"].reference in page and ended["economic"].reference not in page


def test_agreeing_pins_the_version_the_public_report_shows_while_a_new_draft_is_edited(
    documents, people, ended, client
):
    social = documents["społeczna"]
    reviewer = people["social"]
    social, agreed = save_version(social, reviewer, "Wizja uzgodniona.", [
        ("Cel uzgodniony", "Uzasadnienie.", [], [ended["nursery"]]),
    ])
    client.force_login(reviewer)
    confirm = client.get(reverse("participation_recommendations_agree", args=[social.pk]))
    assert confirm.status_code == 200 and "Cel uzgodniony" in confirm.content.decode()
    response = client.post(reverse("participation_recommendations_agree", args=[social.pk]),
                           {"revision": agreed.pk, "note": "spotkanie 12 marca"})
    assert response.status_code == 302
    social.refresh_from_db()
    assert (social.state, social.agreed_revision_id, social.agreed_by) == ("agreed", agreed.pk, reviewer)
    assert social.agreement_note == "spotkanie 12 marca"
    entry = ModelLogEntry.objects.for_instance(social).get(action="strategy_forms.recommendations_agree")
    assert entry.user == reviewer and entry.revision_id == agreed.pk

    save_version(social, reviewer, "Nowy szkic, nieuzgodniony.", [("Cel w szkicu", "Szkic.", [], [])])
    social.refresh_from_db()
    assert social.has_unagreed_changes and social.agreed_revision_id == agreed.pk
    html = client.get(ended["report"].url).content.decode()
    assert "Wizja uzgodniona." in html and "Cel uzgodniony" in html
    assert "Nowy szkic" not in html and "Cel w szkicu" not in html


def test_a_version_older_than_the_latest_cannot_be_agreed(documents, people):
    social = documents["społeczna"]
    social, first = save_version(social, people["social"], "Pierwsza.")
    social, _second = save_version(social, people["social"], "Druga.")
    with pytest.raises(services.StaleVersion):
        services.agree(social, user=people["social"], revision=first)
    with pytest.raises(services.StaleVersion):
        # A revision of another document is never accepted either.
        other, other_revision = save_version(documents["gospodarcza"], people["economic"], "Inna.")
        services.agree(social, user=people["social"], revision=other_revision)
    with pytest.raises(services.NothingToAgree):
        services.agree(documents["przestrzenna"], user=people["form_admin"], revision=None)
    social.refresh_from_db()
    assert social.agreed_revision_id is None and social.state == "draft"


def test_another_groups_reviewer_cannot_agree_and_only_form_administrators_hand_over(documents, people):
    from django.core.exceptions import PermissionDenied

    social, revision = save_version(documents["społeczna"], people["social"], "Wizja.")
    with pytest.raises(PermissionDenied):
        services.agree(social, user=people["economic"], revision=revision)
    with pytest.raises(services.NothingToHandOver):
        services.hand_over(social, user=people["form_admin"])
    services.agree(social, user=people["social"], revision=revision)
    with pytest.raises(PermissionDenied):
        services.hand_over(social, user=people["social"])
    social = services.hand_over(social, user=people["form_admin"])
    assert social.state == "handed_over" and social.handed_over_revision_id == revision.pk
    assert ModelLogEntry.objects.for_instance(social).filter(
        action="strategy_forms.recommendations_hand_over", user=people["form_admin"]).exists()


def test_reverting_to_an_old_version_keeps_the_agreement(documents, people, client):
    social, first = save_version(documents["społeczna"], people["social"], "Pierwsza.")
    social, second = save_version(social, people["social"], "Druga.")
    services.agree(social, user=people["social"], revision=second)
    client.force_login(people["social"])
    revert = reverse("wagtailsnippets_strategy_forms_grouprecommendations:revisions_revert",
                     args=[social.pk, first.pk])
    response = client.post(revert, formset_data("Pierwsza.", []))
    assert response.status_code == 302
    social.refresh_from_db()
    assert social.vision == "Pierwsza." and social.latest_revision_id not in (first.pk, second.pk)
    assert (social.state, social.agreed_revision_id) == ("agreed", second.pk)


def test_autosave_never_overwrites_the_agreed_version(documents, people):
    social, agreed = save_version(documents["społeczna"], people["social"], "Uzgodniona.")
    services.agree(social, user=people["social"], revision=agreed)
    social.refresh_from_db()
    social.vision = "Zmieniona w autozapisie."
    social.save()
    new = social.save_revision(user=people["social"], overwrite_revision=agreed)
    assert new.pk != agreed.pk
    agreed.refresh_from_db()
    assert agreed.content["vision"] == "Uzgodniona."


# The public report ---------------------------------------------------------------------------------


@pytest.fixture
def agreed_social(documents, people, ended):
    trend = Trend.objects.get(name="napływ młodych rodzin")
    social, revision = save_version(documents["społeczna"], people["social"], "=Gmina przyjazna rodzinom.", [
        ("Dostępna opieka nad dziećmi", "Brakuje miejsc w żłobkach.", [trend], [ended["nursery"], ended["seniors"]]),
        ("Aktywni seniorzy", "+Więcej usług dziennych.", [], [ended["seniors"]]),
    ])
    return services.agree(social, user=people["social"], revision=revision)


def personal_data():
    values = []
    for submission in ConsultationSubmission.objects.all():
        values += [submission.full_name, submission.email, submission.phone, submission.place]
    values += ["recenzent-spoleczny", "recenzent-spoleczny@example.org"]
    return [value for value in values if value]


def test_the_report_shows_agreed_recommendations_trends_and_counts(agreed_social, ended, documents, client):
    html = client.get(ended["report"].url).content.decode()
    assert "Rekomendacje grup roboczych" in html
    assert "Dostępna opieka nad dziećmi" in html and "Aktywni seniorzy" in html
    assert "Opiera się na 2 zgłoszeniach" in html and "Opiera się na 1 zgłoszeniu" in html
    assert ended["nursery"].reference in html and "Coraz więcej rodzin z dziećmi." in html
    # Groups with nothing agreed are not shown.
    assert "Grupa robocza: gospodarcza" not in html and "Grupa robocza: społeczna" in html
    group_page = client.get(ended["report"].url + f"grupa/{agreed_social.group_id}/")
    assert group_page.status_code == 200 and "Aktywni seniorzy" in group_page.content.decode()
    assert client.get(ended["report"].url + f"grupa/{documents['gospodarcza'].group_id}/").status_code == 404


def test_the_report_and_its_exports_contain_no_personal_data(agreed_social, ended, client):
    url = ended["report"].url
    texts = [
        client.get(url).content.decode(),
        client.get(url + f"grupa/{agreed_social.group_id}/").content.decode(),
        client.get(url + "rekomendacje/csv/").content.decode("utf-8-sig"),
        client.get(url + "rekomendacje/json/").content.decode(),
    ]
    assert all("Dostępna opieka nad dziećmi" in text for text in texts)
    values = personal_data()
    assert len(values) >= 12
    for text in texts:
        for value in values:
            assert value not in text, value


def test_the_csv_is_for_polish_spreadsheets_and_neutralises_formulas(agreed_social, ended, client):
    response = client.get(ended["report"].url + "rekomendacje/csv/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Grupa robocza", "Obszar tematyczny", "Stan"]
    assert len(rows) == 3 and all(len(row) == len(rows[0]) for row in rows)
    first, second = rows[1], rows[2]
    assert first[0] == "społeczna" and first[4] == "'=Gmina przyjazna rodzinom."
    assert first[5] == "Dostępna opieka nad dziećmi" and first[-1] == "2"
    assert ended["nursery"].reference in first[8]
    assert second[6] == "'+Więcej usług dziennych." and second[-1] == "1"


def test_the_json_is_valid_open_data(agreed_social, ended, client):
    response = client.get(ended["report"].url + "rekomendacje/json/")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    assert data["consultation"]["title"] == ended["page"].title
    [group] = data["working_groups"]
    assert group["working_group"] == "społeczna" and group["thematic_area"] == "społeczny"
    assert group["vision"] == "=Gmina przyjazna rodzinom."
    assert [goal["submission_count"] for goal in group["goals"]] == [2, 1]
    assert group["goals"][0]["trends"] == ["napływ młodych rodzin"]
    assert {item["reference"] for item in group["goals"][0]["submissions"]} == {
        ended["nursery"].reference, ended["seniors"].reference}
    trend = next(item for item in group["trends"] if item["name"] == "napływ młodych rodzin")
    assert trend["description"] == "Coraz więcej rodzin z dziećmi." and trend["submission_count"] == 2


def test_a_submission_rejected_later_no_longer_counts(agreed_social, ended, moderator, client):
    consultations.moderate(ended["seniors"], user=moderator, accept=False, reason="Poza zakresem.")
    data = json.loads(client.get(ended["report"].url + "rekomendacje/json/").content)
    assert [goal["submission_count"] for goal in data["working_groups"][0]["goals"]] == [1, 0]


def test_before_the_consultation_ends_nothing_is_published(documents, people, consultation, areas, client):
    social, revision = save_version(documents["społeczna"], people["social"], "Wizja przed końcem.")
    services.agree(social, user=people["social"], revision=revision)
    report = add_report(consultation)
    assert "Wizja przed końcem." not in client.get(report.url).content.decode()
    for suffix in ("rekomendacje/csv/", "rekomendacje/json/", f"grupa/{social.group_id}/"):
        assert client.get(report.url + suffix).status_code == 404


# Trends --------------------------------------------------------------------------------------------


def test_reviewers_describe_their_areas_trends_only(ended, people, client):
    own = Trend.objects.get(name="napływ młodych rodzin")
    other = Trend.objects.get(name="usługi")
    client.force_login(people["social"])
    edit = "wagtailsnippets_strategy_forms_trend:edit"
    assert refused(client.get(reverse(edit, args=[other.pk])))
    assert refused(client.post(reverse(edit, args=[other.pk]), {"name": "x", "description": "y"}))
    response = client.post(reverse(edit, args=[own.pk]), {"name": own.name, "description": "Nowy opis."})
    assert response.status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.description == "Nowy opis." and other.name == "usługi"
    assert ModelLogEntry.objects.for_instance(own).filter(action="wagtail.edit", user=people["social"]).exists()
    listing = client.get(reverse("wagtailsnippets_strategy_forms_trend:list"))
    assert list(listing.context["object_list"]) == [own]
