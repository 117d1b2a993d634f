"""The four thematic areas the source strategy page expects (editable under Snippets afterwards)."""

from django.db import migrations

DEFAULT_AREAS = ("społeczny", "środowiskowy", "gospodarczy", "przestrzenny")


def create_default_areas(apps, schema_editor):
    ThematicArea = apps.get_model("strategy_forms", "ThematicArea")
    for order, name in enumerate(DEFAULT_AREAS):
        ThematicArea.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("strategy_forms", "0004_working_groups_and_consultations")]

    operations = [migrations.RunPython(create_default_areas, migrations.RunPython.noop)]
