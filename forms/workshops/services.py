"""Every rule about places in workshop sessions.

The page's ``serve``, the cancel view, the admin and the task queue call these
functions; nothing else decides capacity. Each public function is one database
transaction. The session row is locked before places are counted, so two
requests for the last place are serialised: PostgreSQL takes a row lock
(SELECT ... FOR UPDATE) and SQLite runs every transaction as BEGIN IMMEDIATE
(see ``SQLITE_OPTIONS`` in the settings), which holds the database write lock
from the start of the transaction.
"""

from dataclasses import dataclass, replace
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.log_actions import log

from strategy_pages.caching import prepared_public_pages
from strategy_pages.navigation import PAGE_LINK_FIELDS
from strategy_pages.prepared import prepared_query

from ..phones import phone_key
from . import messages
from .exceptions import (
    CapacityBelowConfirmed,
    CheckInRefused,
    InvalidSubmissionLink,
    MoveRefused,
    NothingToRegister,
    OfferNotOpen,
    RegistrationClosed,
    SessionStarted,
)
from .models import (
    Registration,
    WorkshopPage,
    WorkshopSession,
    WorkshopSubmission,
    new_check_in_code,
    normalise_check_in_code,
    open_offer_filter,
    set_places_left,
    takes_place_filter,
)
from .tokens import (  # noqa: F401 - part of the service's interface
    cancel_token,
    offer_token,
    registration_from_cancel_token,
    registration_from_offer_token,
    result_from_token,
    result_token,
    submission_from_token,
    submission_token,
)

Status = Registration.Status

REFUSED = "refused"
# Already registered (confirmed or waitlisted) with this address: nothing stored, the owner of the
# address is told by e-mail; the public answer is the same as for a new registration (no enumeration).
DUPLICATE = "duplicate"
DUPLICATE_MESSAGE = _("You are already registered for this session with this e-mail address.")
FULL_MESSAGE = _("There are no places left in this session.")
PHONE_DUPLICATE_MESSAGE = _("A person with this phone number and no e-mail address is already registered for "
                            "this session.")
CALL_MADE_ACTION = "strategy_forms.registration_call_made"
ATTENDANCE_TOO_EARLY_MESSAGE = _("Attendance can be marked from the day of the session.")
SESSION_CANCELLED_MESSAGE = _("This session has been cancelled.")
OFFER_SESSION_STARTED_MESSAGE = _("This session has already started, so the place can no longer be accepted.")
PAGE_HAS_REGISTRATIONS_MESSAGE = _(
    "This page (or a page below it) has workshop registrations and cannot be deleted. Unpublish it instead."
)


@dataclass(frozen=True)
class SessionOutcome:
    """What happened to one session of a submission."""

    session: WorkshopSession
    status: str  # one of Registration.Status, or REFUSED
    registration: Registration | None = None
    waitlist_position: int | None = None
    message: str = ""
    # The submission the person's online post created (its "Moje zgłoszenie" page); None for staff entries.
    submission: WorkshopSubmission | None = None

    @property
    def confirmed(self):
        return self.status == Status.CONFIRMED

    @property
    def waitlisted(self):
        return self.status == Status.WAITLISTED

    @property
    def refused(self):
        return self.status == REFUSED

    @property
    def duplicate(self):
        return self.status == DUPLICATE


@dataclass(frozen=True)
class CancelOutcome:
    registration: Registration
    already_cancelled: bool
    promoted: Registration | None


def normalise_email(email):
    return (email or "").strip().lower()


def _active_registration(session, email, phone):
    """The active registration of this person in the session: by e-mail, or — for a person without
    one — by the phone number's digits (``phones.phone_key``: spaces, dashes and +48 do not matter)."""
    active = session.registrations.filter(status__in=Registration.ACTIVE_STATUSES)
    if email:
        return active.filter(email=email).first()
    digits = phone_key(phone)
    if not digits:
        return None
    return next((r for r in active.filter(email="").exclude(phone="") if phone_key(r.phone) == digits), None)


def _lock_session(session_id):
    return WorkshopSession.objects.select_for_update(of=("self",)).select_related("page").get(pk=session_id)


def _confirmed_count(session):
    return session.registrations.filter(status=Status.CONFIRMED).count()


def _taken_count(session):
    """Places held now: confirmed registrations and open offers (what every capacity decision counts)."""
    return session.registrations.filter(takes_place_filter()).count()


def _holds_place(registration):
    return registration.status == Status.CONFIRMED or registration.has_open_offer


def waitlist_position(registration):
    """1 for the first person waiting, 2 for the next… (FIFO by arrival)."""
    return registration.waitlist_position()


def sessions_with_places(page):
    """The page's sessions, each annotated with ``confirmed_count`` and ``places_left``, counted now."""
    return page.sessions_with_places()


