"""Plain surveys built with Wagtail's form builder: no places, just answers."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField, FormMixin
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from .. import notify
from ..abuse import SurveyFormBuilder, protect_form_post
from .gdpr import PersonalDataSettings

TEXT_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class SurveyFormField(AbstractFormField):
    page = ParentalKey("SurveyPage", on_delete=models.CASCADE, related_name="form_fields")


class SurveyPage(PersonalDataSettings, AbstractEmailForm):
    """A survey. Staff e-mail (to_address/subject) goes through the task queue, never inside the request."""

    template = "forms/survey_page.html"

    intro = RichTextField(_("introduction"), blank=True, features=TEXT_FEATURES)
    thank_you_text = RichTextField(_("thank-you text"), blank=True, features=TEXT_FEATURES)

    landing_page_template = "forms/survey_page_landing.html"
    # Wagtail's builder with a length limit on every text field.
    form_builder = SurveyFormBuilder

    content_panels = [
        *AbstractEmailForm.content_panels,
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail to staff"),
        ),
        *PersonalDataSettings.personal_data_panels,
    ]
    search_fields = [*AbstractEmailForm.search_fields, index.SearchField("intro")]

    parent_page_types = ["strategy_forms.FormIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("survey page")
        verbose_name_plural = _("survey pages")

    @protect_form_post
    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # Wagtail answers an invalid form with 200; say 400 like the workshop registration does.
        if request.method == "POST" and "form" in (getattr(response, "context_data", None) or {}):
            response.status_code = 400
        return response

    def process_form_submission(self, form):
        # Skip EmailFormMixin's in-request mail: store the answers, then hand over to the queue
        # (the seam schedules its work for after the commit, so a rollback sends nothing).
        with transaction.atomic():
            submission = FormMixin.process_form_submission(self, form)
            notify.form_submitted(submission)
        return submission

    def send_mail(self, form):
        """Never sends inside the request: staff e-mail is queued by ``notify.form_submitted``."""
