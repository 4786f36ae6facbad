"""Idempotency-Key for API writes: the first response is stored and replayed on every retry."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.core.models import IdempotencyRecord

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEEP_FOR = timedelta(hours=24)


def _principal(request: HttpRequest) -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth:
        return "t:" + hashlib.sha256(auth.encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    return None


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "data": {}}, status=status)


class IdempotencyMiddleware:
    """Replays the stored response of an API write retried with the same Idempotency-Key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or request.method not in UNSAFE_METHODS or not request.path.startswith("/api/"):
            return self.get_response(request)
        principal = _principal(request)
        if principal is None:
            return self.get_response(request)
        if len(key) > 200:
            return _error(
                422, "invalid_idempotency_key", _("The Idempotency-Key header is longer than 200 characters.")
            )
        digest = hashlib.sha256(
            b"\n".join([str(request.method).encode(), request.get_full_path().encode(), request.body])
        ).hexdigest()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    principal=principal,
                    key=key,
                    method=request.method or "",
                    path=request.path[:500],
                    request_hash=digest,
                )
        except IntegrityError:
            return self._replay(principal, key, digest)
        try:
            response = self.get_response(request)
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        if response.status_code >= 500 or response.streaming:
            IdempotencyRecord.objects.filter(pk=record.pk).delete()
            return response
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response.content,
        )
        _forget_old()
        return response

    def _replay(self, principal: str, key: str, digest: str) -> HttpResponse:
        record = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if record is None:  # removed after a failure between our insert and this read: the client may retry
            return _error(409, "idempotency_in_progress", _("A request with this Idempotency-Key is being processed."))
        if record.request_hash != digest:
            return _error(
                422, "idempotency_key_reused", _("This Idempotency-Key was already used for a different request.")
            )
        if record.status_code is None:
            return _error(409, "idempotency_in_progress", _("A request with this Idempotency-Key is being processed."))
        response = HttpResponse(bytes(record.body), status=record.status_code, content_type=record.content_type)
        response["Idempotent-Replayed"] = "true"
        return response


def _forget_old() -> None:
    """Drop records older than a day, a few at a time, so the table stays small without a job."""
    cutoff = timezone.now() - KEEP_FOR
    old = list(IdempotencyRecord.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:100])
    if old:
        IdempotencyRecord.objects.filter(pk__in=old).delete()
