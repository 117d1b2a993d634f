"""Survey e-mails: the staff mail with a submission's answers, recorded in the outbox and built by the worker
(``FormsConfig.ready`` imports this module in every process)."""

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext
from wagtail.models import Page

from notifications import services as outbox
from notifications.models import Notification
from notifications.registry import message_builder
from notifications.services import compose

from ..mail import admin_url

Kind = Notification.Kind


def form_submitted(submission):
    """A plain survey was submitted: staff are told through the queue, never inside the request."""
    page = submission.page.specific
    outbox.enqueue(
        key=f"submission:{submission.pk}",
        kind=Kind.SURVEY_SUBMISSION,
        recipients=getattr(page, "to_address", ""),
        target=submission,
        page=page,
    )


@message_builder(Kind.SURVEY_SUBMISSION)
def build_survey_submission(notification):
    """Like Wagtail's ``EmailFormMixin.render_email``, from the stored answers."""
    page = Page.objects.get(pk=notification.page_id).specific
    submission = page.get_submission_class().objects.get(pk=notification.object_id)
    data = submission.form_data
    answers = []
    for field in page.get_form_fields():
        value = data.get(field.clean_name, "")
        answers.append((field.label, ", ".join(map(str, value)) if isinstance(value, list) else value))
    subject = getattr(page, "subject", "") or gettext("New answers: %(title)s") % {"title": page.title}
    context = {
        "page": page,
        "answers": answers,
        "submitted": formats.date_format(timezone.localtime(submission.submit_time), "SHORT_DATETIME_FORMAT"),
        "admin_url": admin_url("wagtailforms:list_submissions", page.pk),
    }
    message = compose(subject, render_to_string("forms/surveys/email/survey_submission.txt", context))
    if getattr(page, "from_address", ""):
        message.from_email = page.from_address
    return message


