from __future__ import annotations

from django.db import models


class IdempotencyRecord(models.Model):
    """The stored response to an API write sent with an Idempotency-Key, replayed on a retry."""

    principal = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
