"""Every rule about places in workshop sessions.

The page's ``serve``, the cancel view, the admin and the task queue call these
functions; nothing else decides capacity. Each public function is one database
transaction. The session row is locked before places are counted, so two
requests for the last place are serialised: PostgreSQL takes a row lock
(SELECT ... FOR UPDATE) and SQLite runs every transaction as BEGIN IMMEDIATE
(see ``SQLITE_OPTIONS`` in the settings), which holds the database write lock
from the start of the transaction.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy_pages.caching import public_pages

from ..phones import phone_key
from . import messages
from .exceptions import CapacityBelowConfirmed, CheckInRefused, MoveRefused, RegistrationClosed, SessionStarted
from .models import (
    Registration,
    WorkshopPage,
    WorkshopSession,
    new_check_in_code,
    normalise_check_in_code,
    set_places_left,
)
from .tokens import cancel_token, registration_from_cancel_token  # noqa: F401 - part of the service's interface

Status = Registration.Status

REFUSED = "refused"
# Already registered (confirmed or waitlisted) with this address: nothing stored, the owner of the
# address is told by e-mail; the public answer is the same as for a new registration (no enumeration).
DUPLICATE = "duplicate"
DUPLICATE_MESSAGE = _("You are already registered for this session with this e-mail address.")
FULL_MESSAGE = _("There are no places left in this session.")
PHONE_DUPLICATE_MESSAGE = _("A person with this phone number and no e-mail address is already registered for "
                            "this session.")
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


def waitlist_position(registration):
    """1 for the first person waiting, 2 for the next… (FIFO by arrival)."""
    return registration.waitlist_position()


def sessions_with_places(page):
    """The page's sessions, each annotated with ``confirmed_count`` and ``places_left``, counted now."""
    return page.sessions_with_places()


def upcoming_workshops(limit=3, now=None):
    """Live, public workshop pages with sessions still to come, soonest first, each with
    ``upcoming_sessions`` annotated like ``sessions_with_places``. Two queries plus Wagtail's
    view-restriction lookup, whatever the number of pages and sessions; never cached."""
    now = now or timezone.now()
    upcoming = Q(sessions__starts_at__gte=now)
    sessions = WorkshopSession.objects.filter(starts_at__gte=now).with_places().order_by("starts_at", "pk")
    # public_pages skips the view-restriction query when the site has none.
    pages = list(
        public_pages(WorkshopPage.objects.live())
        .filter(upcoming)
        .annotate(next_start=Min("sessions__starts_at", filter=upcoming))
        .order_by("next_start", "pk")
        .prefetch_related(Prefetch("sessions", queryset=sessions, to_attr="upcoming_sessions"))[:limit]
    )
    for page in pages:
        set_places_left(page.upcoming_sessions)
    return pages


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
    """
    now = now or timezone.now()
    if enforce_window and not page.registration_is_open(now):
        raise RegistrationClosed()
    session_ids = sorted({s.pk if isinstance(s, WorkshopSession) else int(s) for s in sessions})
    if not session_ids:
        raise ValueError("No session chosen.")
    email = normalise_email(email)
    outcomes = []
    with transaction.atomic():
        # Lock in id order so two multi-session submissions cannot deadlock.
        for session_id in session_ids:
            session = _lock_session(session_id)
            if session.page_id != page.pk:
                raise ValueError(f"Session {session_id} does not belong to page {page.pk}.")
            outcomes.append(
                _register_for_locked_session(
                    page, session, full_name=full_name, email=email, phone=phone,
                    form_data=form_data or {}, source=source, now=now, duplicates_refused=duplicates_refused,
                )
            )
    return outcomes


def _register_for_locked_session(page, session, *, full_name, email, phone, form_data, source, now,
                                 duplicates_refused=False):
    """``duplicates_refused``: staff moves and entries are told of a duplicate (REFUSED); a public post
    gets a DUPLICATE outcome that it answers like any other, and the address's owner gets a message."""
    existing = _active_registration(session, email, phone)
    if existing is not None and duplicates_refused:
        return SessionOutcome(session, REFUSED, message=DUPLICATE_MESSAGE if email else PHONE_DUPLICATE_MESSAGE)
    has_place = _confirmed_count(session) < session.capacity
    if not has_place and not page.waitlist_enabled:
        # What anybody would be told: the same whether the address is registered or not.
        return SessionOutcome(session, REFUSED, message=FULL_MESSAGE)
    if existing is not None:
        messages.duplicate_registration(existing, now)
        return SessionOutcome(session, DUPLICATE, existing)
    status = Status.CONFIRMED if has_place else Status.WAITLISTED
    try:
        # The savepoint keeps the rest of the submission if the unique constraint fires.
        with transaction.atomic():
            registration = Registration.objects.create(
                page=page, session=session, full_name=full_name.strip(), email=email, phone=phone.strip(),
                form_data=form_data, status=status, source=source, status_changed_at=now,
                check_in_code=new_check_in_code(),
            )
    except IntegrityError:
        if duplicates_refused:
            return SessionOutcome(session, REFUSED, message=DUPLICATE_MESSAGE)
        return SessionOutcome(session, DUPLICATE)
    messages.registration_created(registration)
    position = waitlist_position(registration) if status == Status.WAITLISTED else None
    return SessionOutcome(session, status, registration, waitlist_position=position)


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
        registration.status = Status.CANCELLED
        registration.cancelled_at = registration.status_changed_at = now
        registration.save(update_fields=["status", "cancelled_at", "status_changed_at"])
        messages.registration_cancelled(registration, by_staff=by_staff)
        promoted = _promote_waiters(session, now) if was_confirmed else []
    return CancelOutcome(registration, already_cancelled=False, promoted=promoted[0] if promoted else None)


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
            duplicates_refused=True,
        )
        if outcome.refused:
            raise MoveRefused(outcome.message)
        was_confirmed = registration.status == Status.CONFIRMED
        registration.status = Status.CANCELLED
        registration.cancelled_at = registration.status_changed_at = now
        registration.save(update_fields=["status", "cancelled_at", "status_changed_at"])
        promoted = _promote_waiters(source, now) if was_confirmed else []
    return MoveOutcome(old=registration, new=outcome.registration, promoted=promoted[0] if promoted else None)


