"""One helper decides whether a request gets a whole page or only a region of it (htmx)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render `template`, or only its `{% partialdef partial %}` when htmx asked for that region."""
    htmx = getattr(request, "htmx", None)
    if partial and htmx and not htmx.boosted and htmx.target == partial:
        return render(request, f"{template}#{partial}", context, status=status)
    return render(request, template, context, status=status)