@prepared_query(moments=("now",))
def _sessions_from(now):
    return WorkshopSession.objects.filter(starts_at__gte=now, page__live=True).with_places().order_by("starts_at", "pk")


@prepared_public_pages(maxsize=1024)
def _live_workshop_links(page_ids, public_only=False):
    pages = WorkshopPage.objects.live().filter(pk__in=page_ids).only(*PAGE_LINK_FIELDS)
    return pages.public() if public_only else pages


def upcoming_workshops(limit=3, now=None):
    """Live, public workshop pages with sessions still to come, soonest first, each with
    ``upcoming_sessions`` annotated like ``sessions_with_places`` and ``next_start``. Two queries plus
    Wagtail's view-restriction lookup, whatever the number of pages and sessions; never cached.

    The upcoming sessions come first, counted; then the pages they belong to, with only what a link to
    them shows. Grouping the pages by their sessions in SQL instead (``Min`` with a join) makes a GROUP BY
    of every page column, which costs more to build than both queries take to run."""
    sessions = _sessions_from(now=now or timezone.now())
    sessions_by_page = {}
    for session in sessions:
        sessions_by_page.setdefault(session.page_id, []).append(session)
    if not sessions_by_page:
        return []
    pages = _live_workshop_links(tuple(sorted(sessions_by_page)))
    for page in pages:
        page.upcoming_sessions = set_places_left(sessions_by_page[page.pk])
        page.next_start = page.upcoming_sessions[0].starts_at
        for session in page.upcoming_sessions:
            WorkshopSession.page.field.set_cached_value(session, page)
    pages.sort(key=lambda page: (page.next_start, page.pk))
    return pages[:limit]


def page_tree_has_registrations(page):
    """True when the page or any page below it holds registrations (they must never be lost)."""
    return Registration.objects.filter(page__path__startswith=page.path).exists()


def register(
    page,
    *,
    sessions,
    full_name,
    email,
    phone="",
    form_data=None,
    source=Registration.Source.ONLINE,
    enforce_window=True,
    duplicates_refused=False,
    submission=None,
    now=None,
):
    """Register one person for one or more sessions of ``page``.

    Each session is decided on its own (confirmed, waitlisted or refused) inside
    one transaction, so a submission is stored whole or not at all. Raises
    ``RegistrationClosed`` outside the registration window, and ``ValueError`` for a
    session that does not belong to the page (the form rejects those first).

    An address already registered for a session gets a DUPLICATE outcome (nothing stored, its owner is
    told by e-mail) so that the public answer does not reveal who takes part; staff
    (``duplicates_refused=True``) get a REFUSED outcome with the reason instead.

    An online post groups its new registrations in a ``WorkshopSubmission`` (or adds them to
    ``submission``): a post for several sessions gets one confirmation listing every session and one
    staff message (``messages.submission_created``); a post for one session keeps that session's own
    messages, which link to the submission's page too.
    """
    now = now or timezone.now()
    if enforce_window and not page.registration_is_open(now):
        raise RegistrationClosed()
    session_ids = sorted({s.pk if isinstance(s, WorkshopSession) else int(s) for s in sessions})
    if not session_ids:
        raise ValueError("No session chosen.")
    email = normalise_email(email)
    grouped = submission is None and source == Registration.Source.ONLINE and len(session_ids) > 1
    outcomes = []
    with transaction.atomic():
        if submission is None and source == Registration.Source.ONLINE:
            submission = WorkshopSubmission.objects.create(page=page, created_at=now)
        # With a per-person limit, every session of the workshop is locked (the person's other sessions
        # are counted under the same locks as the places); in id order so that nothing can deadlock.
        limit = page.max_sessions_per_person
        locked = _lock_page_sessions(page) if limit else {}
        for session_id in session_ids:
            session = locked.get(session_id) or _lock_session(session_id)
            if session.page_id != page.pk:
                raise ValueError(f"Session {session_id} does not belong to page {page.pk}.")
            if limit and _over_session_limit(page, session, email, phone, limit):
                outcomes.append(SessionOutcome(session, REFUSED, message=session_limit_message(limit)))
                continue
            outcomes.append(
                _register_for_locked_session(
                    page, session, full_name=full_name, email=email, phone=phone,
                    form_data=form_data or {}, source=source, now=now, duplicates_refused=duplicates_refused,
                    submission=submission, individual_messages=not grouped,
                )
            )
        created = [outcome for outcome in outcomes if outcome.confirmed or outcome.waitlisted]
        if submission is not None and not created and not submission.registrations.exists():
            submission.delete()
            submission = None
        if grouped and submission is not None:
            submission.other_outcomes = {
                str(outcome.session.pk): outcome.status for outcome in outcomes if outcome.refused or outcome.duplicate
            }
            submission.save(update_fields=["other_outcomes"])
            messages.submission_created(submission)
        else:
            # Nothing new to confirm in one message: the owner of an already registered address hears of it.
            for outcome in outcomes:
                if outcome.duplicate and outcome.registration is not None:
                    messages.duplicate_registration(outcome.registration, now)
    return [replace(outcome, submission=submission) for outcome in outcomes]


