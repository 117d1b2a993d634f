"""Errors raised by the workshop registration service, each with a message a resident can read."""

from django.utils.translation import gettext_lazy as _

from ..exceptions import RegistrationError


class RegistrationClosed(RegistrationError):
    message = _("Registration for this workshop is not open at the moment.")


class CapacityBelowConfirmed(RegistrationError):
    message = _("The capacity cannot be lower than the number of confirmed registrations.")

    def __init__(self, confirmed=None):
        message = None
        if confirmed is not None:
            message = _(
                "The number of places cannot be lower than the number of confirmed registrations (%(confirmed)d)."
            ) % {"confirmed": confirmed}
        super().__init__(message)


class InvalidCancellationLink(RegistrationError):
    message = _("This cancellation link is not valid. Please use the link from your confirmation e-mail.")


class SessionStarted(RegistrationError):
    """A cancellation link used once its session has started: it no longer works (staff can still cancel)."""

    message = _("This session has already started, so the registration can no longer be cancelled with the link. "
                "If you need help, please contact the organisers.")


class MoveRefused(RegistrationError):
    """Moving a registration to another session was refused; nothing changed."""

    message = _("The registration could not be moved.")


class InvalidSubmissionLink(RegistrationError):
    message = _("This link is not valid. Please use the link from your confirmation e-mail.")


class NothingToRegister(RegistrationError):
    """A "register again" asked for a session the submission holds an active registration for."""

    message = _("You are already registered for this session.")


class CheckInRefused(RegistrationError):
    """A check-in at the door (or a walk-in registration) that cannot be done; nothing changed."""

    message = _("Only a person with a confirmed place can be checked in.")


class OfferNotOpen(RegistrationError):
    """Accepting a place that is not (or no longer) offered to the person; nothing changed."""

    message = _("This place is no longer offered to you: the time to accept it has passed or it was "
                "given up. If a place frees up again, we will let you know.")
