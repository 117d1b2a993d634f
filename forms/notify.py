"""Seam between the registration service and notifications.

Each function is called inside the service's transaction and only schedules
work for after the commit, with primary keys, so nothing is sent for a
transaction that rolls back. The notification work (issue 4) fills these in.
"""


def registration_created(registration):
    pass


def registration_cancelled(registration, *, by_staff=False):
    pass


def registration_promoted(registration):
    pass


def form_submitted(submission):
    """A plain survey was submitted: staff are told through the queue, never inside the request."""


def sessions_published(page):
    """A workshop page was published: session times or capacities may have changed (reminders follow)."""
