"""API tokens: issue (shown once), revoke, and resolve a presented token to its user."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import ApiToken, User
from jxc.accounts.services.audit import audit_record
from jxc.core.errors import Forbidden, ValidationFailed

TOKEN_PREFIX = "jxc_"
TOUCH_EVERY = timedelta(minutes=5)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, actor: User, user: User, name: str, scope: str = ApiToken.Scope.WRITE, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for a user; the raw token is returned here and never again."""
    if actor.pk != user.pk and not actor.has_perm("accounts.change_user"):
        raise Forbidden()
    name = name.strip()
    if not name:
        raise ValidationFailed.one("name", _("This field is required."))
    if scope not in ApiToken.Scope.values:
        raise ValidationFailed.one("scope", _("Choose read or write."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed.one("expires_at", _("The expiry must be in the future."))
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name[:80], prefix=prefix, digest=_digest(raw), scope=scope, expires_at=expires_at
    )
    audit_record(
        actor=actor, action="api_token.created", target=token, after={"user": user.pk, "name": name, "scope": scope}
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; requests with it are refused from now on."""
    if actor.pk != token.user_id and not actor.has_perm("accounts.change_user"):
        raise Forbidden()
    token = ApiToken.objects.select_for_update(of=("self",)).get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoked", target=token)
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token matching a presented raw token (and an active user), else None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix = raw[len(TOKEN_PREFIX) :].split("_", 1)[0]
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(raw)):
        return None
    if not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
