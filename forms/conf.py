"""Settings of the forms app that shape the page tree, each with this project's value as its default.

A host Wagtail site (README, "Use in an existing Wagtail site") sets them to place the forms section
under its own home page. They are read once, when the page models are defined (Wagtail reads a page
type's ``parent_page_types`` from the class).
"""

from django.conf import settings

#: Where a forms section (FormIndexPage) may be created: this project's home page.
DEFAULT_FORM_INDEX_PARENT_PAGE_TYPES = ["strategy_pages.HomePage"]
#: Where the form pages (workshops, surveys, working-group sign-up, consultations) may be created.
DEFAULT_FORM_PAGE_PARENT_PAGE_TYPES = ["strategy_forms.FormIndexPage"]


def form_index_parent_page_types():
    return list(getattr(settings, "FORM_INDEX_PARENT_PAGE_TYPES", DEFAULT_FORM_INDEX_PARENT_PAGE_TYPES))


def form_page_parent_page_types():
    return list(getattr(settings, "FORM_PAGE_PARENT_PAGE_TYPES", DEFAULT_FORM_PAGE_PARENT_PAGE_TYPES))