def session_limit_message(limit):
    return ngettext(
        "You can register for at most %(limit)d session of this workshop.",
        "You can register for at most %(limit)d sessions of this workshop.",
        limit,
    ) % {"limit": limit}


def _lock_page_sessions(page):
    ids = WorkshopSession.objects.filter(page_id=page.pk).order_by("pk").values_list("pk", flat=True)
    return {session_id: _lock_session(session_id) for session_id in ids}


def _person_filter(email, phone):
    """The person's active registrations, matched as ``_active_registration`` matches them."""
    if email:
        return lambda registrations: registrations.filter(email=email)
    digits = phone_key(phone)
    return lambda registrations: [
        r for r in registrations.filter(email="").exclude(phone="") if digits and phone_key(r.phone) == digits
    ]


def _over_session_limit(page, session, email, phone, limit):
    """True when the person already holds ``limit`` active registrations in other sessions of the page
    (a repeated registration for a session they hold is not a new one: it is answered as a duplicate)."""
    active = Registration.objects.filter(session__page_id=page.pk, status__in=Registration.ACTIVE_STATUSES)
    mine = _person_filter(email, phone)(active)
    sessions = {registration.session_id for registration in mine}
    return session.pk not in sessions and len(sessions) >= limit


def _register_for_locked_session(page, session, *, full_name, email, phone, form_data, source, now,
                                 duplicates_refused=False, submission=None, individual_messages=True,
                                 announce=True):
    """``duplicates_refused``: staff moves and entries are told of a duplicate (REFUSED); a public post
    gets a DUPLICATE outcome that it answers like any other (the caller tells the address's owner).
    ``individual_messages=False``: the submission's one confirmation speaks for this registration.
    ``announce=False``: the caller records the person's message itself (a move)."""
    if session.is_cancelled:
        return SessionOutcome(session, REFUSED, message=SESSION_CANCELLED_MESSAGE)
    existing = _active_registration(session, email, phone)
    if existing is not None and duplicates_refused:
        return SessionOutcome(session, REFUSED, message=DUPLICATE_MESSAGE if email else PHONE_DUPLICATE_MESSAGE)
    has_place = _taken_count(session) < session.capacity
    if not has_place and not page.waitlist_enabled:
        # What anybody would be told: the same whether the address is registered or not.
        return SessionOutcome(session, REFUSED, message=FULL_MESSAGE)
    if existing is not None:
        return SessionOutcome(session, DUPLICATE, existing)
    status = Status.CONFIRMED if has_place else Status.WAITLISTED
    try:
        # The savepoint keeps the rest of the submission if the unique constraint fires.
        with transaction.atomic():
            registration = Registration.objects.create(
                page=page, session=session, full_name=full_name.strip(), email=email, phone=phone.strip(),
                form_data=form_data, status=status, source=source, status_changed_at=now, submission=submission,
                check_in_code=new_check_in_code(),
            )
    except IntegrityError:
        if duplicates_refused:
            return SessionOutcome(session, REFUSED, message=DUPLICATE_MESSAGE)
        return SessionOutcome(session, DUPLICATE)
    _remember_announced(session)
    if announce:
        messages.registration_created(registration, notify_person_and_staff=individual_messages)
    position = waitlist_position(registration) if status == Status.WAITLISTED else None
    return SessionOutcome(session, status, registration, waitlist_position=position)


def _set_cancelled(registration, now):
    # A cancelled registration has no place, so nothing to attend, and no offer holds a place for it.
    registration.status = Status.CANCELLED
    registration.cancelled_at = registration.status_changed_at = now
    registration.attended = None
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "cancelled_at", "status_changed_at", "attended", "offer_expires_at"])


