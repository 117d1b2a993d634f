from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyPagesConfig(AppConfig):
    name = "strategy_pages"
    verbose_name = _("Strategy pages")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .caching import connect_signals

        connect_signals()
