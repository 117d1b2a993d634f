from django import template

register = template.Library()


@register.inclusion_tag("forms/includes/upcoming_workshops.html", takes_context=True)
def upcoming_workshops(context, limit=3):
    """Upcoming workshop sessions with places left (filled in by the registration work)."""
    return {"sessions": [], "request": context.get("request")}