def cancel(registration, *, by_staff=False, now=None):
    """Cancel a registration; a freed place goes to the first person waiting, in the same transaction.

    A person's own cancellation (the link) is refused with ``SessionStarted`` once the session has
    started; staff may still cancel, but nobody is promoted into a session that has started."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            return CancelOutcome(registration, already_cancelled=True, promoted=None)
        if not by_staff and session_has_started(session, now):
            raise SessionStarted()
        was_confirmed = registration.status == Status.CONFIRMED
        held_place = _holds_place(registration)
        _set_cancelled(registration, now)
        messages.registration_cancelled(registration, by_staff=by_staff, had_calendar_entry=was_confirmed)
        promoted = _promote_waiters(session, now) if held_place else []
    return CancelOutcome(registration, already_cancelled=False, promoted=promoted[0] if promoted else None)


@dataclass(frozen=True)
class CancellationPreview:
    """What cancelling these registrations would do, for staff to confirm first."""

    cancelled: list
    already_cancelled: list
    promoted: list

    @property
    def mailed(self):
        return [r for r in self.cancelled if r.email]

    @property
    def not_mailed(self):
        return [r for r in self.cancelled if not r.email]


def _cancellation_order(registrations):
    # Waiters first, so that cancelling a place does not promote someone who is being cancelled too;
    # sessions in id order, as every multi-session lock is taken.
    return sorted(registrations, key=lambda r: (r.session_id, r.status != Status.WAITLISTED, r.pk))


def preview_cancellation(registrations, now=None):
    """Who would be cancelled, who gets a cancellation e-mail and who would be promoted from each
    session's waitlist (by the rules of ``cancel``), without changing anything."""
    now = now or timezone.now()
    registrations = list(Registration.objects.filter(pk__in=[r.pk for r in registrations])
                         .select_related("session", "session__page").order_by("session_id", "pk"))
    cancelled = [r for r in registrations if r.status != Status.CANCELLED]
    promoted = []
    for session_id in sorted({r.session_id for r in cancelled}):
        in_session = [r for r in cancelled if r.session_id == session_id]
        session = in_session[0].session
        if session_has_started(session, now):
            continue
        freed = sum(1 for r in in_session if _holds_place(r))
        if not freed or _automatic_places_paused(session, now):
            continue
        free = session.capacity - _taken_count(session) + freed
        leaving = {r.pk for r in in_session}
        waiters = (session.registrations.filter(status=Status.WAITLISTED, offer_expires_at__isnull=True)
                   .exclude(pk__in=leaving).order_by("id"))
        promoted.extend(waiters.select_related("session")[:max(free, 0)])
    return CancellationPreview(cancelled, [r for r in registrations if r.status == Status.CANCELLED], promoted)


def cancel_many(registrations, *, by_staff=False, now=None):
    """Cancel several registrations in one transaction (staff's bulk action); returns the outcomes of
    those that were not cancelled already."""
    now = now or timezone.now()
    with transaction.atomic():
        outcomes = [cancel(r, by_staff=by_staff, now=now) for r in _cancellation_order(registrations)]
    return [outcome for outcome in outcomes if not outcome.already_cancelled]


@dataclass(frozen=True)
class MoveOutcome:
    """A move: the old registration (now cancelled), the new one and who was promoted in the old session."""

    old: Registration
    new: Registration
    promoted: Registration | None

    @property
    def waitlisted(self):
        return self.new.status == Status.WAITLISTED


def move(registration, to_session, *, now=None):
    """Move a person to another session of the same workshop, by staff, in one transaction.

    Both sessions are locked in id order; the target decides by the rules of ``register`` (a free
    place confirms, a full session waitlists or refuses, a duplicate e-mail refuses); then the old
    registration is cancelled and, if it held a place, the old session's first waiter is promoted.
    Raises ``MoveRefused`` (nothing changed) when the target refuses or the registration is cancelled.
    """
    now = now or timezone.now()
    with transaction.atomic():
        current_session_id = Registration.objects.values_list("session_id", flat=True).get(pk=registration.pk)
        if current_session_id == to_session.pk:
            raise MoveRefused(_("The person is already registered for this session."))
        locked = {session_id: _lock_session(session_id) for session_id in sorted({current_session_id, to_session.pk})}
        registration = Registration.objects.get(pk=registration.pk)
        source, target = locked[registration.session_id], locked[to_session.pk]
        if source.page_id != target.page_id:
            raise MoveRefused(_("A registration can only be moved to another session of the same workshop."))
        if registration.status == Status.CANCELLED:
            raise MoveRefused(_("A cancelled registration cannot be moved."))
        outcome = _register_for_locked_session(
            source.page, target, full_name=registration.full_name, email=registration.email,
            phone=registration.phone, form_data=registration.form_data, source=registration.source, now=now,
            duplicates_refused=True, announce=False,
        )
        if outcome.refused:
            raise MoveRefused(outcome.message)
        was_confirmed = registration.status == Status.CONFIRMED
        held_place = _holds_place(registration)
        _set_cancelled(registration, now)
        messages.registration_moved(registration, outcome.registration, had_calendar_entry=was_confirmed)
        promoted = _promote_waiters(source, now) if held_place else []
    return MoveOutcome(old=registration, new=outcome.registration, promoted=promoted[0] if promoted else None)


