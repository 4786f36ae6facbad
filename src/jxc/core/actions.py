"""The activate/deactivate button behind every record page: call the service, say what happened, go back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from jxc.core.errors import DomainError


def set_active_response(
    request: HttpRequest, *, service: Callable[..., Any], active: bool, back: Any, **target: Any
) -> HttpResponse:
    """Run `service(actor=…, active=…, **target)`; show its error or a confirmation; redirect to `back`."""
    try:
        service(actor=request.user, active=active, **target)
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Activated.") if active else _("Deactivated."))
    return redirect(back)
