"""Admin for the outbox: list (filterable by page, status, kind), inspect, re-send.

Rows are written by the system only, so adding, editing and deleting are refused
for everyone; seeing needs ``notifications.view_notification`` and re-sending
``notifications.resend_notification`` (superusers have both).
"""

import django_filters
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import BaseOperationView, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import Button, ListingButton
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from . import services
from .admin_access import forbidden_as_403
from .models import Notification, kind_choices

RESEND_ACTION = "notifications.resend"


class NotificationPermissionPolicy(ModelPermissionPolicy):
    """Outbox rows are written by the system: nobody adds, edits or deletes them by hand."""

    READ_ONLY_REFUSED = {"add", "change", "delete"}

    def user_has_permission(self, user, action):
        return action not in self.READ_ONLY_REFUSED and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


def pages_with_notifications(request=None):
    return Page.objects.filter(pk__in=Notification.objects.values("page_id")).order_by("title")


class NotificationFilterSet(WagtailFilterSet):
    page = django_filters.ModelChoiceFilter(label=_("Page"), queryset=pages_with_notifications)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Notification.Status.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=kind_choices)

    class Meta:
        model = Notification
        fields = ["page", "status", "kind"]


class NotificationIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("resend"):
            url = reverse(f"{self.viewset_name}:resend", args=[instance.pk])
            buttons.append(ListingButton(_("Re-send"), url=url, icon_name="mail", priority=40))
        return buttons

    @cached_property
    def viewset_name(self):
        return self.index_url_name.rpartition(":")[0]


class NotificationInspectView(InspectView):
    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.user_has_permission("resend"):
            url = reverse(f"{self.index_url_name.rpartition(':')[0]}:resend", args=[self.object.pk])
            buttons.append(Button(_("Re-send"), url=url, icon_name="mail", priority=30))
        return buttons


class ResendView(PermissionCheckedMixin, WagtailAdminTemplateMixin, BaseOperationView):
    """GET asks for confirmation; POST queues the message again and logs who did it."""

    model = Notification
    permission_required = "resend"
    template_name = "notifications/admin/confirm_resend.html"
    page_title = _("Re-send notification")
    header_icon = "mail"
    index_url_name = None
    inspect_url_name = None

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_page_subtitle(self):
        return str(self.object)

    def perform_operation(self):
        self.resent = services.resend(self.object)
        log(instance=self.resent, action=RESEND_ACTION, user=self.request.user, data={"notification": self.object.pk})

    def get_success_message(self):
        return _("The notification is queued to be sent again.")

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=[self.resent.pk])


class NotificationViewSet(ModelViewSet):
    model = Notification
    icon = "mail"
    menu_label = _("Notifications")
    menu_order = 290
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = NotificationIndexView
    inspect_view_class = NotificationInspectView
    filterset_class = NotificationFilterSet
    list_per_page = 50
    list_display = ["__str__", "page", "status", "attempts", "last_error", "created_at", "sent_at"]
    inspect_view_fields = [
        "kind",
        "status",
        "recipients",
        "subject",
        "page",
        "attempts",
        "last_error",
        "created_at",
        "queued_at",
        "next_attempt_at",
        "sent_at",
        "resend_of",
        "key",
    ]
    url_finder_class = ModelAdminURLFinder
    # The add/edit views exist (other views link to them) but the permission policy refuses them.
    form_fields = ["status"]

    @property
    def resend_view(self):
        return self.construct_view(ResendView, inspect_url_name=self.get_url_name("inspect"))

    def get_urlpatterns(self):
        patterns = [*super().get_urlpatterns(), path("resend/<str:pk>/", self.resend_view, name="resend")]
        # Recipients are personal data: a refusal is a real 403, not Wagtail's redirect to the dashboard.
        for pattern in patterns:
            pattern.callback = forbidden_as_403(pattern.callback)
        return patterns


register_permission_policy(Notification, NotificationPermissionPolicy(Notification))
notification_viewset = NotificationViewSet("notifications")
