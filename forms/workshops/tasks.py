"""django-q2 task functions of the workshops: thin wrappers taking primary keys (the work is in ``messages.py``)."""

from . import messages, services


def send_session_reminders(session_id, starts_at):
    """Run by the "session-reminder-<pk>" schedule at (start − the page's lead time)."""
    return messages.queue_session_reminders(session_id, starts_at)


def send_staff_digests():
    """Run daily by the "staff-digest" schedule: yesterday's registrations for pages that want a digest."""
    return messages.queue_staff_digests()


def expire_waitlist_offer(registration_id):
    """Run by the "waitlist-offer-<pk>" schedule at the offer's deadline."""
    return services.expire_offer(registration_id)
