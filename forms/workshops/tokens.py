"""Signed, unguessable tokens of the links residents get without an account: cancelling one registration,
the "Moje zgłoszenie" page of a submission, and the result page shown after the form post.

Each kind has its own salt, so a token of one kind is refused as another; a token names one object
and is signed with the site's secret key, so it tells nothing about any other submission.
"""

from django.core import signing

from .exceptions import InvalidCancellationLink, InvalidSubmissionLink
from .models import Registration, WorkshopPage, WorkshopSubmission

CANCEL_SALT = "forms.registration.cancel"
SUBMISSION_SALT = "forms.workshops.submission.manage"
RESULT_SALT = "forms.workshops.submission.result"


def cancel_token(registration):
    return signing.dumps(registration.pk, salt=CANCEL_SALT)


def registration_from_cancel_token(token):
    try:
        pk = signing.loads(token, salt=CANCEL_SALT)
        return Registration.objects.select_related("session", "page").get(pk=pk)
    except (signing.BadSignature, Registration.DoesNotExist, TypeError, ValueError) as exc:
        raise InvalidCancellationLink() from exc


def submission_token(submission):
    return signing.dumps(submission.pk, salt=SUBMISSION_SALT)


def submission_from_token(token):
    try:
        pk = signing.loads(token, salt=SUBMISSION_SALT)
        return WorkshopSubmission.objects.select_related("page").get(pk=pk)
    except (signing.BadSignature, WorkshopSubmission.DoesNotExist, TypeError, ValueError) as exc:
        raise InvalidSubmissionLink() from exc


def result_token(page, session_ids, refused_ids):
    """What the result page may show, and nothing more: the workshop, the chosen sessions and those
    refused for lack of places (what anybody posting would be told). No address, no registration."""
    return signing.dumps(
        {"p": page.pk, "s": sorted(session_ids), "r": sorted(refused_ids)}, salt=RESULT_SALT, compress=True
    )


def result_from_token(token):
    """(page, chosen session ids, refused session ids); raises ``InvalidSubmissionLink``."""
    try:
        data = signing.loads(token, salt=RESULT_SALT)
        page = WorkshopPage.objects.live().get(pk=int(data["p"]))
        return page, [int(pk) for pk in data["s"]], {int(pk) for pk in data["r"]}
    except (signing.BadSignature, WorkshopPage.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise InvalidSubmissionLink() from exc
