"""API of finance: statements."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["statements"])
