"""Who may see personal data, checked the same way by every admin view and export.

Roles (permission groups created by migration 0007, names in Polish):

* ``ROLE_EDITORS`` ("Redaktorzy"): pages, images and documents; never personal data;
* ``ROLE_FORM_ADMINS`` ("Administratorzy formularzy"): everything editors do, plus forms,
  registrations, sign-ups, submissions, notifications and GDPR requests;
* ``ROLE_REVIEWERS`` ("Recenzenci grup roboczych"): the admin and the assessment permission; which
  submissions a reviewer sees comes from the per-group reviewers' groups (``forms.consultations.services``).

Every personal-data view is wrapped in ``personal_data_view``: anonymous users are sent to the
login page (Wagtail's ``require_admin_access``), everyone else without the permission gets 403.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from wagtail.admin.auth import require_admin_access
from wagtail.permission_policies.base import BasePermissionPolicy

from notifications.admin_access import forbidden_as_403

VIEW_PERSONAL_DATA = "strategy_forms.view_personal_data"

ROLE_EDITORS = "Redaktorzy"
ROLE_FORM_ADMINS = "Administratorzy formularzy"
ROLE_REVIEWERS = "Recenzenci grup roboczych"


def can_view_personal_data(user):
    """Form administrators (and superusers): registrations, sign-ups, exports, erasure."""
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(VIEW_PERSONAL_DATA))


def require_personal_data(user):
    if not can_view_personal_data(user):
        raise PermissionDenied


def personal_data_view(view):
    """Admin login for anonymous users, 403 for users without the permission, then the view."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        require_personal_data(request.user)
        return view(request, *args, **kwargs)

    return require_admin_access(forbidden_as_403(checked))


class PersonalDataPermissionPolicy(BasePermissionPolicy):
    """For the registrations' admin viewset: viewing and exporting need the personal-data
    permission; adding, editing and deleting are never done through generic views (they would
    skip the service's capacity and waitlist rules), so nobody has them."""

    READ_ACTIONS = frozenset({"view", "export", "inspect"})

    def user_has_permission(self, user, action):
        return action in self.READ_ACTIONS and can_view_personal_data(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        if not self.READ_ACTIONS.intersection(actions):
            return get_user_model().objects.none()
        app_label, codename = VIEW_PERSONAL_DATA.split(".")
        permission = Q(
            user_permissions__content_type__app_label=app_label, user_permissions__codename=codename
        ) | Q(groups__permissions__content_type__app_label=app_label, groups__permissions__codename=codename)
        return get_user_model().objects.filter(Q(is_superuser=True) | permission, is_active=True).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])
