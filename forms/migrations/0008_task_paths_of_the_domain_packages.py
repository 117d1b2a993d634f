"""The task functions moved into the domain packages: point the stored django-q2 schedules at them."""

from django.db import migrations

MOVED = {
    "forms.tasks.anonymise_expired_personal_data": "forms.privacy.tasks.anonymise_expired_personal_data",
    "forms.tasks.send_session_reminders": "forms.workshops.tasks.send_session_reminders",
    "forms.tasks.send_staff_digests": "forms.workshops.tasks.send_staff_digests",
}


def _rename(apps, mapping):
    Schedule = apps.get_model("django_q", "Schedule")
    for old, new in mapping.items():
        Schedule.objects.filter(func=old).update(func=new)


def forwards(apps, schema_editor):
    _rename(apps, MOVED)


def backwards(apps, schema_editor):
    _rename(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_forms", "0007_roles_and_retention_schedule"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
