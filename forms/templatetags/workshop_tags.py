from django import template
from django.utils.translation import gettext, ngettext

from ..workshops.fragments import render_session_choices, render_session_summary, render_upcoming_workshops

register = template.Library()


@register.simple_tag(takes_context=True)
def upcoming_workshops(context, limit=3):
    """Upcoming workshops with their sessions and places left; a constant number of queries, never cached.

    On a page the page cache keeps, a placeholder the browser fills from an uncached view (workshops/fragments.py).
    """
    return render_upcoming_workshops(context.get("request"), limit=limit)


@register.simple_tag
def places_left_text(session):
    """ "zostało 12 z 30 miejsc" / "Brak wolnych miejsc" for a session from ``sessions_with_places``."""
    left = session.places_left
    if left <= 0:
        return gettext("No places left")
    return ngettext(
        "%(left)s of %(capacity)s place left", "%(left)s of %(capacity)s places left", left
    ) % {"left": left, "capacity": session.capacity}


@register.simple_tag(takes_context=True)
def live_session_summary(context):
    """The workshop's sessions with places left: counted on every request, also inside cached content."""
    return render_session_summary(context.get("request"), context["page"], context.get("sessions"))


@register.simple_tag(takes_context=True)
def live_session_choices(context, field, selected):
    """The session checkboxes of the registration form, with places left counted on every request."""
    return render_session_choices(
        context.get("request"), context["page"], context.get("sessions"), field.html_name, field.auto_id, selected
    )
