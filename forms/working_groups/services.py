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
from ..phones import phone_key
from ..privacy.models import DataProtectionNotice
from . import messages
from .models import (
    STAFF_CHANNELS,
    Channel,
    GroupRecommendations,
    NoticeDelivery,
    RecommendedGoal,
    WorkingGroup,
    WorkingGroupSignup,
)

Status = WorkingGroupSignup.Status
RecommendationsState = GroupRecommendations.State

MANAGE_PERMISSION = "strategy_forms.manage_working_groups"
# What a reviewers' permission group can do: enter the admin and assess its area's submissions.
REVIEWER_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("strategy_forms", "assess_consultation_submissions"),
)

DUPLICATE_MESSAGE = _("You have already signed up for this group with this e-mail address.")
# What staff read when they enter a sign-up for someone already in the group.
DUPLICATE_EMAIL_STAFF_MESSAGE = _("A person with this e-mail address has already signed up for this group.")
DUPLICATE_PHONE_MESSAGE = _("A person with this phone number has already signed up for this group.")
ADD_ACTION = "strategy_forms.signup_add"


class WorkingGroupError(RegistrationError):
    message = _("The working-group sign-up could not be saved.")


class SignupClosed(WorkingGroupError):
    message = _("Sign-up for the working groups is not open at the moment.")


class AlreadyInGroup(WorkingGroupError):
    message = _("This person has already signed up for the target group.")


class InvalidMerge(WorkingGroupError):
    message = _("Choose two different, not yet merged groups of the same page.")


class RecommendationsError(WorkingGroupError):
    message = _("The recommendations could not be changed.")


class NothingToAgree(RecommendationsError):
    message = _("Save the recommendations first: there is no version to mark as agreed.")


class StaleVersion(RecommendationsError):
    message = _("The recommendations were changed meanwhile: check the newest version and mark it as agreed again.")


class NothingToHandOver(RecommendationsError):
    message = _("Only a version agreed by the group can be handed to the mayor.")


class GroupCannotForm(WorkingGroupError):
    message = _("The group cannot be formed yet: accept at least as many people as its minimum number of members.")


class DecisionAlreadyAnnounced(WorkingGroupError):
    message = _("The group has been formed and the person has been told the decision: it cannot be undone. "
                "Accept or decline the person instead.")


class InvalidEntry(WorkingGroupError):
    message = _("The sign-up could not be entered: check the channel, the date and the contact details.")


class ArrivedOutsideWindow(SignupClosed):
    message = _("The sign-up arrived when sign-up for the working groups was not open.")


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
class FormingOutcome:
    group: WorkingGroup
    changed: bool
    notified: int = 0


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
    """The page's groups with ``pending_count``, ``accepted_count``, ``active_count``, ``can_be_formed``
    (enough active sign-ups, pending ones counted beside the accepted, for the group's minimum) and
    ``ready_to_form`` (enough accepted people: the group may be marked as formed). Counted on every call."""
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
        group.ready_to_form = (
            not group.is_merged and not group.is_formed and group.accepted_count >= group.minimum_members
        )
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
    email = normalise_email(email)
    with transaction.atomic():
        outcomes = _create_signups(
            page, groups, now=now, full_name=full_name, email=email, phone=phone, represents=represents,
            motivation=motivation, channel=Channel.ONLINE, received_at=now, notice_delivery=NoticeDelivery.WEB_FORM,
            entered_by=None,
        )
        created = [outcome.signup for outcome in outcomes if outcome.created]
        if created:
            messages.queue_signup_received(page, created)
        existing = [outcome.signup for outcome in outcomes if outcome.duplicate and outcome.signup]
        if existing:
            messages.queue_duplicate_signup(page, existing, now)
    return outcomes


