"""Counters every web process shares, in the database: the store of the form rate limit when there is
no shared cache (``CACHE_URL``), so that several gunicorn workers — each with its own memory — count
one client's posts in one bucket.

The increment is one atomic ``UPDATE … SET count = count + 1`` (a first post inserts the row; two
first posts racing meet on the unique key and the loser updates), on SQLite and PostgreSQL alike.
"""

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SharedCounter(models.Model):
    """One bucket: a hashed key (never a client's address in clear) and its count until it expires."""

    key = models.CharField(_("key"), max_length=128, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        app_label = "strategy_forms"
        verbose_name = _("shared counter")
        verbose_name_plural = _("shared counters")
        default_permissions = ()

    def __str__(self):
        return f"{self.key}: {self.count}"


def increment(key, expires_at):
    """Add one to ``key``'s bucket (created with ``expires_at`` if new) and return the new count."""
    for _attempt in range(3):
        with transaction.atomic():
            updated = SharedCounter.objects.filter(key=key, expires_at__gt=timezone.now()).update(
                count=F("count") + 1
            )
            if updated:
                return SharedCounter.objects.values_list("count", flat=True).get(key=key)
        try:
            with transaction.atomic():
                now = timezone.now()
                # The expired bucket of this key (and any other) is gone before the new one is made.
                SharedCounter.objects.filter(expires_at__lte=now).delete()
                SharedCounter.objects.create(key=key, count=1, expires_at=expires_at)
                return 1
        except IntegrityError:
            continue  # another process created it first: count in its row
    raise RuntimeError(f"Could not count in the shared counter {key!r}.")
