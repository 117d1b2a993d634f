"""Every rule about working groups: signing up, deciding, moving people and merging groups.

The sign-up page, the admin views and the demo call these functions; each public function that
writes is one database transaction. Duplicates (one person twice in a group) are prevented by a
partial unique constraint on (group, e-mail) over active sign-ups, which holds under concurrency;
the service turns its violation into a readable outcome. Messages go through the outbox
(``messages.py``) and every decision is a Wagtail log entry.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from ..exceptions import RegistrationError
from . import messages
from .models import WorkingGroup, WorkingGroupSignup

Status = WorkingGroupSignup.Status

MANAGE_PERMISSION = "strategy_forms.manage_working_groups"
# What a reviewers' permission group can do: enter the admin and assess its area's submissions.
REVIEWER_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("strategy_forms", "assess_consultation_submissions"),
)

DUPLICATE_MESSAGE = _("You have already signed up for this group with this e-mail address.")


class WorkingGroupError(RegistrationError):
    message = _("The working-group sign-up could not be saved.")


class SignupClosed(WorkingGroupError):
    message = _("Sign-up for the working groups is not open at the moment.")


class AlreadyInGroup(WorkingGroupError):
    message = _("This person has already signed up for the target group.")


class InvalidMerge(WorkingGroupError):
    message = _("Choose two different, not yet merged groups of the same page.")


@dataclass(frozen=True)
class SignupOutcome:
    group: WorkingGroup
    signup: WorkingGroupSignup | None = None
    message: str = ""
    # Already signed up with this address: nothing stored, the owner is told by e-mail, and the public
    # answer is the same as for a new sign-up (it must not reveal who takes part).
    duplicate: bool = False

    @property
    def created(self):
        return self.signup is not None and not self.duplicate


@dataclass(frozen=True)
class DecisionOutcome:
    signup: WorkingGroupSignup
    changed: bool


@dataclass(frozen=True)
class MergeOutcome:
    source: WorkingGroup
    target: WorkingGroup
    moved: int
    already_in_target: int


def normalise_email(email):
    return email.strip().lower()


def can_manage(user):
    return user.is_active and user.has_perm(MANAGE_PERMISSION)


def _require_manager(user):
    if not can_manage(user):
        raise PermissionDenied


# Groups --------------------------------------------------------------------------------------


def create_reviewers_group(group):
    """Create (or reuse, by name) the permission group of the group's reviewers and link it."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        name = (gettext("Working group: %(name)s – reviewers") % {"name": group.name})[:150]
        reviewers, created = Group.objects.get_or_create(name=name)
        if created:
            for app_label, codename in REVIEWER_PERMISSIONS:
                permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
                if permission is not None:
                    reviewers.permissions.add(permission)
        WorkingGroup.objects.filter(pk=group.pk).update(reviewers=reviewers)
        group.reviewers = reviewers
    return reviewers


def groups_with_counts(page):
    """The page's groups with ``pending_count``, ``accepted_count``, ``active_count`` and
    ``can_be_formed`` (enough active sign-ups for the group's minimum). Counted on every call."""
    groups = list(
        page.working_groups.select_related("area", "merged_into", "reviewers")
        .annotate(
            pending_count=Count("signups", filter=Q(signups__status=Status.PENDING)),
            accepted_count=Count("signups", filter=Q(signups__status=Status.ACCEPTED)),
        )
        .order_by("sort_order", "pk")
    )
    for group in groups:
        group.active_count = group.pending_count + group.accepted_count
        group.can_be_formed = not group.is_merged and group.active_count >= group.minimum_members
    return groups


# Signing up ----------------------------------------------------------------------------------


def sign_up(page, *, groups, full_name, email, represents, motivation, phone="", enforce_window=True, now=None):
    """Sign one person up for one or more groups of ``page``: one row per group, in one transaction.

    Returns one ``SignupOutcome`` per group; a group the person is already in is refused (no row).
    Raises ``SignupClosed`` outside the sign-up window and ``ValueError`` for a group that is not
    open on the page (the form offers only those).
    """
    now = now or timezone.now()
    if enforce_window and not page.signup_is_open(now):
        raise SignupClosed()
    group_ids = sorted({group.pk if isinstance(group, WorkingGroup) else int(group) for group in groups})
    if not group_ids:
        raise ValueError("No group chosen.")
    email = normalise_email(email)
    outcomes = []
    with transaction.atomic():
        chosen = {group.pk: group for group in page.open_groups().filter(pk__in=group_ids)}
        if len(chosen) != len(group_ids):
            raise ValueError(f"Groups {group_ids} are not all open groups of page {page.pk}.")
        for group_id in group_ids:
            outcomes.append(
                _sign_up_for_group(
                    page, chosen[group_id], full_name=full_name.strip(), email=email, phone=phone.strip(),
                    represents=represents, motivation=motivation.strip(), now=now,
                )
            )
        created = [outcome.signup for outcome in outcomes if outcome.created]
        if created:
            messages.queue_signup_received(page, created)
        existing = [outcome.signup for outcome in outcomes if outcome.duplicate and outcome.signup]
        if existing:
            messages.queue_duplicate_signup(page, existing, now)
    return outcomes


