"""Wagtail's default workflow and its task are named in English ("Moderators approval", from the group's
name, by wagtailcore 0048); staff see the name on every page under moderation: name them in Polish."""

from django.db import migrations

ENGLISH_NAME = "Moderators approval"
POLISH_NAME = "Zatwierdzenie przez moderatorów"


def rename(apps, old, new):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=old).update(name=new)
    apps.get_model("wagtailcore", "Task").objects.filter(name=old).update(name=new)


def to_polish(apps, schema_editor):
    rename(apps, ENGLISH_NAME, POLISH_NAME)


def to_english(apps, schema_editor):
    rename(apps, POLISH_NAME, ENGLISH_NAME)


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_pages", "0005_home_page_parent_link_name"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(to_polish, to_english)]
