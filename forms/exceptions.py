"""The base of the errors the services raise, each with a message a resident can read."""

from django.utils.translation import gettext_lazy as _


class RegistrationError(Exception):
    """Base class: `message` is shown to the person (translated)."""

    message = _("The registration could not be saved.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))
