from django.db import migrations, models

from forms.workshops.models import generate_check_in_code


def backfill_check_in_codes(apps, schema_editor):
    """Active registrations made before codes existed get one (a waiter's code serves once promoted)."""
    Registration = apps.get_model("strategy_forms", "Registration")
    taken = set(Registration.objects.exclude(check_in_code=None).values_list("check_in_code", flat=True))
    for registration in Registration.objects.filter(check_in_code=None, status__in=["confirmed", "waitlisted"]):
        code = generate_check_in_code()
        while code in taken:
            code = generate_check_in_code()
        taken.add(code)
        Registration.objects.filter(pk=registration.pk).update(check_in_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_forms", "0015_session_changes_and_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="check_in_code",
            field=models.CharField(
                blank=True, editable=False, max_length=6, null=True, unique=True, verbose_name="check-in code"
            ),
        ),
        migrations.AlterField(
            model_name="registration",
            name="source",
            field=models.CharField(
                choices=[("online", "online form"), ("staff", "added by staff"), ("walk_in", "registered at the door")],
                default="online", max_length=20, verbose_name="source",
            ),
        ),
        migrations.RunPython(backfill_check_in_codes, migrations.RunPython.noop),
    ]