@dataclass(frozen=True)
class AttendanceOutcome:
    """``changed``: how many registrations changed; the others were left as they were because they hold
    no place (``not_confirmed``) or their session's day has not come (``too_early``)."""

    changed: int
    not_confirmed: tuple = ()
    too_early: tuple = ()


def attendance_can_be_marked(session, now=None):
    """From the session's day on (local calendar day): nobody can have come to a session weeks ahead."""
    return timezone.localdate(now or timezone.now()) >= timezone.localtime(session.starts_at).date()


def mark_attendance(registrations, attended, *, now=None):
    """Record whether people came (True, False, or None to clear). Only confirmed registrations have a
    place to attend, and only from the session's day; clearing is always allowed."""
    now = now or timezone.now()
    ids = [r.pk if isinstance(r, Registration) else int(r) for r in registrations]
    with transaction.atomic():
        rows = list(Registration.objects.filter(pk__in=ids).select_related("session").order_by("pk"))
        if attended is None:
            return AttendanceOutcome(Registration.objects.filter(pk__in=ids, attended__isnull=False)
                                     .update(attended=None))
        not_confirmed = tuple(r for r in rows if r.status != Status.CONFIRMED)
        too_early = tuple(r for r in rows if r.status == Status.CONFIRMED
                          and not attendance_can_be_marked(r.session, now))
        allowed = [r.pk for r in rows if r.status == Status.CONFIRMED and r not in too_early]
        changed = (Registration.objects.filter(pk__in=allowed, status=Status.CONFIRMED)
                   .exclude(attended=attended).update(attended=attended))
    return AttendanceOutcome(changed, not_confirmed, too_early)


# Phone calls -------------------------------------------------------------------------------------


def request_call(registration, reason, now=None):
    """Ask staff to phone this person (someone without an e-mail address that a message would have
    reached): the registration shows in the "to call" list and the workshop's staff get an e-mail."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Registration.objects.filter(pk=registration.pk).exclude(status=Status.CANCELLED).update(
            call_reason=reason, call_requested_at=now, call_made_at=None)
        if updated:
            registration = Registration.objects.select_related("session__page").get(pk=registration.pk)
            messages.call_requested(registration)
    return registration


def mark_call_made(registration, user, now=None):
    """Staff phoned the person: the task leaves the "to call" list; the log entry says who and when.
    Returns False when there was no call to make (already cleared)."""
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.call_pending:
            return False
        registration.call_made_at = now
        registration.save(update_fields=["call_made_at"])
        log(registration, CALL_MADE_ACTION, user=user, data={"reason": registration.call_reason})
    return True


def calls_to_make(page=None):
    """Registrations staff still have to phone, oldest request first."""
    calls = (Registration.objects.filter(call_requested_at__isnull=False, call_made_at__isnull=True)
             .exclude(status=Status.CANCELLED).select_related("session", "page").order_by("call_requested_at", "pk"))
    return calls.filter(page=page) if page is not None else calls


def resend_confirmation(registration):
    """Send the person's current confirmation (or waitlist) message again; False when there is no
    address to send it to or the registration is cancelled."""
    return messages.confirmation_resent(registration, timezone.now()) is not None


# Check-in at the door ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInCounts:
    present: int
    confirmed: int


def check_in_counts(session):
    """People present and people with a confirmed place, counted now (one query)."""
    counts = session.registrations.filter(status=Status.CONFIRMED).aggregate(
        confirmed=Count("pk"), present=Count("pk", filter=Q(attended=True))
    )
    return CheckInCounts(present=counts["present"], confirmed=counts["confirmed"])


def check_in_list(session, query=""):
    """The session's confirmed people for the door, by name; ``query`` matches a name or a code."""
    registrations = session.registrations.filter(status=Status.CONFIRMED)
    query = " ".join((query or "").split())
    if query:
        registrations = registrations.filter(
            Q(full_name__icontains=query) | Q(check_in_code=normalise_check_in_code(query))
        )
    return registrations.order_by("full_name", "pk")


def registration_by_check_in_code(code):
    """The registration a scanned or typed code belongs to, or None."""
    code = normalise_check_in_code(code)
    if not code:
        return None
    return Registration.objects.select_related("session__page").filter(check_in_code=code).first()


def check_in(registration, *, now=None):
    """Mark a person present at the door (the same ``attended`` the attendance list and exports show).

    Raises ``CheckInRefused`` for a registration without a confirmed place. Checking in twice is no
    change; returns True when the registration changed."""
    with transaction.atomic():
        status = Registration.objects.filter(pk=registration.pk).values_list("status", flat=True).first()
        if status != Status.CONFIRMED:
            raise CheckInRefused()
        outcome = mark_attendance([registration], True, now=now)
        if outcome.too_early:
            raise CheckInRefused(ATTENDANCE_TOO_EARLY_MESSAGE)
        return outcome.changed > 0


