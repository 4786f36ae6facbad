"""Logging in with throttling against password guessing."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jxc.accounts.errors import LoginFailed, LoginThrottled
from jxc.accounts.models import LoginFailure, User
from jxc.accounts.services.audit import audit_record


def _window_start() -> datetime:
    return timezone.now() - timedelta(seconds=settings.JXC_LOGIN_WINDOW_SECONDS)


def _retry_minutes(oldest: datetime) -> int:
    remaining = oldest + timedelta(seconds=settings.JXC_LOGIN_WINDOW_SECONDS) - timezone.now()
    return max(1, math.ceil(remaining.total_seconds() / 60))


def login_throttle_check(*, username: str, ip: str | None) -> None:
    """Refuse when this user name, or this address, failed too often within the window."""
    start = _window_start()
    limit = settings.JXC_LOGIN_MAX_FAILURES
    by_user = LoginFailure.objects.filter(username__iexact=username, at__gte=start).order_by("-at")
    recent = list(by_user.values_list("at", flat=True)[:limit])
    if len(recent) >= limit:
        raise LoginThrottled(minutes=_retry_minutes(recent[-1]))
    if ip:
        by_ip = list(
            LoginFailure.objects.filter(ip=ip, at__gte=start).order_by("-at").values_list("at", flat=True)[: limit * 4]
        )
        if len(by_ip) >= limit * 4:
            raise LoginThrottled(minutes=_retry_minutes(by_ip[-1]))


def login_attempt(*, request: HttpRequest | None, username: str, password: str, ip: str | None) -> User:
    """Check the password; record a failure or clear the failures. Raises LoginFailed or LoginThrottled."""
    username = username.strip()
    login_throttle_check(username=username, ip=ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        with transaction.atomic():  # kept: the failure must count even though the attempt raises
            LoginFailure.objects.create(username=username[:150], ip=ip)
        raise LoginFailed()
    assert isinstance(user, User)
    with transaction.atomic():
        LoginFailure.objects.filter(username__iexact=username).delete()
        LoginFailure.objects.filter(at__lt=_window_start()).delete()
        audit_record(actor=user, action="user.logged_in", target=user, ip=ip)
    return user
