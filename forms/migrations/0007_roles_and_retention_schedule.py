"""Creates the three admin roles (permission groups, Polish names) and the daily retention schedule.

Idempotent: groups are looked up by name and permissions added (never removed), so re-running or
an administrator's later changes are kept. Permissions that Django creates only after migrating
(``post_migrate``) are created here with the same codenames, so the roles are complete at once.
"""

from django.db import migrations
from django.utils import timezone

ROLE_EDITORS = "Redaktorzy"
ROLE_FORM_ADMINS = "Administratorzy formularzy"
ROLE_REVIEWERS = "Recenzenci grup roboczych"

SCHEDULE_NAME = "Anonimizacja danych osobowych"
TASK = "forms.tasks.anonymise_expired_personal_data"

PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add_image", "change_image", "choose_image", "delete_image"),
    ("wagtaildocs", "document"): ("add_document", "change_document", "choose_document", "delete_document"),
}
ADMIN_ACCESS = ("wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")

# (app label, model, codename, name)
FORM_ADMIN_PERMISSIONS = [
    ("strategy_forms", "personaldatarequest", "view_personal_data",
     "Can see, export and erase personal data of participants"),
    ("strategy_forms", "workinggroupsignup", "manage_working_groups", "Can manage working-group sign-ups"),
    ("strategy_forms", "consultationsubmission", "moderate_consultation_submissions",
     "Can moderate consultation submissions"),
    ("notifications", "notification", "view_notification", "Can view notification"),
    ("notifications", "notification", "resend_notification", "Can re-send notifications"),
    *[
        ("strategy_forms", model, f"{action}_{model}", f"Can {action} {model}")
        for model in ("dataprotectionnotice", "workinggroup", "thematicarea")
        for action in ("add", "change", "delete", "view")
    ],
]
REVIEWER_PERMISSIONS = [
    ("strategy_forms", "consultationsubmission", "assess_consultation_submissions",
     "Can assess consultation submissions of own working group"),
]


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    root_page = Page.objects.filter(depth=1).order_by("path").first()
    root_collection = Collection.objects.filter(depth=1).order_by("path").first()
    admin_access = _permission(apps, *ADMIN_ACCESS)

    editors, _ = Group.objects.get_or_create(name=ROLE_EDITORS)
    form_admins, _ = Group.objects.get_or_create(name=ROLE_FORM_ADMINS)
    reviewers, _ = Group.objects.get_or_create(name=ROLE_REVIEWERS)

    for group in (editors, form_admins):
        group.permissions.add(admin_access)
        if root_page is not None:
            for codename in PAGE_PERMISSIONS:
                permission = _permission(apps, "wagtailcore", "page", codename, codename.replace("_", " "))
                GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)
        if root_collection is not None:
            for (app_label, model), codenames in COLLECTION_PERMISSIONS.items():
                for codename in codenames:
                    permission = _permission(apps, app_label, model, codename, codename.replace("_", " "))
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
    for row in FORM_ADMIN_PERMISSIONS:
        form_admins.permissions.add(_permission(apps, *row))
    reviewers.permissions.add(admin_access)
    for row in REVIEWER_PERMISSIONS:
        reviewers.permissions.add(_permission(apps, *row))


def create_schedule(apps, schema_editor):
    from django.conf import settings

    Schedule = apps.get_model("django_q", "Schedule")
    hour = getattr(settings, "PERSONAL_DATA_RETENTION_HOUR", 3)
    now = timezone.localtime()
    next_run = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if next_run <= now:
        next_run += timezone.timedelta(days=1)
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": TASK, "schedule_type": "D", "repeats": -1, "next_run": next_run},
    )


def forwards(apps, schema_editor):
    create_roles(apps, schema_editor)
    create_schedule(apps, schema_editor)


def backwards(apps, schema_editor):
    # The groups may have members by now: only the schedule is removed.
    apps.get_model("django_q", "Schedule").objects.filter(name=SCHEDULE_NAME, func=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_forms", "0006_personal_data"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
