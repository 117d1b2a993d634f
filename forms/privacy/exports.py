"""Spreadsheet exports of personal data: one writer for every XLSX and CSV file, and the log entry.

Every staff export (registrations, Wagtail's submissions listings of every form page, the site
history, the public consultation report) writes through ``write_xlsx`` / ``csv_text`` /
``stream_csv``, so that:

* no submitted value can run as a formula: an XLSX text cell is typed as text (a leading ``=`` gets
  Excel's hidden quote prefix, not a visible apostrophe); a CSV field starting with ``= + - @`` tab or
  CR gets an apostrophe, also after every ``;`` or ``,`` inside it, so no naive split uncovers a
  formula (OWASP "CSV injection"), and every CSV field is quoted;
* no submitted value can break a file: control characters XML 1.0 forbids become U+FFFD;
* times are the site's local time (``TIME_ZONE``) to the minute: real date cells in XLSX with a
  Polish number format, ``dd.mm.yyyy hh:mm`` text in CSV;
* CSV opens right in Excel set to Polish: UTF-8 with BOM, ``;`` between fields;
* XLSX has a named sheet, a bold frozen header with an autofilter and column widths to fit.
"""

import csv
import datetime
import decimal
import io
import re

from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext
from wagtail.log_actions import log

# What spreadsheet programs read as the start of a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

EXPORT_ACTION = "strategy_forms.export"

CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
XLSX_DATE_FORMAT = "dd.mm.yyyy"
TEXT_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
TEXT_DATE_FORMAT = "%d.%m.%Y"
MAX_COLUMN_WIDTH = 60

# The characters XML 1.0 forbids (openpyxl refuses them with IllegalCharacterError).
_ILLEGAL_XML_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A formula character at the start, or right after a separator a naive split could cut at
# (spaces and quotes in between are skipped by some programs, so they are skipped here too).
_FORMULA_AT_START = re.compile(r"^[\s\"]*[=+\-@]|^[\t\r]")
_FORMULA_AFTER_SEPARATOR = re.compile(r"([;,\t\r\n][\s\"]*)(?=[=+\-@])")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """A text cell starting with = + - @ tab or CR gets a leading apostrophe; other values pass unchanged."""
    if isinstance(value, str) and _FORMULA_AT_START.match(value):
        return f"'{value}"
    return value


def neutralise_text(value):
    """A CSV field as text: control characters replaced, ``neutralise`` at the start and after every
    separator inside it. ``None`` becomes an empty string."""
    text = clean_text("" if value is None else str(value))
    return _FORMULA_AFTER_SEPARATOR.sub(r"\1'", neutralise(text))


def clean_text(text):
    """Text without the control characters XML 1.0 forbids (each becomes U+FFFD, so it shows)."""
    return _ILLEGAL_XML_CHARACTERS.sub("\ufffd", text)


def local_datetime(value):
    """An aware datetime as the naive local time (``TIME_ZONE``), to the minute."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _plain(value):
    """Lazy strings, lists and yes/no as what a person reads; numbers and dates as themselves."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(force_str(item) for item in value)
    if value is None or isinstance(value, (int, float, decimal.Decimal, datetime.date, datetime.time)):
        return value
    return force_str(value)


def csv_field(value):
    value = _plain(value)
    if isinstance(value, datetime.datetime):
        return local_datetime(value).strftime(TEXT_DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return value.strftime(TEXT_DATE_FORMAT)
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value).replace(".", ",")
    return neutralise_text(value)


def _csv_writer(buffer):
    return csv.writer(buffer, delimiter=CSV_DELIMITER, quoting=csv.QUOTE_ALL, lineterminator="\r\n")


def stream_csv(headings, rows):
    """CSV text line by line (the first chunk starts with the BOM), for a streaming response."""
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    writer.writerow([csv_field(value) for value in headings])
    yield CSV_BOM + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_field(value) for value in row])
        yield buffer.getvalue()


def csv_text(headings, rows):
    """The whole CSV file as text, BOM included."""
    return "".join(stream_csv(headings, rows))


def sheet_title(title):
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    return (_SHEET_TITLE_FORBIDDEN.sub(" ", clean_text(force_str(title))).strip() or "Arkusz")[:31]


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell

    value = _plain(value)
    if isinstance(value, datetime.datetime):
        cell = WriteOnlyCell(sheet, local_datetime(value))
        cell.number_format = XLSX_DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATE_FORMAT
    elif isinstance(value, str):
        text = clean_text(value)
        cell = WriteOnlyCell(sheet, text)
        # Always text, never a formula; Excel's quote prefix keeps it text when edited, invisibly.
        cell.data_type = "s"
        if neutralise(text) != text:
            cell.quotePrefix = True
    else:
        cell = WriteOnlyCell(sheet, value)
    return cell


def _display_width(value):
    value = _plain(value)
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return max((len(line) for line in str("" if value is None else value).splitlines()), default=0)


def write_xlsx(output, headings, rows, *, title):
    """An XLSX workbook of one sheet named ``title`` into the file-like ``output``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = [list(row) for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    for index, heading in enumerate(headings, start=1):
        width = max([_display_width(heading), *(_display_width(row[index - 1]) for row in rows[:500])])
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_COLUMN_WIDTH)
    sheet.freeze_panes = "A2"
    if headings:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{len(rows) + 1}"
    header = []
    for heading in headings:
        cell = _xlsx_cell(sheet, force_str(heading))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    workbook.save(output)


class FormulaSafeExportMixin:
    """For views using Wagtail's ``SpreadsheetExportMixin``: every XLSX and CSV file written by the
    shared writer above, and every export logged (who, when, what)."""

    export_log_what = "submissions"
    export_sheet_title = ""

    def export_log_instance(self):
        raise NotImplementedError

    def get_export_sheet_title(self):
        return self.export_sheet_title or self.get_filename()

    def export_rows(self, queryset):
        # Wagtail's per-field preprocessing (e.g. the history's action labels) still applies; the rest
        # (time zone, lists, formulas, control characters) is the shared writer's.
        for item in queryset:
            row = []
            for field, value in self.to_row_dict(item).items():
                preprocess = self.custom_field_preprocess.get(field, {}).get(self.FORMAT_CSV)
                row.append(preprocess(value) if preprocess else value)
            yield row

    def export_headings_for(self, queryset):
        return [self.get_heading(queryset, field) for field in self.list_export]

    def write_xlsx(self, queryset, output):
        write_xlsx(output, self.export_headings_for(queryset), self.export_rows(queryset),
                   title=self.get_export_sheet_title())

    def stream_csv(self, queryset):
        for chunk in stream_csv(self.export_headings_for(queryset), self.export_rows(queryset)):
            yield chunk.encode("utf-8")

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        return response

    def as_spreadsheet(self, queryset, spreadsheet_format):
        log_export(
            self.request.user, self.export_log_instance(), what=self.export_log_what, export_format=spreadsheet_format,
            rows=len(queryset) if isinstance(queryset, (list, tuple)) else queryset.count(),
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