def mark_attendance(registrations, attended, *, now=None):
    """Record whether people came (True, False, or None to clear). Only confirmed registrations
    have a place to attend; returns the number of registrations changed."""
    ids = [r.pk if isinstance(r, Registration) else int(r) for r in registrations]
    with transaction.atomic():
        return (
            Registration.objects.filter(pk__in=ids, status=Status.CONFIRMED)
            .exclude(attended=attended)
            .update(attended=attended)
            if attended is not None
            else Registration.objects.filter(pk__in=ids, attended__isnull=False).update(attended=None)
        )


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
        return mark_attendance([registration], True, now=now) > 0


def undo_check_in(registration, *, now=None):
    """Take back a check-in made by mistake (attendance not marked); returns True when it changed."""
    return mark_attendance([registration], None, now=now) > 0


def walk_in(session, *, full_name, email="", phone="", now=None):
    """Register a person who came to the door without a place and check them in, in one transaction.

    The same rules as every registration (``register``: the session's lock, capacity, duplicates), but a
    walk-in is never put on the waitlist: without a free place it is refused (``CheckInRefused``), as is
    a person already registered. Returns the new, checked-in registration."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_session(session.pk)
        if _confirmed_count(locked) >= locked.capacity:
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
    """Fill free places from the waitlist, first come first served. Returns the promoted registrations."""
    with transaction.atomic():
        return _promote_waiters(_lock_session(session.pk), now or timezone.now())


def session_has_started(session, now=None):
    return session.starts_at <= (now or timezone.now())


def _promote_waiters(session, now):
    if session_has_started(session, now):
        return []  # a place freed once the session runs goes to nobody: they could not come any more
    free = session.capacity - _confirmed_count(session)
    if free <= 0:
        return []
    promoted = list(session.registrations.filter(status=Status.WAITLISTED).order_by("id")[:free])
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.promoted_at = registration.status_changed_at = now
        registration.save(update_fields=["status", "promoted_at", "status_changed_at"])
        messages.registration_promoted(registration)
    return promoted


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
