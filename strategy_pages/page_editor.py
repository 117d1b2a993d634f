"""Wagtail's page editor as this site's staff use it: an "add page" form that creates nothing by itself.

Wagtail 8 autosaves the "add page" form: the first autosave creates the page as a draft, so an abandoned
form leaves a page nobody saved in the tree, and starting the same article again clashes with its slug.
Here the add form is not autosaved (the page exists once the editor saves it); the edit form still is.
"""

from django.urls import path
from django.utils.translation import gettext as _
from wagtail.admin.views.pages.create import CreateView


class CreatePageView(CreateView):
    def dispatch(self, request, *args, **kwargs):
        # A JSON post is an autosave (the only client that asks the add view for JSON): it creates nothing.
        if request.method == "POST" and self.expects_json_response:
            return self.json_error_response("autosave_disabled", _("The page is created when you save it."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["autosave_enabled"] = False
        context.pop("autosave_indicator", None)
        return context


def admin_urls():
    """Paths for cms/urls.py, ahead of Wagtail's own (which keep their names for reversing)."""
    from wagtail.admin.auth import require_admin_access

    return [
        path(
            "admin/pages/add/<slug:content_type_app_name>/<slug:content_type_model_name>/<int:parent_page_id>/",
            require_admin_access(CreatePageView.as_view()),
        ),
    ]
