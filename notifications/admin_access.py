"""Access helpers shared by every admin view that holds personal data."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.views.defaults import permission_denied


def forbidden_as_403(view):
    """Answer 403 to a refused permission. Wagtail's ``require_admin_access`` would turn the exception
    into a redirect to the dashboard, which hides from a user (and from tests) that access was refused."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            return permission_denied(request, exc)

    return wrapper


def require(condition):
    """Refuse the request (403 through ``forbidden_as_403``) unless ``condition`` holds."""
    if not condition:
        raise PermissionDenied
