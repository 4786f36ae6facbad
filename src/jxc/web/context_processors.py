"""What every page's shell needs: the sidebar, the company name and the languages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from jxc.accounts.selectors import company_get
from jxc.core.columns import can_view_cost
from jxc.web.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"languages": settings.LANGUAGES}
    return {
        "nav": navigation_for(user, request.path),
        "company": company_get(),
        "languages": settings.LANGUAGES,
        "show_cost": can_view_cost(user),
    }
