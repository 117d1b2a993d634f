"""django-q2 task functions of the workshops: thin wrappers taking primary keys (the work is in ``messages.py``)."""

from . import messages


def send_session_reminders(session_id, starts_at):
    """Run by the "session-reminder-<pk>" schedule at (start − the page's lead time)."""
    return messages.queue_session_reminders(session_id, starts_at)


def send_staff_digests():
    """Run daily by the "staff-digest" schedule: yesterday's registrations for pages that want a digest."""
    return messages.queue_staff_digests()
