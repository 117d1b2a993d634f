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

        from strategy_pages.caching import invalidate_on_change

        from .consultations.models import Assessment, ConsultationSubmission, ThematicArea, Trend
        from .working_groups.models import GroupRecommendations, WorkingGroup, WorkingGroupSignup
        from .working_groups.signals import working_group_saved
        from .workshops.models import WorkshopPage
        from .workshops.signals import workshop_published

        page_published.connect(
            workshop_published, sender=WorkshopPage, dispatch_uid="strategy_forms.workshop_published"
        )
        post_save.connect(working_group_saved, sender=WorkingGroup, dispatch_uid="strategy_forms.working_group_saved")
        # What the sign-up, consultation and report pages show besides their own fields: their cached
        # content (``{% page_content_cache %}``) is replaced from the commit of any change on.
        invalidate_on_change(
            WorkingGroup, WorkingGroupSignup, ThematicArea, ConsultationSubmission, Assessment, Trend,
            GroupRecommendations,
        )
        for module in MESSAGE_MODULES:
            import_module(module)
