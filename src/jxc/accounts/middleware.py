"""Every page needs a logged-in user, except the login page, static files, public links and the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponseBase

OPEN_PREFIXES = ("/api/", "/static/", "/i18n/", "/favicon.ico", "/healthz")


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's login-required middleware; the API authenticates by itself (token or session)."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if request.path.startswith(OPEN_PREFIXES):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
