"""Reactions to Wagtail publishing a workshop page (connected in ``FormsConfig.ready``)."""

from . import messages, services


def workshop_published(sender, instance, **kwargs):
    # Publishing may have raised a session's capacity: fill the new places from the waitlist, in order.
    # The signal also fires for scheduled publishing and for pages published from code.
    for session in instance.sessions.all():
        services.promote_waiters(session)
    # Moved or relocated sessions: their people are told before the reminders are set for the new times.
    services.announce_session_changes(instance)
    messages.sessions_published(instance)
