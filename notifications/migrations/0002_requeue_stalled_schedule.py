"""Creates the django-q2 schedule that re-queues notifications no task will deliver (see
``notifications.services.requeue_stalled``). A data migration, so every install has it after
``migrate``; update_or_create keeps it idempotent."""

from django.db import migrations
from django.utils import timezone

SCHEDULE_NAME = "notifications-requeue-stalled"
TASK = "notifications.tasks.requeue_stalled_notifications"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": TASK,
            "schedule_type": "I",  # Schedule.MINUTES
            "minutes": 5,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )


def delete_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE_NAME, func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
