"""Admin hooks, kept thin: the rules are in ``forms.services``."""

from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from . import services


@hooks.register("before_delete_page")
def refuse_deleting_pages_with_registrations(request, page):
    # Registrations are kept for the record; deleting their page (or a section above it) would lose them.
    if services.page_tree_has_registrations(page):
        messages.error(request, services.PAGE_HAS_REGISTRATIONS_MESSAGE)
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


# The working-group and consultation admin registers its own hooks; so do the registrations admin,
# exports, GDPR and the gate in front of Wagtail's submission views (admin_hooks).
from . import admin_hooks, participation_hooks  # noqa: E402, F401
