"""E-mails about consultation submissions, through the outbox: a receipt to the person and a message to
staff, recorded inside the service's transaction and built by the worker (``FormsConfig.ready`` imports
this module in every process).
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.registry import message_builder
from notifications.services import compose, enqueue

from ..mail import admin_url, local_datetime, page_url, staff_task_recipients
from ..working_groups.models import Channel
from .models import ConsultationSubmission

SUBMISSION_RECEIPT = "consultation_submission_receipt"
SUBMISSION_STAFF = "consultation_submission_staff"
# For a person without an e-mail address: staff tell them the reference number by phone.
SUBMISSION_PHONE_TASK = "consultation_submission_phone_task"


def queue_submission_received(submission):
    page = submission.page.specific
    enqueue(key=f"consultation-submission:{submission.pk}:receipt", kind=SUBMISSION_RECEIPT,
             recipients=[submission.email], target=submission, page=page)
    queue_submission_staff(submission)


def queue_submission_staff(submission):
    page = submission.page.specific
    enqueue(key=f"consultation-submission:{submission.pk}:staff", kind=SUBMISSION_STAFF,
             recipients=page.notification_recipients, target=submission, page=page)


def queue_submission_phone_task(submission, user=None):
    page = submission.page.specific
    return enqueue(key=f"consultation-submission:{submission.pk}:phone-task", kind=SUBMISSION_PHONE_TASK,
                    recipients=staff_task_recipients(page, user), target=submission, page=page)


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
    if submission.channel != Channel.ONLINE:
        text = gettext("Your submission, received %(channel)s on %(date)s, has been entered by our staff.") % {
            "channel": submission.get_channel_display(), "date": local_datetime(submission.arrived_at),
        } + "\n\n" + text
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
        "channel": submission.get_channel_display(),
        "received": local_datetime(submission.arrived_at),
        "url": admin_url("participation_submission", submission.pk),
    }
    # The title is the resident's text: in the body, never in the subject.
    subject = gettext("New consultation submission %(reference)s in “%(consultation)s”") % values
    text = gettext(
        "A new submission in the consultation “%(consultation)s” waits for moderation.\n\n"
        "Reference number: %(reference)s\nTitle: %(title)s\nThematic area: %(area)s\nRepresents: %(represents)s\n"
        "Received: %(channel)s, %(received)s\n\nModerate it in the admin:\n%(url)s"
    ) % values
    return compose(subject, text)


@message_builder(SUBMISSION_PHONE_TASK, label=_("consultation submission without e-mail: call the person (staff)"))
def submission_phone_task(notification):
    submission = _submission(notification)
    values = {
        "name": submission.full_name,
        "phone": submission.phone,
        "reference": submission.reference,
        "consultation": submission.page.title,
        "title": submission.title,
        "channel": submission.get_channel_display(),
        "received": local_datetime(submission.arrived_at),
        "url": admin_url("participation_submission", submission.pk),
    }
    subject = gettext("Task: call %(name)s about the consultation submission %(reference)s") % values
    text = gettext(
        "%(name)s has no e-mail address, so the receipt of the submission cannot be sent. Please call the person "
        "at %(phone)s and give them the reference number %(reference)s of their submission “%(title)s” in the "
        "consultation “%(consultation)s” (received %(channel)s, %(received)s).\n\nThe submission in the "
        "admin:\n%(url)s"
    ) % values
    return compose(subject, text, links=(values["url"],))
