"""A mail backend for tests that fails on demand, then delivers to Django's locmem outbox."""

from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    failures = []  # exceptions to raise, one per send, before delivering normally

    def send_messages(self, messages):
        if FlakyBackend.failures:
            raise FlakyBackend.failures.pop(0)
        return super().send_messages(messages)
