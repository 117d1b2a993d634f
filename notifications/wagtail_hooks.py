"""Registers the outbox admin, its log action and a link from a page's header to its notifications;
and how every inspect view of the admin shows a date and time."""

from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.fields import BaseFieldDisplay, register_display_class
from wagtail.admin.widgets import Button
from wagtail.permissions import policy_registry

from .models import Notification
from .views import RESEND_ACTION, notification_viewset


class LocalDateTimeDisplay(BaseFieldDisplay):
    """Wagtail's inspect view prints a datetime with ``|localize``, which skips the time zone (a 21:05
    registration read 20:05): here it is the site's local time, to the minute, like the listings."""

    def render_html(self, parent_context=None):
        if self.value is None:
            return "—"
        return escape(formats.date_format(timezone.localtime(self.value), "DATETIME_FORMAT"))


class YesNoDisplay(BaseFieldDisplay):
    """A yes/no field in words of the admin's language ("None" for an unknown answer was English)."""

    def render_html(self, parent_context=None):
        return {True: _("yes"), False: _("no")}.get(self.value, "—")


register_display_class(models.DateTimeField, display_class=LocalDateTimeDisplay)
register_display_class(models.BooleanField, display_class=YesNoDisplay)


@hooks.register("register_admin_viewset")
def register_notification_viewset():
    return notification_viewset


@hooks.register("register_log_actions")
def register_notification_log_actions(actions):
    actions.register_action(RESEND_ACTION, _("Re-send notification"), _("Notification re-sent"))


@hooks.register("register_page_header_buttons")
def page_notifications_button(page, user, view_name, next_url=None):
    """"Notifications" in the header menu of pages that have any (workshops and surveys)."""
    if not policy_registry.get_by_type(Notification).user_has_permission(user, "view"):
        return
    if not Notification.objects.filter(page_id=page.pk).exists():
        return
    url = f"{reverse(notification_viewset.get_url_name('index'))}?page={page.pk}"
    yield Button(_("Notifications"), url=url, icon_name="mail", priority=80)
