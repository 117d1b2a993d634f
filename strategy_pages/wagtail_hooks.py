"""Admin-wide behaviour of the editor's tools (every app's pages, snippets and settings)."""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def date_pickers():
    # Loaded before any form's widgets start their pickers (the admin's global scripts come first).
    return format_html(
        '<script src="{}" data-date-hint="{}" data-datetime-hint="{}" data-time-hint="{}"></script>',
        static("strategy_pages/js/admin-date-pickers.js"),
        _("DD.MM.YYYY"),
        _("DD.MM.YYYY HH:MM"),
        _("HH:MM"),
    )
