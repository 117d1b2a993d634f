from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "forms"
    # An explicit label: "forms" would clash with django.forms if that is ever installed.
    label = "strategy_forms"
    verbose_name = _("Registration forms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import page_published

        from .models import WorkshopPage
        from .signals import workshop_published

        page_published.connect(
            workshop_published, sender=WorkshopPage, dispatch_uid="strategy_forms.workshop_published"
        )
