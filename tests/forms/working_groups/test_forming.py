"""A group is formed by staff: decisions stay internal until then, everyone accepted is told once,
decisions can be undone before, and the members can be exported (form administrators only)."""

import csv
import io

import pytest
from django.db.models import Q
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry, PageLogEntry

from forms.models import WorkingGroupSignup
from forms.working_groups import messages as wg_messages
from forms.working_groups import services as working_groups
from notifications.models import Notification
from tests.forms.fixtures_participation import make_user

pytestmark = pytest.mark.django_db

Status = WorkingGroupSignup.Status


def sign_up(page, group, email, full_name="Anna Kowalska"):
    return working_groups.sign_up(
        page, groups=[group], full_name=full_name, email=email, represents="mieszkaniec", motivation="Znam gminę."
    )[0].signup


def decision_messages():
    return Notification.objects.filter(kind__in=[wg_messages.SIGNUP_ACCEPTED, wg_messages.SIGNUP_DECLINED])


@pytest.fixture
def social(groups):
    return groups["społeczna"]  # minimum 2


@pytest.fixture
def people(signup_page, social):
    return [sign_up(signup_page, social, f"osoba{i}@example.org", f"Osoba {i}") for i in range(4)]


def test_decisions_before_forming_send_nothing_and_forming_tells_each_accepted_person_once(
    signup_page, social, people, manager, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for signup in people[:3]:
            assert working_groups.accept(signup, user=manager).changed
        working_groups.decline(people[3], user=manager)
    assert not decision_messages().exists() and mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        outcome = working_groups.mark_group_formed(social, user=manager)
    assert (outcome.changed, outcome.notified) == (True, 3)
    accepted = decision_messages().filter(kind=wg_messages.SIGNUP_ACCEPTED)
    assert sorted(accepted.values_list("recipients", flat=True)) == [
        "osoba0@example.org", "osoba1@example.org", "osoba2@example.org"
    ]
    assert list(decision_messages().filter(kind=wg_messages.SIGNUP_DECLINED).values_list("recipients", flat=True)) == [
        "osoba3@example.org"
    ]
    assert sorted(message.to[0] for message in mailoutbox) == [f"osoba{i}@example.org" for i in range(4)]
    accepted_mail = next(message for message in mailoutbox if message.to == ["osoba0@example.org"])
    assert accepted_mail.subject == "Przyjęliśmy Cię do grupy roboczej „społeczna”"

    # Marking again changes nothing and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        again = working_groups.mark_group_formed(social, user=manager)
    assert again.changed is False and decision_messages().count() == 4 and len(mailoutbox) == 4
    social.refresh_from_db()
    assert social.formed_at is not None and social.formed_by == manager
    assert ModelLogEntry.objects.for_instance(social).get().action == "strategy_forms.group_formed"


def test_a_group_with_fewer_accepted_than_its_minimum_cannot_be_formed(signup_page, social, people, manager):
    working_groups.accept(people[0], user=manager)
    with pytest.raises(working_groups.GroupCannotForm):
        working_groups.mark_group_formed(social, user=manager)
    social.refresh_from_db()
    assert social.formed_at is None and not decision_messages().exists()


def test_undo_before_forming_puts_the_signup_back_to_waiting_and_is_logged(signup_page, social, people, manager):
    working_groups.accept(people[0], user=manager)
    outcome = working_groups.undo_decision(people[0], user=manager)
    assert outcome.changed and outcome.signup.status == Status.PENDING
    actions = list(ModelLogEntry.objects.for_instance(people[0]).order_by("pk").values_list("action", flat=True))
    assert actions == ["strategy_forms.signup_accept", "strategy_forms.signup_undo"]
    # Undoing a sign-up without a decision changes nothing.
    assert not working_groups.undo_decision(people[1], user=manager).changed
    # The undone person is not told when the group forms.
    working_groups.accept(people[1], user=manager)
    working_groups.accept(people[2], user=manager)
    working_groups.mark_group_formed(social, user=manager)
    assert "osoba0@example.org" not in decision_messages().values_list("recipients", flat=True)


def test_undo_after_forming_is_refused_with_a_polish_message(signup_page, social, people, manager, client):
    for signup in people[:2]:
        working_groups.accept(signup, user=manager)
    working_groups.mark_group_formed(social, user=manager)
    with pytest.raises(working_groups.DecisionAlreadyAnnounced):
        working_groups.undo_decision(people[0], user=manager)
    client.force_login(manager)
    response = client.post(f"/admin/participation/sign-ups/{people[0].pk}/decide/", {"decision": "undo"}, follow=True)
    assert response.status_code == 200
    assert "nie można jej cofnąć" in response.content.decode()
    people[0].refresh_from_db()
    assert people[0].status == Status.ACCEPTED


def test_viability_shows_pending_beside_accepted(signup_page, social, people, manager):
    working_groups.accept(people[0], user=manager)
    counted = next(group for group in working_groups.groups_with_counts(signup_page) if group.pk == social.pk)
    assert (counted.accepted_count, counted.pending_count) == (1, 3)
    assert counted.can_be_formed and not counted.ready_to_form
    working_groups.accept(people[1], user=manager)
    counted = next(group for group in working_groups.groups_with_counts(signup_page) if group.pk == social.pk)
    assert counted.ready_to_form


def test_the_confirmation_screen_lists_who_is_told_and_the_post_forms_the_group(
    signup_page, social, people, manager, client
):
    for signup in people[:2]:
        working_groups.accept(signup, user=manager)
    client.force_login(manager)
    overview = client.get(f"/admin/participation/working-groups/{signup_page.pk}/").content.decode()
    assert f"/admin/participation/working-groups/group/{social.pk}/form/" in overview
    confirmation = client.get(f"/admin/participation/working-groups/group/{social.pk}/form/")
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "Osoba 0" in page and "Osoba 1" in page and "Osoba 2" not in page.split("<table")[1].split("</table>")[0]
    assert not decision_messages().exists()  # the GET only shows
    response = client.post(f"/admin/participation/working-groups/group/{social.pk}/form/")
    assert response.status_code == 302
    assert decision_messages().count() == 2
    assert client.post(f"/admin/participation/working-groups/group/{social.pk}/form/").status_code == 302
    assert decision_messages().count() == 2


def test_the_form_step_is_refused_to_editors_and_reviewers(signup_page, social, people, manager, client):
    for signup in people[:2]:
        working_groups.accept(signup, user=manager)
    reviewers = working_groups.create_reviewers_group(social)
    for user in (make_user("redaktor"), make_user("recenzent", groups=[reviewers])):
        client.force_login(user)
        assert client.post(f"/admin/participation/working-groups/group/{social.pk}/form/").status_code == 403
        for export_format in ("csv", "xlsx"):
            url = f"/admin/participation/working-groups/group/{social.pk}/members.{export_format}"
            assert client.get(url).status_code == 403
    social.refresh_from_db()
    assert social.formed_at is None


@pytest.fixture
def form_admin_user(db):
    # Manages the groups and may see personal data: the form administrators' role.
    return make_user("administrator", permissions=["manage_working_groups", "view_personal_data"])


def test_member_export_csv_and_xlsx_hold_only_accepted_people_with_formulas_neutralised(
    signup_page, social, manager, form_admin_user, client
):
    hostile = sign_up(signup_page, social, "zly@example.org", full_name="=HYPERLINK(\"http://x\";\"y\")")
    polite = sign_up(signup_page, social, "ewa@example.org", full_name="Ewa Łęcka")
    waiting = sign_up(signup_page, social, "czeka@example.org", full_name="Czekająca Osoba")
    for signup in (hostile, polite):
        working_groups.accept(signup, user=manager)
    client.force_login(form_admin_user)

    response = client.get(f"/admin/participation/working-groups/group/{social.pk}/members.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Imię i nazwisko", "E-mail"]
    names = {row[0] for row in rows[1:]}
    assert names == {"'=HYPERLINK(\"http://x\";\"y\")", "Ewa Łęcka"}
    assert waiting.full_name not in response.content.decode("utf-8-sig")

    response = client.get(f"/admin/participation/working-groups/group/{social.pk}/members.xlsx")
    assert response.status_code == 200
    assert 'filename="czlonkowie-grupy-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Imię i nazwisko"
    assert sorted(row[0] for row in values[1:]) == sorted(["'=HYPERLINK(\"http://x\";\"y\")", "Ewa Łęcka"])
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    # Each export is logged on the page (who, what, how many rows).
    exports = PageLogEntry.objects.filter(page=signup_page, action="strategy_forms.export")
    assert exports.count() == 2 and set(exports.values_list("user", flat=True)) == {form_admin_user.pk}


def test_manager_without_the_personal_data_permission_cannot_export(signup_page, social, manager, client):
    client.force_login(manager)
    assert client.get(f"/admin/participation/working-groups/group/{social.pk}/members.csv").status_code == 403
    assert client.get(f"/admin/participation/working-groups/group/{social.pk}/members.pdf").status_code == 403


def test_unknown_export_format_is_404(signup_page, social, form_admin_user, client):
    client.force_login(form_admin_user)
    assert client.get(f"/admin/participation/working-groups/group/{social.pk}/members.pdf").status_code == 404
    assert not Notification.objects.filter(Q(kind=wg_messages.SIGNUP_ACCEPTED)).exists()
