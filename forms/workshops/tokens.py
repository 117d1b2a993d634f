"""What identifies a registration outside an account: signed, unguessable cancellation links, and the
door check-in code with its QR code (which only opens the admin's check-in for logged-in staff)."""

import io

import segno
from django.core import signing
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..mail import absolute_url
from .exceptions import InvalidCancellationLink
from .models import Registration

CANCEL_SALT = "forms.registration.cancel"


def cancel_token(registration):
    return signing.dumps(registration.pk, salt=CANCEL_SALT)


def registration_from_cancel_token(token):
    try:
        pk = signing.loads(token, salt=CANCEL_SALT)
        return Registration.objects.select_related("session", "page").get(pk=pk)
    except (signing.BadSignature, Registration.DoesNotExist, TypeError, ValueError) as exc:
        raise InvalidCancellationLink() from exc


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