def undo_check_in(registration, *, now=None):
    """Take back a check-in made by mistake (attendance not marked); returns True when it changed."""
    return mark_attendance([registration], None, now=now).changed > 0


def walk_in(session, *, full_name, email="", phone="", now=None):
    """Register a person who came to the door without a place and check them in, in one transaction.

    The same rules as every registration (``register``: the session's lock, capacity, duplicates), but a
    walk-in is never put on the waitlist: without a free place it is refused (``CheckInRefused``), as is
    a person already registered. Returns the new, checked-in registration."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(session.pk)
        if not attendance_can_be_marked(locked, now):
            raise CheckInRefused(ATTENDANCE_TOO_EARLY_MESSAGE)
        if _taken_count(locked) >= locked.capacity:
            raise CheckInRefused(FULL_MESSAGE)
        outcome = register(
            locked.page, sessions=[locked], full_name=full_name, email=email, phone=phone,
            source=Registration.Source.WALK_IN, enforce_window=False, duplicates_refused=True, now=now,
        )[0]
        if not outcome.confirmed:
            raise CheckInRefused(outcome.message or FULL_MESSAGE)
        mark_attendance([outcome.registration], True, now=now)
        outcome.registration.attended = True
        return outcome.registration


def promote_waiters(session, now=None):
    """Fill free places from the waitlist, first come first served (or offer them, see ``_promote_waiters``).
    Returns the promoted registrations."""
    with transaction.atomic():
        return _promote_waiters(_lock_session(session.pk), now or timezone.now())


def session_has_started(session, now=None):
    return session.starts_at <= (now or timezone.now())


def _automatic_places_paused(session, now):
    """Inside the page's last hours before the session nothing is offered or promoted automatically: staff
    decide (they can still promote or move in the admin)."""
    hours = session.page.no_offers_hours_before
    return bool(hours) and session.starts_at - now <= timedelta(hours=hours)


def _promote_waiters(session, now):
    """Free places go to the first people waiting: at once, or — when the page sets hours to accept — as
    offers that hold the place until accepted or lapsed (``offer_place``). Returns those promoted at once."""
    if session_has_started(session, now):
        return []  # a place freed once the session runs goes to nobody: they could not come any more
    if _automatic_places_paused(session, now):
        return []
    free = session.capacity - _taken_count(session)
    if free <= 0:
        return []
    waiters = list(session.registrations.filter(status=Status.WAITLISTED, offer_expires_at__isnull=True)
                   .select_related("session__page", "submission").order_by("id")[:free])
    if session.page.waitlist_offer_hours:
        for registration in waiters:
            _offer_place(registration, session.page.waitlist_offer_hours, now)
        return []
    promoted = waiters
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.promoted_at = registration.status_changed_at = now
        registration.save(update_fields=["status", "promoted_at", "status_changed_at"])
        messages.registration_promoted(registration)
        if not registration.email:
            request_call(registration, Registration.CallReason.PROMOTED, now)
    return promoted


# Offers of freed places with a deadline -----------------------------------------------------------


def _offer_place(registration, hours, now):
    """Hold a freed place for this waiter for ``hours``: a mail with the accept link and the deadline, or —
    without an e-mail address — a call for staff to make; the offer's expiry is scheduled."""
    registration.offered_at = now
    registration.offer_expires_at = now + timedelta(hours=hours)
    registration.save(update_fields=["offered_at", "offer_expires_at"])
    messages.place_offered(registration)
    if not registration.email:
        request_call(registration, Registration.CallReason.OFFERED, now)


