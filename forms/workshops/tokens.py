"""Signed, unguessable tokens of the self-service cancellation links (no account needed)."""

from django.core import signing

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
