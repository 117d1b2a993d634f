"""Helpers of the participation e-mails (working groups, consultations): local times and absolute links."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone


def local_datetime(moment):
    """E.g. "17 stycznia 2027, 17:00", in the site's time zone."""
    return formats.date_format(timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)), "j E Y, H:i")


def admin_base_url():
    """WAGTAILADMIN_BASE_URL without its trailing slash: the address the server is really reached at
    (a host project may not set it; Wagtail then warns in ``manage.py check``)."""
    return str(getattr(settings, "WAGTAILADMIN_BASE_URL", None) or "http://localhost:8000").rstrip("/")


def site_name():
    return getattr(settings, "WAGTAIL_SITE_NAME", None) or "Strategia"


def page_url(page):
    return page.get_full_url() or f"{admin_base_url()}{page.url or '/'}"


def admin_url(name, *args):
    return f"{admin_base_url()}{reverse(name, args=args)}"


def instant_key(moment):
    """A moment as a string for outbox keys: a later change of mind is a new message."""
    return str(int(moment.timestamp() * 1_000_000))


def staff_task_recipients(page, user=None):
    """Who gets a staff task (call a person who has no e-mail address): the page's staff recipients, or
    the member of staff who entered or decided when the page names none."""
    if page.notification_recipients.strip():
        return page.notification_recipients
    return [user.email] if user is not None and user.email else []
