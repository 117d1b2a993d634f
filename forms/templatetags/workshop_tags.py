from django import template
from django.utils.translation import gettext, ngettext

register = template.Library()


@register.simple_tag(takes_context=True)
def upcoming_workshops(context, limit=3):
    """Upcoming workshops with their sessions and places left; a constant number of queries, never cached.

    On a page the page cache keeps, a placeholder the browser fills from an uncached view (forms/fragments.py).
    """
    from ..fragments import render_upcoming_workshops

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
