"""The registrations export: one file with everything staff know about each registration.

Workshop, session and its start, the person, status, waitlist position, source, attendance, the
dates, and every answer to the workshop's extra questions under the question's label. The rows
are the registrations list's own queryset, so the export is filtered, searched and ordered like the
list. Cells are written by the shared writer (``forms.privacy.exports``).
"""

from django.utils.translation import gettext, gettext_lazy

from ..privacy.exports import FormulaSafeExportMixin
from .models import Registration, WorkshopFormField

Status = Registration.Status

# (field for Wagtail's list_export, heading, value of a registration)
COLUMNS = [
    ("page.title", gettext_lazy("Workshop"), lambda r, ctx: r.page.title),
    ("session.title", gettext_lazy("Session"), lambda r, ctx: r.session.title),
    ("session.starts_at", gettext_lazy("Session starts"), lambda r, ctx: r.session.starts_at),
    ("full_name", gettext_lazy("Full name"), lambda r, ctx: r.full_name),
    ("email", gettext_lazy("E-mail"), lambda r, ctx: r.email),
    ("phone", gettext_lazy("Phone"), lambda r, ctx: r.phone),
    ("get_status_display", gettext_lazy("Status"), lambda r, ctx: r.get_status_display()),
    ("waitlist_position", gettext_lazy("Waitlist position"), lambda r, ctx: ctx["positions"].get(r.pk)),
    ("get_source_display", gettext_lazy("Source"), lambda r, ctx: r.get_source_display()),
    ("attended", gettext_lazy("Attendance"), lambda r, ctx: attendance_text(r.attended)),
    ("submit_time", gettext_lazy("Registered"), lambda r, ctx: r.submit_time),
    ("cancelled_at", gettext_lazy("Cancelled"), lambda r, ctx: r.cancelled_at),
]

LIST_EXPORT = [field for field, _heading, _value in COLUMNS]


def attendance_text(attended):
    return {True: gettext("attended"), False: gettext("absent")}.get(attended, "")


def waitlist_positions(queryset):
    """Registration id -> its place on its session's waitlist (1 = next to get a place), one query."""
    waiting = (Registration.objects.filter(session_id__in=queryset.values("session_id"), status=Status.WAITLISTED)
               .order_by("session_id", "id").values_list("session_id", "id"))
    positions, last_session, position = {}, None, 0
    for session_id, registration_id in waiting:
        position = position + 1 if session_id == last_session else 1
        last_session = session_id
        positions[registration_id] = position
    return positions


def extra_questions(queryset):
    """The extra questions of the workshops in ``queryset``: their labels in form order (a label two
    workshops share is one column), and per workshop which answer key each label reads."""
    fields = WorkshopFormField.objects.filter(page_id__in=queryset.values("page_id")).order_by("page_id", "sort_order",
                                                                                              "pk")
    labels, keys = [], {}
    for field in fields:
        if field.label not in labels:
            labels.append(field.label)
        keys.setdefault(field.page_id, {})[field.label] = field.clean_name
    return labels, keys


class RegistrationExportMixin(FormulaSafeExportMixin):
    """For the registrations' index view: the complete export (see the module's docstring)."""

    export_log_what = "registrations"
    export_sheet_title = gettext_lazy("Registrations")

    def export_headings_for(self, queryset):
        labels, _keys = extra_questions(queryset)
        return [heading for _field, heading, _value in COLUMNS] + labels

    def export_rows(self, queryset):
        labels, keys = extra_questions(queryset)
        context = {"positions": waitlist_positions(queryset)}
        for registration in queryset.select_related("page", "session"):
            answers = registration.form_data or {}
            page_keys = keys.get(registration.page_id, {})
            yield [value(registration, context) for _field, _heading, value in COLUMNS] + [
                answers.get(page_keys[label]) if label in page_keys else None for label in labels
            ]