def _sign_up_for_group(page, group, **fields):
    existing = group.signups.filter(email=fields["email"], status__in=WorkingGroupSignup.ACTIVE_STATUSES).first()
    if existing is not None:
        return SignupOutcome(group, existing, message=DUPLICATE_MESSAGE, duplicate=True)
    now = fields.pop("now")
    try:
        # The savepoint keeps the other groups if the unique constraint fires (a parallel request).
        with transaction.atomic():
            signup = WorkingGroupSignup.objects.create(
                page=page, group=group, form_data={}, status=Status.PENDING, status_changed_at=now, **fields
            )
    except IntegrityError:
        return SignupOutcome(group, message=DUPLICATE_MESSAGE, duplicate=True)
    return SignupOutcome(group, signup)


# Staff decisions -----------------------------------------------------------------------------


def _locked_signup(signup):
    return WorkingGroupSignup.objects.select_for_update(of=("self",)).select_related("group", "group__page").get(
        pk=signup.pk
    )


def accept(signup, *, user, now=None):
    return _decide(signup, Status.ACCEPTED, user=user, now=now)


def decline(signup, *, user, now=None):
    return _decide(signup, Status.DECLINED, user=user, now=now)


def _decide(signup, status, *, user, now=None):
    """Set the decision and tell the person; deciding the same again changes (and sends) nothing."""
    _require_manager(user)
    now = now or timezone.now()
    with transaction.atomic():
        signup = _locked_signup(signup)
        if signup.status == status:
            return DecisionOutcome(signup, changed=False)
        if status == Status.ACCEPTED and signup.status == Status.MERGED:
            raise AlreadyInGroup()
        previous = signup.status
        signup.status, signup.status_changed_at = status, now
        try:
            with transaction.atomic():
                signup.save(update_fields=["status", "status_changed_at"])
        except IntegrityError as exc:
            # Re-accepting a declined sign-up while the person signed up again meanwhile.
            raise AlreadyInGroup() from exc
        action = "strategy_forms.signup_accept" if status == Status.ACCEPTED else "strategy_forms.signup_decline"
        log(signup, action, user=user, data={"group": signup.group.name, "previous_status": previous})
        messages.queue_signup_decision(signup, now)
    return DecisionOutcome(signup, changed=True)


def move(signup, to_group, *, user, now=None):
    """Move a sign-up (with its status) to another open group of the same page."""
    _require_manager(user)
    with transaction.atomic():
        signup = _locked_signup(signup)
        to_group = WorkingGroup.objects.select_for_update().get(pk=to_group.pk)
        if to_group.page_id != signup.group.page_id or to_group.is_merged:
            raise InvalidMerge()
        if to_group.pk == signup.group_id:
            return signup
        if signup.is_active and _active_in(to_group, signup.email):
            raise AlreadyInGroup()
        from_group = signup.group
        signup.group = to_group
        signup.save(update_fields=["group"])
        log(signup, "strategy_forms.signup_move", user=user, data={"from": from_group.name, "to": to_group.name})
    return signup


def merge(source, target, *, user, now=None):
    """Merge group ``source`` into ``target``: its sign-ups move, except people already in ``target``
    (kept in ``source`` with the status "merged", for the record); ``source`` is closed."""
    _require_manager(user)
    now = now or timezone.now()
    with transaction.atomic():
        # Lock in id order so two merges cannot deadlock.
        locked = {
            group.pk: group
            for group in WorkingGroup.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
        }
        source, target = locked.get(source.pk), locked.get(target.pk)
        if (
            source is None or target is None or source.pk == target.pk or source.page_id != target.page_id
            or source.is_merged or target.is_merged
        ):
            raise InvalidMerge()
        moved = duplicates = 0
        for signup in source.signups.select_for_update().order_by("pk"):
            if signup.is_active and _active_in(target, signup.email):
                signup.status, signup.status_changed_at = Status.MERGED, now
                signup.save(update_fields=["status", "status_changed_at"])
                duplicates += 1
            else:
                signup.group = target
                signup.save(update_fields=["group"])
                moved += 1
        source.merged_into = target
        source.save(update_fields=["merged_into"])
        data = {"from": source.name, "to": target.name, "moved": moved, "already_in_target": duplicates}
        log(source, "strategy_forms.group_merge", user=user, data=data)
        log(target, "strategy_forms.group_merge", user=user, data=data)
    return MergeOutcome(source, target, moved, duplicates)


def _active_in(group, email):
    return group.signups.filter(email=email, status__in=WorkingGroupSignup.ACTIVE_STATUSES).exists()


def page_tree_has_participation_data(page):
    """True when the page or a page below it has working groups or sign-ups (never lost by deleting pages)."""
    return WorkingGroup.objects.filter(page__path__startswith=page.path).exists()
