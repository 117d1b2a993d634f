"""The last line of defence against odd input: what the database cannot take is a bad request, not a 500.

Public forms and the admin's own filters check ids before querying (``forms.fields.parse_id``), but any
other query parameter that reaches an integer column with a 30-digit number (SQLite: OverflowError;
PostgreSQL: "value out of range"), or a NUL byte in a text column (PostgreSQL refuses it), is answered
400 with the Polish page, and logged as a warning with the path only.
"""

import logging

from django.db import DataError
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# PostgreSQL's messages for input that no column can hold (SQLSTATE 22003, 22P05, 22021).
BAD_INPUT_MESSAGES = ("out of range", "cannot contain nul", "invalid byte sequence", "unsupported unicode")


def is_bad_input(exception):
    if isinstance(exception, OverflowError):
        return True
    if isinstance(exception, (DataError, ValueError)):
        message = str(exception).lower()
        return any(text in message for text in BAD_INPUT_MESSAGES) or "nul (0x00)" in message
    return False


class BadInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_bad_input(exception):
            return None
        logger.warning("Bad input answered 400: %s %s (%s)", request.method, request.path, type(exception).__name__)
        return HttpResponseBadRequest(render_to_string("400.html"))
