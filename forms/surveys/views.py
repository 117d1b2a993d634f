"""The survey page's form: Wagtail's form builder, with abuse protection and the staff mail queued."""

from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject
from wagtail.contrib.forms.models import FormMixin

from ..abuse import protect_form_post
from . import messages


@protect_form_post
def serve_survey_page(page, request, *args, **kwargs):
    if request.method != "POST":
        # Wagtail's GET, with the form built only if rendered: the blank form (its questions) is
        # usually part of cached content.
        context = page.get_context(request)
        context["form"] = SimpleLazyObject(lambda: page.get_form(page=page, user=request.user))
        return TemplateResponse(request, page.get_template(request), context)
    response = FormMixin.serve(page, request, *args, **kwargs)
    # Wagtail answers an invalid form with 200; say 400 like the workshop registration does.
    if request.method == "POST" and "form" in (getattr(response, "context_data", None) or {}):
        response.status_code = 400
    return response


def store_answers(page, form):
    """Stores the answers, then hands the staff mail to the queue, in one transaction: EmailFormMixin's
    in-request mail is skipped, and a rollback sends nothing."""
    with transaction.atomic():
        submission = FormMixin.process_form_submission(page, form)
        messages.form_submitted(submission)
    return submission
