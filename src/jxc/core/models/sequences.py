from __future__ import annotations

from django.db import models


class Sequence(models.Model):
    """The last number handed out for one key (a document prefix and day, or a code series)."""

    key = models.CharField(max_length=40, unique=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.last}"
