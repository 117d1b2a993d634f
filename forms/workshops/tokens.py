"""Signed, unguessable tokens of the links residents get without an account: cancelling one registration,
the "Moje zgłoszenie" page of a submission, and the result page shown after the form post.

Each kind has its own salt, so a token of one kind is refused as another; a token names one object
and is signed with the site's secret key, so it tells nothing about any other submission. The door
check-in code's QR code is here too: it only opens the admin's check-in for logged-in staff.
"""

import io

import segno
from django.core import signing
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..mail import absolute_url
from .exceptions import InvalidCancellationLink, InvalidSubmissionLink
from .models import Registration, WorkshopPage, WorkshopSubmission

CANCEL_SALT = "forms.registration.cancel"
SUBMISSION_SALT = "forms.workshops.submission.manage"
RESULT_SALT = "forms.workshops.submission.result"
OFFER_SALT = "forms.workshops.registration.offer"


def _registration_from(token, salt, error, *related):
    try:
        pk = signing.loads(token, salt=salt)
        return Registration.objects.select_related(*related).get(pk=pk)
    except (signing.BadSignature, Registration.DoesNotExist, TypeError, ValueError) as exc:
        raise error() from exc


def cancel_token(registration):
    return signing.dumps(registration.pk, salt=CANCEL_SALT)


def registration_from_cancel_token(token):
    return _registration_from(token, CANCEL_SALT, InvalidCancellationLink, "session", "page")


def offer_token(registration):
    """The link accepting a place offered from the waitlist (it is checked against the offer when used)."""
    return signing.dumps(registration.pk, salt=OFFER_SALT)


def registration_from_offer_token(token):
    return _registration_from(token, OFFER_SALT, InvalidSubmissionLink, "session__page", "submission")


def submission_token(submission):
    return signing.dumps(submission.pk, salt=SUBMISSION_SALT)


def submission_from_token(token):
    try:
        pk = signing.loads(token, salt=SUBMISSION_SALT)
        return WorkshopSubmission.objects.select_related("page").get(pk=pk)
    except (signing.BadSignature, WorkshopSubmission.DoesNotExist, TypeError, ValueError) as exc:
        raise InvalidSubmissionLink() from exc


def result_token(page, session_ids, refused_ids, reasons=None):
    """What the result page may show, and nothing more: the workshop, the chosen sessions and those
    refused (what the post itself answered). ``reasons``: session id -> why it was refused, when not
    for lack of places (a per-person limit, a cancelled session). No address, no registration."""
    data = {"p": page.pk, "s": sorted(session_ids), "r": sorted(refused_ids)}
    if reasons:
        data["m"] = {str(pk): str(reason) for pk, reason in reasons.items()}
    return signing.dumps(data, salt=RESULT_SALT, compress=True)


def result_from_token(token):
    """(page, chosen session ids, refused session ids); raises ``InvalidSubmissionLink``."""
    try:
        data = signing.loads(token, salt=RESULT_SALT)
        page = WorkshopPage.objects.live().get(pk=int(data["p"]))
        reasons = {int(pk): str(reason) for pk, reason in data.get("m", {}).items()}
        return page, [int(pk) for pk in data["s"]], {int(pk) for pk in data["r"]}, reasons
    except (signing.BadSignature, WorkshopPage.DoesNotExist, KeyError, TypeError, ValueError) as exc:
        raise InvalidSubmissionLink() from exc
# Check-in code ------------------------------------------------------------------------------------


def check_in_url(registration):
    """The absolute admin address of this registration's check-in: nothing personal but the code."""
    return absolute_url(reverse("registrations:check_in_code", args=[registration.check_in_code]), admin=True)


def _check_in_qr(registration):
    # Error correction "M" survives a scratched phone screen or a creased print-out.
    return segno.make_qr(check_in_url(registration), error="m")


def check_in_qr_svg(registration):
    """The QR code as inline SVG, an image with a text alternative naming the code."""
    label = gettext("QR code for the check-in, code %(code)s") % {"code": registration.check_in_code}
    svg = _check_in_qr(registration).svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass="check-in-qr")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def check_in_qr_png(registration):
    """The QR code as a PNG (for mail: clients show images, not inline SVG)."""
    buffer = io.BytesIO()
    _check_in_qr(registration).save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()
