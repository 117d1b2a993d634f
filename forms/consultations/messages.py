"""E-mails about consultation submissions, through the outbox: a receipt to the person and a message to
staff, recorded inside the service's transaction and built by the worker (``FormsConfig.ready`` imports
this module in every process).
"""

from django.utils.translation import gettext

from notifications.registry import message_builder
from notifications.services import compose, enqueue

from ..mail import admin_url, local_datetime, page_url
from .models import ConsultationSubmission

SUBMISSION_RECEIPT = "consultation_submission_receipt"
SUBMISSION_STAFF = "consultation_submission_staff"


def queue_submission_received(submission):
    page = submission.page.specific
    enqueue(key=f"consultation-submission:{submission.pk}:receipt", kind=SUBMISSION_RECEIPT,
             recipients=[submission.email], target=submission, page=page)
    enqueue(key=f"consultation-submission:{submission.pk}:staff", kind=SUBMISSION_STAFF,
             recipients=page.notification_recipients, target=submission, page=page)


# Building (in the worker) -------------------------------------------------------------------


def _submission(notification):
    return ConsultationSubmission.objects.select_related("area").get(pk=notification.object_id)


@message_builder(SUBMISSION_RECEIPT)
def submission_receipt(notification):
    submission = _submission(notification)
    page = submission.page.specific
    values = {
        "name": submission.full_name,
        "reference": submission.reference,
        "consultation": page.title,
        "title": submission.title,
        "area": submission.area.name,
        "submitted": local_datetime(submission.submit_time),
        "attachment": submission.attachment_name or "–",
        "ends": local_datetime(page.ends_at),
        "url": page_url(page),
    }
    subject = gettext("Receipt of your consultation submission %(reference)s") % values
    text = gettext(
        "Hello %(name)s,\n\nwe have received your submission in the consultation “%(consultation)s”.\n\n"
        "Reference number: %(reference)s\nTitle: %(title)s\nThematic area: %(area)s\nReceived: %(submitted)s\n"
        "Attachment: %(attachment)s\n\nPlease quote the reference number if you contact us about it. "
        "The consultation is open until %(ends)s; after it ends, its report will be published on the "
        "consultation page, without names or contact details.\n\n%(url)s"
    ) % values
    return compose(subject, text)


@message_builder(SUBMISSION_STAFF)
def submission_staff(notification):
    submission = _submission(notification)
    values = {
        "reference": submission.reference,
        "consultation": submission.page.title,
        "title": submission.title,
        "area": submission.area.name,
        "represents": submission.represents,
        "url": admin_url("participation_submission", submission.pk),
    }
    # The title is the resident's text: in the body, never in the subject.
    subject = gettext("New consultation submission %(reference)s in “%(consultation)s”") % values
    text = gettext(
        "A new submission in the consultation “%(consultation)s” waits for moderation.\n\n"
        "Reference number: %(reference)s\nTitle: %(title)s\nThematic area: %(area)s\nRepresents: %(represents)s\n\n"
        "Moderate it in the admin:\n%(url)s"
    ) % values
    return compose(subject, text, links=(values["url"],))
