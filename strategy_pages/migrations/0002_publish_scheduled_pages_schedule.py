"""Creates the django-q2 schedule that publishes scheduled pages every minute.

A data migration rather than a manual step, so every install (and every test
database) has it after `migrate`; update_or_create keeps it idempotent.
"""

from django.db import migrations
from django.utils import timezone

SCHEDULE_NAME = "Publikowanie zaplanowanych stron"
TASK = "strategy_pages.tasks.publish_scheduled_pages"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": TASK,
            "schedule_type": "I",  # Schedule.MINUTES
            "minutes": 1,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE_NAME, func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_pages", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