def accept_offer(registration, *, now=None):
    """The person accepts the place offered to them: confirmed, under the session's lock. Raises
    ``OfferNotOpen`` when the offer has lapsed (even if its expiry has not run yet), was passed on, the
    registration left the waitlist or the session has started."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(registration.session_id)
        registration = Registration.objects.select_related("session__page", "submission").get(pk=registration.pk)
        if not registration.has_open_offer or registration.offer_expires_at <= now:
            raise OfferNotOpen()
        if session_has_started(session, now):
            raise OfferNotOpen(OFFER_SESSION_STARTED_MESSAGE)
        if _confirmed_count(session) >= session.capacity:
            raise OfferNotOpen()  # staff lowered the places meanwhile: a confirmed place never overbooks
        registration.status = Status.CONFIRMED
        registration.promoted_at = registration.status_changed_at = now
        registration.offer_expires_at = None
        registration.save(update_fields=["status", "promoted_at", "status_changed_at", "offer_expires_at"])
        messages.offer_accepted(registration)
    return registration


def expire_offer(registration_id, *, now=None):
    """Run by the offer's schedule at its deadline: an unanswered offer lapses (the person leaves the
    waitlist and is told) and the place passes to the next waiter, and so on. Nothing happens to an offer
    that was accepted or given up meanwhile, or whose deadline has not come. Returns True when it lapsed."""
    now = now or timezone.now()
    session_id = Registration.objects.filter(pk=registration_id).values_list("session_id", flat=True).first()
    if session_id is None:
        return False
    with transaction.atomic():
        session = _lock_session(session_id)
        registration = (Registration.objects.filter(open_offer_filter(), pk=registration_id,
                                                    offer_expires_at__lte=now)
                        .select_related("session__page").first())
        if registration is None:
            return False
        _set_cancelled(registration, now)
        messages.offer_lapsed(registration)
        _promote_waiters(session, now)
    return True


def expire_due_offers(*, now=None):
    """Every offer whose deadline has passed (a safety net for a missed schedule); returns how many lapsed."""
    now = now or timezone.now()
    due = Registration.objects.filter(open_offer_filter(), offer_expires_at__lte=now).order_by("session_id", "pk")
    return sum(expire_offer(pk, now=now) for pk in due.values_list("pk", flat=True))


def lowest_allowed_capacity(session):
    """The confirmed count of a saved session, read under its lock (call inside a transaction)."""
    return session.locked_confirmed_count()


def check_capacity_change(session, new_capacity):
    """Refuse a capacity below the number of confirmed registrations (used by the admin form)."""
    if not session.pk:
        return
    confirmed = _confirmed_count(session)
    if new_capacity < confirmed:
        raise CapacityBelowConfirmed(confirmed)


# "Moje zgłoszenie": one submission's sessions, managed through its signed link ---------------------


def submission_sessions(submission):
    """Every session chosen in ``submission`` with its state (``WorkshopSubmission.chosen_sessions``)."""
    return submission.chosen_sessions()


def submission_person(submission):
    """The newest registration of the submission: whose data a new registration copies."""
    registration = submission.registrations.exclude(anonymised_at__isnull=False).order_by("-id").first()
    if registration is None:
        raise InvalidSubmissionLink()
    return registration


def _submission_registration(submission, registration_id):
    registration = submission.registrations.filter(pk=registration_id).first()
    if registration is None:
        raise InvalidSubmissionLink()
    return registration


def cancel_in_submission(submission, registration_id, *, now=None):
    """Cancel (or leave the waitlist of) one registration of the submission; the rules of ``cancel``."""
    return cancel(_submission_registration(submission, registration_id), now=now)


def accept_offer_in_submission(submission, registration_id, *, now=None):
    """Accept the place offered to one registration of the submission; the rules of ``accept_offer``."""
    return accept_offer(_submission_registration(submission, registration_id), now=now)


def cancel_submission(submission, *, now=None):
    """Cancel every active registration of the submission whose session has not started, in one
    transaction (each session locked by ``cancel``, promotions included). Returns the cancelled ones."""
    now = now or timezone.now()
    cancelled = []
    with transaction.atomic():
        for registration in submission.registrations.filter(status__in=Registration.ACTIVE_STATUSES).order_by(
            "session_id"
        ):
            if session_has_started(registration.session, now):
                continue
            outcome = cancel(registration, now=now)
            if not outcome.already_cancelled:
                cancelled.append(outcome.registration)
    return cancelled


def register_again(submission, session_id, *, now=None):
    """Register the submission's person again for one of its sessions (a free place confirms, a full
    session waitlists or refuses), under the rules of ``register``; the new row joins the submission."""
    if any(row.session.pk == int(session_id) and row.active for row in submission_sessions(submission)):
        raise NothingToRegister()
    if not any(row.session.pk == int(session_id) for row in submission_sessions(submission)):
        raise InvalidSubmissionLink()
    person = submission_person(submission)
    (outcome,) = register(
        submission.page, sessions=[int(session_id)], full_name=person.full_name, email=person.email,
        phone=person.phone, form_data=person.form_data, submission=submission, now=now,
    )
    return outcome


def resend_submission_confirmation(submission, *, now=None):
    """Record the submission's confirmation again (its sessions as they are now, with the calendar
    file); for the person's own page and for staff. Returns the notification, or None without an address."""
    return messages.submission_confirmation_again(submission, now or timezone.now())


def submission_calendar(submission):
    """The .ics file of the submission's confirmed registrations (one VEVENT each)."""
    return messages.build_submission_ics(submission)


# Changes and cancellations of sessions ------------------------------------------------------------


def _announced_values(session, venue):
    """What the session's registrants were last told: (start, end, venue)."""
    if session.announced_starts_at is None:
        return session.starts_at, session.ends_at, venue
    return session.announced_starts_at, session.announced_ends_at, session.announced_venue


