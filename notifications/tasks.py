"""django-q2 task functions: thin wrappers that take primary keys and call ``notifications.services``."""

from . import services


def send_notification(notification_id):
    """Deliver one notification (a no-op when it was already delivered: tasks may run more than once)."""
    return services.send(notification_id)


def requeue_stalled_notifications():
    """Run every few minutes by the schedule created in migration 0002."""
    return services.requeue_stalled()