def enter_signup(page, *, user, channel, received_at, notice_delivery, groups, full_name, represents, email="",
                 phone="", motivation="", now=None):
    """A form administrator enters a sign-up that arrived by e-mail, phone, on paper or in person.

    The public form's rules hold: only the page's open groups, nobody twice in a group (by e-mail, or
    by phone number for a person without e-mail), and the sign-up window, measured at ``received_at``
    (when it reached the office), not at the moment it is typed in. The person gets the usual
    confirmation when they have an e-mail address; otherwise staff get a task to call them. Each row
    is a Wagtail log entry. Returns one ``SignupOutcome`` per group, like ``sign_up``.
    """
    _require_manager(user)
    now = now or timezone.now()
    email, phone = normalise_email(email), (phone or "").strip()
    _check_entry(channel, notice_delivery, received_at, email, phone, now)
    if not page.signup_is_open(received_at):
        raise ArrivedOutsideWindow()
    with transaction.atomic():
        outcomes = _create_signups(
            page, groups, now=now, full_name=full_name, email=email, phone=phone, represents=represents,
            motivation=motivation, channel=channel, received_at=received_at, notice_delivery=notice_delivery,
            entered_by=user,
        )
        created = [outcome.signup for outcome in outcomes if outcome.created]
        for signup in created:
            log(signup, ADD_ACTION, user=user, data={
                "group": signup.group.name, "channel": channel, "received_at": received_at.isoformat(),
                "notice_delivery": notice_delivery,
            })
        if created:
            if email:
                messages.queue_signup_received(page, created)
            else:
                messages.queue_signup_staff(page, created)
                messages.queue_signup_phone_task(page, created, user)
    return outcomes


def _check_entry(channel, notice_delivery, received_at, email, phone, now):
    if channel not in STAFF_CHANNELS:
        raise InvalidEntry(_("Choose how the sign-up arrived."))
    if notice_delivery not in NoticeDelivery.values:
        raise InvalidEntry(_("Choose how the person was given the data protection notice."))
    if received_at is None or received_at > now:
        raise InvalidEntry(_("The date of arrival cannot be in the future."))
    if not email and not phone_key(phone):
        raise InvalidEntry(_("Give the phone number or the e-mail address of the person."))


def _create_signups(page, groups, *, now, **fields):
    group_ids = sorted({group.pk if isinstance(group, WorkingGroup) else int(group) for group in groups})
    if not group_ids:
        raise ValueError("No group chosen.")
    chosen = {group.pk: group for group in page.open_groups().filter(pk__in=group_ids)}
    if len(chosen) != len(group_ids):
        raise ValueError(f"Groups {group_ids} are not all open groups of page {page.pk}.")
    fields.update(
        full_name=fields["full_name"].strip(), phone=(fields["phone"] or "").strip(),
        motivation=(fields["motivation"] or "").strip(), data_protection_notice=DataProtectionNotice.for_page(page),
    )
    return [_sign_up_for_group(page, chosen[group_id], now=now, **fields) for group_id in group_ids]


def _duplicate_message(fields):
    if not fields["email"]:
        return DUPLICATE_PHONE_MESSAGE
    return DUPLICATE_EMAIL_STAFF_MESSAGE if fields["entered_by"] is not None else DUPLICATE_MESSAGE


def _sign_up_for_group(page, group, *, now, **fields):
    existing = _active_in(group, fields["email"], phone_key(fields["phone"]))
    if existing is not None:
        if fields["entered_by"] is None:
            # The public form answers as for a new sign-up (it must not reveal who takes part); the
            # owner of the address is told by e-mail instead.
            return SignupOutcome(group, existing, message=DUPLICATE_MESSAGE, duplicate=True)
        # Staff entering a sign-up must know the person is already in the group.
        return SignupOutcome(group, message=_duplicate_message(fields))
    try:
        # The savepoint keeps the other groups if a unique constraint fires (a parallel request).
        with transaction.atomic():
            signup = WorkingGroupSignup.objects.create(
                page=page, group=group, form_data={}, status=Status.PENDING, status_changed_at=now, **fields
            )
    except IntegrityError:
        if fields["entered_by"] is None:
            return SignupOutcome(group, message=DUPLICATE_MESSAGE, duplicate=True)
        return SignupOutcome(group, message=_duplicate_message(fields))
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
    """Record the decision. Before the group is formed it stays internal (the person is told when staff
    mark the group as formed, ``mark_group_formed``); in a formed group the person is told at once.
    Deciding the same again changes (and sends) nothing."""
    _require_manager(user)
    now = now or timezone.now()
    with transaction.atomic():
        signup = _locked_signup(signup)
        if signup.status == status:
            return DecisionOutcome(signup, changed=False)
        if status == Status.ACCEPTED and signup.status == Status.MERGED:
            raise AlreadyInGroup()
        previous = _set_status(signup, status, now)
        action = "strategy_forms.signup_accept" if status == Status.ACCEPTED else "strategy_forms.signup_decline"
        log(signup, action, user=user, data={"group": signup.group.name, "previous_status": previous})
        if _group_formed(signup):
            messages.queue_signup_decision(signup, now, user=user)
    return DecisionOutcome(signup, changed=True)


