"""django-q2 task functions of the strategy pages."""

from django.core.management import call_command

# The django-q2 Schedule that runs this every minute is created by a data migration
# (strategy_pages/migrations/0002_publish_scheduled_pages_schedule.py), so no cron is needed.
PUBLISH_SCHEDULE_NAME = "Publikowanie zaplanowanych stron"


def publish_scheduled_pages():
    """Publishes pages whose scheduled publication time has passed and unpublishes expired ones."""
    call_command("publish_scheduled")
