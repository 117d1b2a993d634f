"""Outbox rows are no longer recorded in Wagtail's reference index (``wagtail_reference_index_ignore``):
drop the entries recorded before, which listed each notification as a usage of its page."""

from django.db import migrations


def drop_entries(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    notification_type = ContentType.objects.filter(app_label="notifications", model="notification").first()
    if notification_type is not None:
        ReferenceIndex.objects.filter(content_type=notification_type).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_requeue_stalled_schedule"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(drop_entries, migrations.RunPython.noop)]
