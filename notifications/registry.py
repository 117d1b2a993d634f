"""Which function builds the message of each notification kind.

Apps register builders in their own ``notifications`` module (found by
``NotificationsConfig.ready``, like ``wagtail_hooks``)::

    @message_builder(Notification.Kind.REGISTRATION_CONFIRMED)
    def build_confirmation(notification):
        return compose(subject, text, attachments=[...])  # or None to skip it

A builder runs in the worker, inside ``translation.override`` of the site
language; it returns an ``EmailMultiAlternatives`` without recipients (the
outbox sets them) or ``None`` when the message is no longer wanted.
"""

_builders = {}
_labels = {}
_envelopes = []


def message_builder(kind, label=None):
    """Register the builder of ``kind``; ``label`` names kinds that ``Notification.Kind`` does not list."""

    def register(function):
        _builders[str(kind)] = function
        if label is not None:
            _labels[str(kind)] = label
        return function

    return register


def registered_label(kind):
    """The label a builder registered for ``kind``, or None."""
    return _labels.get(kind)


def registered_kinds():
    """(kind, label) of the kinds registered with a label, sorted by label."""
    return sorted(_labels.items(), key=lambda item: str(item[1]))


def get_builder(kind):
    try:
        return _builders[kind]
    except KeyError:
        raise LookupError(f"No message builder registered for notification kind {kind!r}.") from None


def message_envelope(function):
    """Register ``function(notification, message)``, called on every built message before it is sent:
    the place to set the sender and Reply-To that the app knows (the outbox knows no site settings)."""
    if function not in _envelopes:
        _envelopes.append(function)
    return function


def apply_envelopes(notification, message):
    for function in _envelopes:
        function(notification, message)
