"""django-q2 task functions of the workshops: thin wrappers taking primary keys (the work is in ``forms.notify``)."""

from . import notify


def send_session_reminders(session_id, starts_at):
    """Run by the "session-reminder-<pk>" schedule at (start − the page's lead time)."""
    return notify.queue_session_reminders(session_id, starts_at)


def send_staff_digests():
    """Run daily by the "staff-digest" schedule: yesterday's registrations for pages that want a digest."""
    return notify.queue_staff_digests()


# The django-q2 Schedule that runs this daily is created by migration 0007 (idempotently, by name).
RETENTION_SCHEDULE_NAME = "Anonimizacja danych osobowych"


def anonymise_expired_personal_data():
    """Run daily: anonymise the personal data past each form page's retention period (``forms.gdpr``)."""
    from . import gdpr

    report = gdpr.anonymise_expired()
    return {"registrations": report.registrations, "signups": report.signups,
            "submissions": report.submissions, "survey_answers": report.survey_answers}
