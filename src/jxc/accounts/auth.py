"""How API requests authenticate: a bearer token, or the browser's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from jxc.accounts.errors import TokenReadOnly
from jxc.accounts.models import ApiToken
from jxc.accounts.services.tokens import api_token_authenticate

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """`Authorization: Bearer jxc_…`; a read-only token is refused for writes."""

    openapi_description = "API token (设置 → API 令牌)"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(raw=token)
        if found is None:
            return None
        if found.scope == ApiToken.Scope.READ and request.method not in SAFE_METHODS:
            raise TokenReadOnly()
        request.user = found.user
        return found.user


class SessionAuth(NinjaSessionAuth):
    """The logged-in browser session; writes need the CSRF token like any form."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if user.is_authenticated and user.is_active:
            return user
        return None
