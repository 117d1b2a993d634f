"""django-q2 task of the personal-data retention: a thin wrapper (the work is in ``services.py``)."""

from . import services

# The django-q2 Schedule that runs this daily is created by migration 0007 (idempotently, by name).
RETENTION_SCHEDULE_NAME = "Anonimizacja danych osobowych"


def anonymise_expired_personal_data():
    """Run daily: anonymise the personal data past each form page's retention period (``services.py``)."""
    report = services.anonymise_expired()
    return {"registrations": report.registrations, "signups": report.signups,
            "submissions": report.submissions, "survey_answers": report.survey_answers}
