"""Working-group sign-up rules, group counts and viability, and the staff decisions with their e-mails."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from forms.models import WorkingGroupSignup
from forms.working_groups import services as working_groups
from tests.forms.fixtures_participation import make_signup_page, make_user

pytestmark = pytest.mark.django_db

Status = WorkingGroupSignup.Status


def sign_up(page, groups, email="Anna@Example.org", **fields):
    values = {"full_name": "Anna Kowalska", "represents": "mieszkaniec", "motivation": "Znam gminę.", **fields}
    return working_groups.sign_up(page, groups=groups, email=email, **values)


def form_data(groups, **overrides):
    return {
        "full_name": "Anna Kowalska",
        "email": "anna@example.org",
        "phone": "600 100 200",
        "represents": "mieszkaniec",
        "groups": [group.pk for group in groups],
        "motivation": "Pracuję w organizacji pozarządowej.",
        "consent": "on",
        **overrides,
    }


# Sign-up rules ----------------------------------------------------------------------------------


def test_sign_up_makes_one_pending_row_per_group_and_queues_two_messages(
    signup_page, groups, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = sign_up(signup_page, [groups["społeczna"], groups["przestrzenna"]])
    assert [outcome.created for outcome in outcomes] == [True, True]
    rows = WorkingGroupSignup.objects.order_by("group__sort_order")
    assert [(row.group.name, row.status, row.email) for row in rows] == [
        ("społeczna", Status.PENDING, "anna@example.org"),
        ("przestrzenna", Status.PENDING, "anna@example.org"),
    ]
    # One confirmation listing both groups, one message to staff.
    assert sorted(message.to[0] for message in mailoutbox) == ["anna@example.org", "biuro@example.org"]
    confirmation = next(message for message in mailoutbox if message.to == ["anna@example.org"])
    assert "społeczna" in confirmation.body and "przestrzenna" in confirmation.body


def test_nothing_is_sent_inside_the_request(signup_page, groups, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        sign_up(signup_page, [groups["społeczna"]])
    assert mailoutbox == []
    assert callbacks  # queued for after the commit


@pytest.mark.parametrize(
    ("opens_in", "closes_in"), [(timedelta(days=1), timedelta(days=5)), (-timedelta(days=5), -timedelta(minutes=1))]
)
def test_sign_up_outside_the_window_is_refused(site_root, areas, client, opens_in, closes_in):
    now = timezone.now()
    page = make_signup_page(site_root, opens=now + opens_in, closes=now + closes_in)
    group = page.working_groups.create(name="społeczna", area=areas["społeczny"])
    with pytest.raises(working_groups.SignupClosed):
        sign_up(page, [group])
    response = client.post(page.url, form_data([group]))
    assert response.status_code == 409
    assert not WorkingGroupSignup.objects.exists()


def test_the_same_email_twice_in_a_group_is_refused_ignoring_case(signup_page, groups):
    sign_up(signup_page, [groups["społeczna"]], email="anna@example.org")
    outcomes = sign_up(signup_page, [groups["społeczna"], groups["gospodarcza"]], email=" ANNA@example.org ")
    assert [(outcome.group.name, outcome.created) for outcome in outcomes] == [
        ("społeczna", False),
        ("gospodarcza", True),
    ]
    assert outcomes[0].message == working_groups.DUPLICATE_MESSAGE
    assert WorkingGroupSignup.objects.filter(group=groups["społeczna"]).count() == 1


def test_the_database_refuses_a_second_active_signup_but_allows_one_after_a_decline(signup_page, groups, manager):
    group = groups["społeczna"]
    first = sign_up(signup_page, [group])[0].signup
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingGroupSignup.objects.create(
            page=signup_page, group=group, full_name="X", email=first.email, represents="firma", motivation="-"
        )
    working_groups.decline(first, user=manager)
    assert sign_up(signup_page, [group])[0].created


def test_page_post_signs_up_and_shows_the_groups(signup_page, groups, client):
    response = client.post(signup_page.url, form_data([groups["środowiskowa"]]))
    assert response.status_code == 200
    assert "środowiskowa" in response.content.decode()
    signup = WorkingGroupSignup.objects.get()
    assert (signup.full_name, signup.phone, signup.represents) == ("Anna Kowalska", "600 100 200", "mieszkaniec")


def test_page_post_when_already_in_every_group_is_answered_like_a_new_one(signup_page, groups, client):
    client.post(signup_page.url, form_data([groups["środowiskowa"]]))
    response = client.post(signup_page.url, form_data([groups["środowiskowa"]]))
    # Issue 13: no enumeration; nothing stored twice, the owner of the address is told by e-mail.
    assert response.status_code == 200
    assert WorkingGroupSignup.objects.count() == 1


def test_consent_is_required(signup_page, groups, client):
    data = form_data([groups["społeczna"]])
    del data["consent"]
    response = client.post(signup_page.url, data)
    assert response.status_code == 400
    assert "consent" in response.context["form"].errors
    assert not WorkingGroupSignup.objects.exists()


def test_only_the_pages_open_groups_can_be_chosen(signup_page, groups, site_root, client):
    other_page = make_signup_page(site_root, slug="inne-grupy")
    foreign = other_page.working_groups.create(name="obca")
    response = client.post(signup_page.url, form_data([foreign]))
    assert response.status_code == 400
    assert "groups" in response.context["form"].errors


def test_the_form_shows_the_gdpr_consent_and_other_ways_to_sign_up(site_root, areas, client):
    page = make_signup_page(
        site_root, other_ways_text="Zgłoszenia należy dokonać mailowo lub telefonicznie:",
        signup_email="strategia@konstancinjeziorna.pl", signup_phones="(22) 484 23 90, (22) 484 23 92",
    )
    page.working_groups.create(name="społeczna", area=areas["społeczny"])
    html = client.get(page.url).content.decode()
    assert 'name="consent"' in html
    assert "(22) 484 23 90" in html and "(22) 484 23 92" in html
    assert 'data-domain="lp.anroizejnicnatsnok"' in html  # the protected e-mail of the site's contact block


# Groups: counts, viability, reviewers ---------------------------------------------------------


def test_groups_counts_against_the_minimum(signup_page, groups, manager):
    sign_up(signup_page, [groups["społeczna"], groups["gospodarcza"]], email="a@example.org")
    accepted = sign_up(signup_page, [groups["społeczna"]], email="b@example.org")[0].signup
    working_groups.accept(accepted, user=manager)
    declined = sign_up(signup_page, [groups["gospodarcza"]], email="c@example.org")[0].signup
    working_groups.decline(declined, user=manager)

    counted = {group.name: group for group in working_groups.groups_with_counts(signup_page)}
    social, economic = counted["społeczna"], counted["gospodarcza"]
    assert (social.pending_count, social.accepted_count, social.active_count) == (1, 1, 2)
    assert social.can_be_formed  # minimum 2
    assert (economic.pending_count, economic.accepted_count, economic.active_count) == (1, 0, 1)
    assert not economic.can_be_formed
    assert not counted["przestrzenna"].can_be_formed


def test_each_group_gets_a_reviewers_permission_group(groups):
    reviewers = groups["społeczna"].reviewers
    assert reviewers is not None
    assert "społeczna" in reviewers.name
    codenames = set(reviewers.permissions.values_list("codename", flat=True))
    assert {"access_admin", "assess_consultation_submissions"} <= codenames


# Decisions, moves, merges -----------------------------------------------------------------------


def test_decisions_in_a_formed_group_notify_the_person_once_per_decision(
    signup_page, groups, manager, mailoutbox, django_capture_on_commit_callbacks
):
    groups["społeczna"].minimum_members = 1
    groups["społeczna"].save()
    signup = sign_up(signup_page, [groups["społeczna"]])[0].signup
    sign_up(signup_page, [groups["społeczna"]], email="drugi@example.org")
    for other in groups["społeczna"].signups.exclude(pk=signup.pk):
        working_groups.accept(other, user=manager)
    working_groups.decline(signup, user=manager)
    working_groups.mark_group_formed(groups["społeczna"], user=manager)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert working_groups.accept(signup, user=manager).changed
    with django_capture_on_commit_callbacks(execute=True):
        assert not working_groups.accept(signup, user=manager).changed  # same decision: nothing new
    assert [message.to for message in mailoutbox] == [["anna@example.org"]]
    assert "społeczna" in mailoutbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        working_groups.decline(signup, user=manager)
    assert len(mailoutbox) == 2 and mailoutbox[1].to == ["anna@example.org"]
    assert mailoutbox[0].subject != mailoutbox[1].subject

    signup.refresh_from_db()
    assert signup.status == Status.DECLINED
    actions = list(ModelLogEntry.objects.for_instance(signup).order_by("pk").values_list("action", flat=True))
    assert actions == ["strategy_forms.signup_decline", "strategy_forms.signup_accept", "strategy_forms.signup_decline"]


def test_decisions_need_the_permission(signup_page, groups):
    signup = sign_up(signup_page, [groups["społeczna"]])[0].signup
    somebody = make_user("redaktor")
    with pytest.raises(PermissionDenied):
        working_groups.accept(signup, user=somebody)


def test_move_a_person_to_another_group(signup_page, groups, manager):
    signup = sign_up(signup_page, [groups["społeczna"]])[0].signup
    working_groups.move(signup, groups["gospodarcza"], user=manager)
    signup.refresh_from_db()
    assert signup.group == groups["gospodarcza"]
    assert ModelLogEntry.objects.for_instance(signup).get().action == "strategy_forms.signup_move"


def test_move_into_a_group_the_person_is_already_in_is_refused(signup_page, groups, manager):
    first, second = (outcome.signup for outcome in sign_up(signup_page, [groups["społeczna"], groups["gospodarcza"]]))
    with pytest.raises(working_groups.AlreadyInGroup):
        working_groups.move(first, groups["gospodarcza"], user=manager)


def test_merge_moves_signups_skips_people_already_in_the_target_and_closes_the_source(
    signup_page, groups, manager, client
):
    source, target = groups["gospodarcza"], groups["przestrzenna"]
    sign_up(signup_page, [source], email="only-source@example.org")
    sign_up(signup_page, [source, target], email="both@example.org")
    sign_up(signup_page, [target], email="only-target@example.org")

    outcome = working_groups.merge(source, target, user=manager)

    assert (outcome.moved, outcome.already_in_target) == (1, 1)
    assert sorted(target.signups.values_list("email", flat=True)) == [
        "both@example.org", "only-source@example.org", "only-target@example.org"
    ]
    kept = source.signups.get()
    assert (kept.email, kept.status) == ("both@example.org", Status.MERGED)
    source.refresh_from_db()
    assert source.merged_into == target
    assert source not in signup_page.open_groups()
    assert ModelLogEntry.objects.for_instance(source).get().action == "strategy_forms.group_merge"
    # The public form no longer offers the merged group.
    assert f'value="{source.pk}"' not in client.get(signup_page.url).content.decode()
    with pytest.raises(working_groups.InvalidMerge):
        working_groups.merge(source, target, user=manager)


# Admin screens ----------------------------------------------------------------------------------


def test_admin_overview_lists_groups_with_counts(signup_page, groups, manager, client):
    sign_up(signup_page, [groups["społeczna"]], email="a@example.org")
    sign_up(signup_page, [groups["społeczna"]], email="b@example.org")
    client.force_login(manager)
    response = client.get(f"/admin/participation/working-groups/{signup_page.pk}/")
    assert response.status_code == 200
    counted = {group.name: group for group in response.context["groups"]}
    assert counted["społeczna"].can_be_formed and not counted["gospodarcza"].can_be_formed
    assert "a@example.org" in response.content.decode()


def test_admin_accept_through_the_view_tells_nobody_before_the_group_is_formed(
    signup_page, groups, manager, client, mailoutbox, django_capture_on_commit_callbacks
):
    signup = sign_up(signup_page, [groups["społeczna"]])[0].signup
    mailoutbox.clear()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/participation/sign-ups/{signup.pk}/decide/", {"decision": "accept"})
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == Status.ACCEPTED
    assert mailoutbox == []


def test_admin_screens_refuse_users_without_the_permission(signup_page, groups, client):
    signup = sign_up(signup_page, [groups["społeczna"]])[0].signup
    client.force_login(make_user("redaktor"))
    assert client.get(f"/admin/participation/working-groups/{signup_page.pk}/").status_code == 403
    assert client.post(f"/admin/participation/sign-ups/{signup.pk}/decide/", {"decision": "accept"}).status_code == 403
    signup.refresh_from_db()
    assert signup.status == Status.PENDING
