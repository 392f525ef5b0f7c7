"""Core holds one table: the cache every worker process shares."""

from __future__ import annotations

from django.db import models


class CacheEntry(models.Model):
    """The table Django's database cache reads and writes (settings.CACHES), declared as a
    model so `migrate` creates it and tests that flush the database empty it too. It holds
    the login throttle's counters and the used-TOTP-code marks, so they hold across every
    worker process. Django writes it with its own SQL; nothing else touches it."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "laget_cache"

    def __str__(self) -> str:
        return self.cache_key
