"""What every participation e-mail shares: local times, absolute links, the sender and the calendar zone.

One function, ``absolute_url``, builds every absolute link in mail (workshops, working groups,
consultations, surveys, staff and admin links), so that no message links to a placeholder host.
"""

import calendar
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from wagtail.models import Site

from notifications.registry import message_envelope
from strategy_pages.models import SiteSettings

# Wagtail's placeholder site, created by its first migration: not an address anyone can reach.
PLACEHOLDER_HOSTS = {"localhost"}


def local_datetime(moment):
    """E.g. "17 stycznia 2027, 17:00", in the site's time zone."""
    return formats.date_format(timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)), "j E Y, H:i")


def site_name():
    return getattr(settings, "WAGTAIL_SITE_NAME", None) or "Strategia"


def instant_key(moment):
    """A moment as a string for outbox keys: a later change of mind is a new message."""
    return str(int(moment.timestamp() * 1_000_000))


def staff_task_recipients(page, user=None):
    """Who gets a staff task (call a person who has no e-mail address): the page's staff recipients, or
    the member of staff who entered or decided when the page names none."""
    if page.notification_recipients.strip():
        return page.notification_recipients
    return [user.email] if user is not None and user.email else []


# Absolute links ---------------------------------------------------------------------------


def site_of(page=None):
    site = page.get_site() if page is not None else None
    return site or Site.objects.filter(is_default_site=True).first()


def admin_base_url():
    """WAGTAILADMIN_BASE_URL without its trailing slash: the address the server is really reached at
    (a host project may not set it; Wagtail then warns in ``manage.py check``)."""
    return str(getattr(settings, "WAGTAILADMIN_BASE_URL", None) or "http://localhost:8000").rstrip("/")


def site_root_url(page=None):
    """The public address of the page's site (or the default site) for links sent outside any request.

    Wagtail's placeholder site ("localhost" on port 80) falls back to WAGTAILADMIN_BASE_URL, the address
    the server is really reached at.
    """
    site = site_of(page)
    if site is None or (site.hostname in PLACEHOLDER_HOSTS and site.port == 80):
        return admin_base_url()
    return site.root_url.rstrip("/")


def absolute_url(path, *, page=None, admin=False):
    """Every absolute URL in mail: ``path`` on the public site of ``page``, or on the admin's address."""
    base = admin_base_url() if admin else site_root_url(page)
    return f"{base}{path if path.startswith('/') else '/' + path}"


def page_url(page):
    url_parts = page.get_url_parts()
    return absolute_url(url_parts[2] if url_parts else "/", page=page)


def admin_url(name, *args):
    return absolute_url(reverse(name, args=args), admin=True)


def site_domain(page=None):
    """The host name of the public site, e.g. for calendar UIDs."""
    from urllib.parse import urlsplit

    return urlsplit(site_root_url(page)).hostname or "localhost"


# Sender ---------------------------------------------------------------------------------


def site_settings(page=None):
    site = site_of(page)
    return SiteSettings.for_site(site) if site is not None else None


def organiser(page=None):
    """(name, e-mail) of the municipality office from the site settings; the e-mail may be empty."""
    values = site_settings(page)
    if values is None:
        return "", ""
    return values.municipality_name.strip(), values.email.strip()


def sender(page=None):
    """``"Urząd …" <strategia@…>``: the office's name on the configured sending address."""
    name, _email = organiser(page)
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    return formataddr((name, address)) if name else settings.DEFAULT_FROM_EMAIL


def organiser_address(page=None):
    """mailto address of the organiser: the office's e-mail, else the sending address."""
    _name, email = organiser(page)
    return email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


@message_envelope
def participation_envelope(notification, message):
    """Every message: sent in the office's name, replies go to the office (the organiser)."""
    page = notification.page.specific if notification.page_id else None
    if message.from_email in (None, "", settings.DEFAULT_FROM_EMAIL):  # a survey may set its own sender
        message.from_email = sender(page)
    _name, email = organiser(page)
    if email and not message.reply_to:
        message.reply_to = [email]


# Calendar time zone -------------------------------------------------------------------


def _transitions(zone, year):
    """The moments (UTC) in ``year`` when ``zone``'s offset changes, with the offsets before and after."""
    start = datetime(year, 1, 1, tzinfo=ZoneInfo("UTC"))
    found, moment = [], start
    previous = moment.astimezone(zone).utcoffset()
    while moment.year == year:
        step = moment + timedelta(hours=1)
        offset = step.astimezone(zone).utcoffset()
        if offset != previous:
            found.append((step, previous, offset, step.astimezone(zone).tzname()))
            previous = offset
        moment = step
    return found


def _yearly_rule(local_moment):
    """RRULE of the n-th (or last) weekday of the month on which a transition falls."""
    day, month = local_moment.day, local_moment.month
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[local_moment.weekday()]
    last_day = calendar.monthrange(local_moment.year, month)[1]
    ordinal = -1 if day + 7 > last_day else (day - 1) // 7 + 1
    return {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": f"{ordinal}{weekday}"}


def _offset(delta):
    return icalendar.vUTCOffset(delta)


def vtimezone(zone_name, year):
    """A rule-based VTIMEZONE (RFC 5545 §3.6.5) for ``zone_name`` as its rules stand in ``year``:
    one STANDARD and one DAYLIGHT part with a yearly RRULE (for Europe/Warsaw the last Sundays of March
    and October), not a list of transitions, which some calendar readers misapply."""
    zone = ZoneInfo(zone_name)
    timezone_component = icalendar.Timezone()
    timezone_component.add("tzid", zone_name)
    transitions = _transitions(zone, year)
    if not transitions:
        standard = icalendar.TimezoneStandard()
        offset = datetime(year, 1, 1, tzinfo=zone).utcoffset()
        standard.add("dtstart", datetime(1970, 1, 1))
        standard.add("tzoffsetfrom", _offset(offset))
        standard.add("tzoffsetto", _offset(offset))
        standard.add("tzname", datetime(year, 1, 1, tzinfo=zone).tzname())
        timezone_component.add_component(standard)
        return timezone_component
    for moment, before, after, name in transitions:
        part = icalendar.TimezoneDaylight() if after > before else icalendar.TimezoneStandard()
        # DTSTART is the local wall-clock time of the change, in the offset in force before it.
        local_before = (moment + before).replace(tzinfo=None)
        first = datetime(1970, local_before.month, 1, local_before.hour, local_before.minute)
        rule = _yearly_rule(local_before)
        # The first such weekday of 1970 from which the rule applies (RFC 5545: DTSTART matches the RRULE).
        ordinal = int(rule["BYDAY"][:-2])
        weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU").index(rule["BYDAY"][-2:])
        days = [d for d in range(1, calendar.monthrange(1970, first.month)[1] + 1)
                if datetime(1970, first.month, d).weekday() == weekday]
        first = first.replace(day=days[ordinal] if ordinal < 0 else days[ordinal - 1])
        part.add("dtstart", first)
        part.add("rrule", rule)
        part.add("tzoffsetfrom", _offset(before))
        part.add("tzoffsetto", _offset(after))
        part.add("tzname", name)
        timezone_component.add_component(part)
    return timezone_component
