"""The "Ankiety" section: one page that holds workshop registrations and surveys."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .conf import form_index_parent_page_types


class FormIndexPage(Page):
    template = "forms/form_index_page.html"

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul", "ol"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    # FORM_INDEX_PARENT_PAGE_TYPES (forms/conf.py): a host site puts the section under its own home page.
    parent_page_types = form_index_parent_page_types()
    subpage_types = [
        "strategy_forms.WorkshopPage",
        "strategy_forms.SurveyPage",
        "strategy_forms.WorkingGroupSignupPage",
        "strategy_forms.ConsultationPage",
    ]

    class Meta:
        verbose_name = _("forms section")
        verbose_name_plural = _("forms sections")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["form_pages"] = self.get_children().live().public().specific().order_by("-first_published_at")
        return context
