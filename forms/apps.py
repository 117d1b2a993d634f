from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _

# Each domain's e-mail builders register with the outbox when imported: in every process (web and
# worker alike), not only in those that happen to import the domain's services.
MESSAGE_MODULES = (
    "forms.workshops.messages",
    "forms.surveys.messages",
    "forms.working_groups.messages",
    "forms.consultations.messages",
)


class FormsConfig(AppConfig):
    name = "forms"
    # An explicit label: "forms" would clash with django.forms if that is ever installed.
    label = "strategy_forms"
    verbose_name = _("Registration forms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published

        from .working_groups.models import WorkingGroup
        from .working_groups.signals import working_group_saved
        from .workshops.models import WorkshopPage
        from .workshops.signals import workshop_published

        page_published.connect(
            workshop_published, sender=WorkshopPage, dispatch_uid="strategy_forms.workshop_published"
        )
        post_save.connect(working_group_saved, sender=WorkingGroup, dispatch_uid="strategy_forms.working_group_saved")
        for module in MESSAGE_MODULES:
            import_module(module)
