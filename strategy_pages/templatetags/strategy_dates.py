"""Django's ``date`` filter, each distinct date formatted once per process.

Formatting a date costs 15–25 µs in Django (the format string split again, the month and weekday
names translated through lazy strings, a ``DateFormat`` object built), and a page formats the same few
dates many times: a workshop's sessions appear in the summary and in the form, each in three formats;
the news cards, the upcoming workshops and the strategy's schedule repeat theirs on every page. What
Django's filter returns depends only on the value, its time zone (already the current one: the filter
expects local time, so the template converts first), the format and the active language, so a bounded
memo keyed on them returns exactly Django's text. It is not a cache of content: nothing it keeps can go
stale. Loaded as a template builtin (``TEMPLATES`` in the settings), so every ``|date`` uses it.
"""

import datetime
import functools

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.translation import get_language

register = template.Library()


@functools.lru_cache(maxsize=4096)
def _formatted(value, kind, zone, fold, arg, language):
    return django_date(value, arg)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    """Django's ``date`` filter (same arguments, same text)."""
    if not isinstance(value, datetime.date):  # "", None, a string: Django's filter decides (nothing to keep)
        return django_date(value, arg)
    # The type, the zone and the fold are part of the key: a date equals no datetime, but two datetimes
    # equal as instants can be in different zones, and the two 02:30 of the autumn change equal each other.
    try:
        return _formatted(value, type(value), getattr(value, "tzinfo", None), getattr(value, "fold", 0), arg,
                          get_language())
    except TypeError:  # an argument that cannot be a key: formatted as usual
        return django_date(value, arg)
