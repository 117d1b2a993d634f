"""Plain surveys built with Wagtail's form builder: no places, just answers."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from strategy_pages.caching import SkipViewRestrictionsMixin

from ..conf import form_page_parent_page_types
from ..lazy_import import LazyImport
from ..privacy.models import FormAdminInlinePanel, PersonalDataSettings, form_admin_field
from ..questions import PreparedQuestionsMixin

TEXT_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class SurveyFormField(AbstractFormField):
    page = ParentalKey("SurveyPage", on_delete=models.CASCADE, related_name="form_fields")


class SurveyPage(SkipViewRestrictionsMixin, PreparedQuestionsMixin, PersonalDataSettings, AbstractEmailForm):  # noqa: DJ008 - Page.__str__
    """A survey. Staff e-mail (to_address/subject) goes through the task queue, never inside the request."""

    template = "forms/surveys/survey_page.html"
    # The questions are a fragment reused until the next publication; the CSRF token is filled in on
    # every request (strategy_pages.caching).
    cache_page_content = True

    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)
    thank_you_text = RichTextField(_("thank-you text"), blank=True, features=TEXT_FEATURES)

    landing_page_template = "forms/surveys/survey_page_landing.html"
    # Wagtail's builder with a length limit on every text field.
    form_builder = LazyImport("forms.fields.LengthLimitedFormBuilder")
    page_views = LazyImport("forms.surveys.views")
    base_form_class = LazyImport("forms.surveys.forms.SurveyPageForm")

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        # The questions decide what is collected; the staff mail routes the answers: form administrators only.
        FormAdminInlinePanel(
            "form_fields", heading=_("Form fields"), label=_("form field"), add_button_label=_("Add form field")
        ),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([form_admin_field("from_address"), form_admin_field("to_address")]),
                form_admin_field("subject"),
            ],
            heading=_("E-mail to staff"),
        ),
        *PersonalDataSettings.personal_data_panels,
    ]
    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("intro")]

    parent_page_types = form_page_parent_page_types()
    subpage_types = []

    class Meta:
        verbose_name = _("survey page")
        verbose_name_plural = _("survey pages")

    def serve(self, request, *args, **kwargs):
        return self.page_views.serve_survey_page(self, request, *args, **kwargs)

    def process_form_submission(self, form):
        return self.page_views.store_answers(self, form)

    def send_mail(self, form):
        """Never sends inside the request: staff e-mail is queued by ``forms.surveys.messages``."""