def _set_status(signup, status, now):
    previous = signup.status
    signup.status, signup.status_changed_at = status, now
    try:
        with transaction.atomic():
            signup.save(update_fields=["status", "status_changed_at"])
    except IntegrityError as exc:
        # Re-activating a declined sign-up while the person signed up again meanwhile.
        raise AlreadyInGroup() from exc
    return previous


def _group_formed(signup):
    # Read under the group's row lock: marking the group as formed in parallel either sees this
    # decision (and tells the person) or comes first (and this decision is told at once).
    return WorkingGroup.objects.select_for_update().filter(pk=signup.group_id, formed_at__isnull=False).exists()


def undo_decision(signup, *, user, now=None):
    """Take back an accept or decline before the group is formed: the sign-up waits for a decision
    again and nobody is told anything. Refused once the group is formed (the person has been told)."""
    _require_manager(user)
    now = now or timezone.now()
    with transaction.atomic():
        signup = _locked_signup(signup)
        if signup.status not in (Status.ACCEPTED, Status.DECLINED):
            return DecisionOutcome(signup, changed=False)
        if _group_formed(signup):
            raise DecisionAlreadyAnnounced()
        previous = _set_status(signup, Status.PENDING, now)
        log(signup, "strategy_forms.signup_undo", user=user, data={
            "group": signup.group.name, "previous_status": previous,
        })
    return DecisionOutcome(signup, changed=True)


def mark_group_formed(group, *, user, now=None):
    """Staff mark the group as formed: everyone accepted is told, once (one outbox message per person,
    under a key that cannot repeat); the declined are told too. Marking again changes and sends nothing.
    Refused while fewer people are accepted than the group's minimum (``GroupCannotForm``)."""
    _require_manager(user)
    now = now or timezone.now()
    with transaction.atomic():
        group = WorkingGroup.objects.select_for_update().select_related("page").get(pk=group.pk)
        if group.is_formed:
            return FormingOutcome(group, changed=False)
        if group.is_merged:
            raise InvalidMerge()
        decided = list(
            group.signups.select_for_update().filter(status__in=(Status.ACCEPTED, Status.DECLINED)).order_by("pk")
        )
        accepted = [signup for signup in decided if signup.status == Status.ACCEPTED]
        if len(accepted) < group.minimum_members:
            raise GroupCannotForm()
        group.formed_at, group.formed_by = now, user
        group.save(update_fields=["formed_at", "formed_by"])
        for signup in decided:
            signup.group = group
            messages.queue_group_formed_decision(signup, user=user)
        log(group, "strategy_forms.group_formed", user=user, data={
            "accepted": len(accepted), "declined": len(decided) - len(accepted),
        })
    return FormingOutcome(group, changed=True, notified=len(accepted))


def group_members(group):
    """The accepted people of a group, for the members' list and its export."""
    return group.signups.filter(status=Status.ACCEPTED).select_related("entered_by").order_by("full_name", "pk")


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
        if signup.is_active and _active_in(to_group, signup.email, signup.phone_key):
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
            if signup.is_active and _active_in(target, signup.email, signup.phone_key):
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


def _active_in(group, email, phone_digits=""):
    """The person's active sign-up in ``group`` (by e-mail; without one, by phone number), or None.

    A person without e-mail matches anyone in the group with the same phone number, with or without
    an e-mail address: staff must not add by phone someone who already signed up online."""
    active = group.signups.filter(status__in=WorkingGroupSignup.ACTIVE_STATUSES)
    if email:
        return active.filter(email=email).order_by("pk").first()
    if not phone_digits:
        return None
    return active.filter(phone_key=phone_digits).order_by("pk").first()


def page_tree_has_participation_data(page):
    """True when the page or a page below it has working groups or sign-ups (never lost by deleting pages)."""
    return WorkingGroup.objects.filter(page__path__startswith=page.path).exists()


# Recommendations -----------------------------------------------------------------------------
#
# Who may change a group's recommendations: the group's own reviewers and the form administrators
# (permission ``manage_working_groups``; superusers). Handing a version to the mayor is the office's
# step: form administrators only.


def recommendations_for(group):
    """The group's recommendations document, created on first use (one per group)."""
    document, _created = GroupRecommendations.objects.get_or_create(group=group)
    return document


