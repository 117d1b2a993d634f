"""Spreadsheet exports of personal data: one neutralising function for every cell, and the log entry.

Every export (registrations, Wagtail's submissions listings of every form page, the public
consultation report, the printable attendance list) writes its cells through ``neutralise``, so a
name like ``=HYPERLINK(...)`` or ``+48 600…`` is never run as a formula by a spreadsheet program.
"""

from wagtail.log_actions import log

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

EXPORT_ACTION = "strategy_forms.export"


def neutralise(value):
    """A text cell starting with = + - @ tab or CR gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def neutralise_text(value):
    """``neutralise`` for writers that need text (the csv module): ``None`` becomes an empty string."""
    return neutralise("" if value is None else str(value))


class FormulaSafeExportMixin:
    """For views using Wagtail's ``SpreadsheetExportMixin``: every cell, CSV or XLSX, neutralised,
    and every export logged (who, when, what)."""

    export_log_what = "submissions"

    def preprocess_field_value(self, field, value, export_format):
        # After Wagtail's own preprocessing every text (lists joined, lazy strings forced) is a str;
        # numbers and dates are not text and cannot start a formula.
        return neutralise(super().preprocess_field_value(field, value, export_format))

    def get_heading(self, queryset, field):
        return neutralise(super().get_heading(queryset, field))

    def export_log_instance(self):
        raise NotImplementedError

    def as_spreadsheet(self, queryset, spreadsheet_format):
        log_export(
            self.request.user, self.export_log_instance(), what=self.export_log_what, export_format=spreadsheet_format,
            rows=queryset.count() if hasattr(queryset, "count") else len(queryset),
            filters={key: value for key, value in self.request.GET.items() if key != "export"},
        )
        return super().as_spreadsheet(queryset, spreadsheet_format)


def log_export(user, instance, *, what, export_format, rows, filters=None):
    """A Wagtail log entry on ``instance`` (a page, or the registration model's first object): who, when, what."""
    data = {"what": what, "format": export_format, "rows": rows}
    if filters:
        # Filters say which list was exported; the search text may be a name, so it is left out.
        data["filters"] = {key: value for key, value in filters.items() if key not in ("q", "p")}
    log(instance=instance, action=EXPORT_ACTION, user=user, data=data)
