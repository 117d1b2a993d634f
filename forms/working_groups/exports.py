"""The members of a working group as a spreadsheet (CSV for Polish Excel, or XLSX), for form administrators.

Small and on its own so that it can be pointed at the shared export writer later; every text cell goes
through ``forms.privacy.exports.neutralise`` (no formula from a name), and each export is a log entry.
"""

import csv
import io
import re

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from ..privacy.exports import log_export, neutralise, neutralise_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

COLUMNS = (
    ("full_name", _("Full name")),
    ("email", _("E-mail")),
    ("phone", _("Phone")),
    ("represents", _("Represents")),
    ("channel", _("Channel")),
    ("accepted_at", _("Accepted on")),
)


def _rows(members):
    for signup in members:
        yield {
            "full_name": signup.full_name,
            "email": signup.email,
            "phone": signup.phone,
            "represents": signup.represents,
            "channel": signup.get_channel_display(),
            # Local time without the zone: spreadsheet programs store no time zones.
            "accepted_at": timezone.localtime(signup.status_changed_at).replace(tzinfo=None, microsecond=0),
        }


def members_csv(members):
    """UTF-8 with a BOM and ``;`` between columns: what Excel set to Polish opens as columns."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise_text(str(label)) for _key, label in COLUMNS])
    for row in _rows(members):
        writer.writerow([
            row[key].strftime("%Y-%m-%d %H:%M") if key == "accepted_at" else neutralise_text(row[key])
            for key, _label in COLUMNS
        ])
    return buffer.getvalue().encode("utf-8")


def members_xlsx(members, *, title):
    workbook = Workbook()
    sheet = workbook.active
    # Excel refuses sheet names with []:*?/\ or over 31 characters.
    sheet.title = re.sub(r"[\[\]:*?/\\']", " ", title).strip()[:31] or "1"
    sheet.append([neutralise(str(label)) for _key, label in COLUMNS])
    for row in _rows(members):
        sheet.append([row[key] if key == "accepted_at" else neutralise(row[key] or "") for key, _label in COLUMNS])
    for cell in sheet["F"][1:]:
        cell.number_format = "yyyy-mm-dd hh:mm"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_members(group, members, *, export_format, user):
    """(bytes, content type, file name) of the group's members; logged on the group's page."""
    members = list(members)
    log_export(user, group.page, what=f"working-group members: {group.name}", export_format=export_format,
               rows=len(members))
    stem = f"czlonkowie-grupy-{group.pk}"
    if export_format == "xlsx":
        return members_xlsx(members, title=group.name), XLSX_CONTENT_TYPE, f"{stem}.xlsx"
    return members_csv(members), "text/csv; charset=utf-8", f"{stem}.csv"