def reviewed_group_ids(user):
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(WorkingGroup.objects.filter(reviewers__user=user).values_list("pk", flat=True))


def can_edit_recommendations(user, group):
    if not user.is_authenticated or not user.is_active:
        return False
    return can_manage(user) or group.pk in reviewed_group_ids(user)


def can_open_recommendations(user):
    """Whether the user has any recommendations to open (a reviewer of some group, or a form administrator)."""
    return bool(user.is_authenticated and user.is_active and (can_manage(user) or reviewed_group_ids(user)))


def recommendations_editable_by(user):
    documents = GroupRecommendations.objects.select_related("group", "group__area")
    if not (user.is_authenticated and user.is_active):
        return documents.none()
    if can_manage(user):
        return documents
    return documents.filter(group_id__in=reviewed_group_ids(user))


def can_hand_over(user):
    return can_manage(user)


def goal_trend_choices(group):
    """The trends a goal of ``group`` may rest on: those of the group's area."""
    trend_model = RecommendedGoal._meta.get_field("trends").related_model
    return trend_model.objects.filter(area_id=group.area_id).order_by("name") if group.area_id else (
        trend_model.objects.none()
    )


def goal_submission_choices(group):
    """The submissions a goal of ``group`` may rest on: accepted for review in the group's area, and assessed."""
    submission_model = RecommendedGoal._meta.get_field("submissions").related_model
    if not group.area_id:
        return submission_model.objects.none()
    return submission_model.objects.filter(
        area_id=group.area_id, status=submission_model.Status.ACCEPTED, assessment__isnull=False
    ).order_by("reference")


def _locked_document(document):
    return GroupRecommendations.objects.select_for_update(of=("self",)).select_related("group").get(pk=document.pk)


def _goals_summary(revision):
    version = revision.as_object()
    return [goal.title for goal in version.goals.all()]


def agree(document, *, user, revision, note="", now=None):
    """Mark ``revision`` (the version the user has read) as agreed by the group; the public report
    shows it from now on. Refused when a newer version was saved meanwhile (``StaleVersion``).
    Returns the document; agreeing the already agreed version again changes nothing."""
    now = now or timezone.now()
    note = " ".join((note or "").split())[:300]
    with transaction.atomic():
        document = _locked_document(document)
        if not can_edit_recommendations(user, document.group):
            raise PermissionDenied
        if document.latest_revision_id is None:
            raise NothingToAgree()
        if revision is None or revision.pk != document.latest_revision_id:
            raise StaleVersion()
        if document.agreed_revision_id == revision.pk and document.state != RecommendationsState.DRAFT:
            return document
        previous = document.agreed_revision_id
        document.agreed_revision_id = revision.pk
        document.agreed_at, document.agreed_by, document.agreement_note = now, user, note
        document.state = RecommendationsState.AGREED
        document.save(update_fields=["agreed_revision", "agreed_at", "agreed_by", "agreement_note", "state"])
        log(document, "strategy_forms.recommendations_agree", user=user, revision=revision, data={
            "revision": revision.pk, "previous_revision": previous, "note": note,
            "goals": _goals_summary(revision),
        })
    return document


def hand_over(document, *, user, now=None):
    """Record that the agreed version was handed to the mayor (form administrators: the office's step)."""
    if not can_hand_over(user):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        document = _locked_document(document)
        if document.agreed_revision_id is None:
            raise NothingToHandOver()
        if document.state == RecommendationsState.HANDED_OVER and (
            document.handed_over_revision_id == document.agreed_revision_id
        ):
            return document
        document.handed_over_revision_id = document.agreed_revision_id
        document.handed_over_at, document.handed_over_by = now, user
        document.state = RecommendationsState.HANDED_OVER
        document.save(update_fields=["handed_over_revision", "handed_over_at", "handed_over_by", "state"])
        log(document, "strategy_forms.recommendations_hand_over", user=user, revision=document.agreed_revision,
            data={"revision": document.agreed_revision_id})
    return document


def agreed_recommendations():
    """Every open group's agreed recommendations, for the public report: (document, agreed version) pairs,
    in the groups' order. The version is the pinned revision, never the draft being edited."""
    documents = (
        GroupRecommendations.objects.filter(agreed_revision__isnull=False, group__merged_into__isnull=True)
        .select_related("group", "group__area", "agreed_revision")
        .order_by("group__sort_order", "group__pk")
    )
    return [(document, document.agreed_version()) for document in documents]