def _remember_announced(session):
    """The first registration tells people the session's current date and venue: remember them."""
    if session.announced_starts_at is None:
        WorkshopSession.objects.filter(pk=session.pk).update(
            announced_starts_at=session.starts_at, announced_ends_at=session.ends_at,
            announced_venue=session.page.venue,
        )
        session.announced_starts_at, session.announced_ends_at = session.starts_at, session.ends_at
        session.announced_venue = session.page.venue


@dataclass(frozen=True)
class SessionChange:
    """A session whose date, time or venue differs from what its registrants were told."""

    session: WorkshopSession
    old: tuple  # (starts_at, ends_at, venue)
    new: tuple
    people: int  # confirmed and waitlisted: each is told once

    @property
    def changed_fields(self):
        return [name for name, old, new in zip(("starts_at", "ends_at", "venue"), _as_told(self.old),
                                               _as_told(self.new), strict=True) if old != new]


def _as_told(values):
    """Messages give times to the minute: seconds that the editor's form drops are no change."""
    starts_at, ends_at, venue = values
    return starts_at.replace(second=0, microsecond=0), ends_at.replace(second=0, microsecond=0), venue.strip()


def _changes(page, sessions, saved):
    """``sessions`` as the page would publish them, compared with the saved rows in ``saved`` (by pk)."""
    changes = []
    for session in sessions:
        stored = saved.get(session.pk)
        if stored is None or stored.is_cancelled or stored.announced_starts_at is None:
            continue
        old = _announced_values(stored, page.venue)
        new = (session.starts_at, session.ends_at, page.venue)
        if _as_told(old) != _as_told(new):
            people = stored.registrations.filter(status__in=Registration.ACTIVE_STATUSES).count()
            changes.append(SessionChange(stored, old, new, people))
    return changes


def pending_session_changes(draft):
    """For the page editor: the sessions the draft ``draft`` (a page built from its latest revision) moves
    or relocates, with how many people publishing would tell; sessions nobody is registered for are left out."""
    saved = {session.pk: session for session in WorkshopSession.objects.filter(page_id=draft.pk)}
    return [change for change in _changes(draft, draft.sessions.all(), saved) if change.people]


def announce_session_changes(page, *, now=None):
    """After publishing: each changed session's calendar SEQUENCE goes up by one and every confirmed or
    waitlisted person gets one change notice (the old and new values, an updated calendar entry); what
    was announced is remembered, so publishing again without a change tells nobody anything.
    Returns the changes announced."""
    announced = []
    with transaction.atomic():
        page = WorkshopPage.objects.get(pk=page.pk)
        locked = _lock_page_sessions(page)
        for change in _changes(page, locked.values(), locked):
            session = change.session
            session.announced_starts_at, session.announced_ends_at, session.announced_venue = change.new
            fields = ["announced_starts_at", "announced_ends_at", "announced_venue"]
            if change.people:
                session.calendar_sequence += 1
                fields.append("calendar_sequence")
            session.save(update_fields=fields)
            if change.people:
                for registration in session.registrations.filter(status__in=Registration.ACTIVE_STATUSES):
                    messages.session_changed(registration, session, old=change.old, new=change.new)
                announced.append(change)
    return announced


@dataclass(frozen=True)
class SessionCancelOutcome:
    session: WorkshopSession
    cancelled_registrations: list
    already_cancelled: bool = False


def cancel_session(session, *, reason, now=None):
    """Staff cancel a session: every confirmed and waitlisted person is told why (with a calendar CANCEL),
    their registrations are cancelled, nobody is promoted and the session's reminders are removed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("A reason is required.")
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock_session(session.pk)
        if session.is_cancelled:
            return SessionCancelOutcome(session, [], already_cancelled=True)
        session.cancelled_at, session.cancellation_reason = now, reason
        session.calendar_sequence += 1
        session.save(update_fields=["cancelled_at", "cancellation_reason", "calendar_sequence"])
        registrations = list(session.registrations.filter(status__in=Registration.ACTIVE_STATUSES).order_by("pk"))
        for registration in registrations:
            had_calendar_entry = registration.status == Status.CONFIRMED
            _set_cancelled(registration, now)
            messages.session_cancelled(registration, had_calendar_entry=had_calendar_entry)
        messages.session_reminders_removed(session)
    return SessionCancelOutcome(session, registrations)


def cancel_workshop(page, *, reason, now=None):
    """Every session of the workshop not cancelled yet, as ``cancel_session``, in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(WorkshopSession.objects.filter(page_id=page.pk).not_cancelled().order_by("pk")
                   .values_list("pk", flat=True))
        return [cancel_session(WorkshopSession(pk=session_id), reason=reason, now=now) for session_id in ids]
