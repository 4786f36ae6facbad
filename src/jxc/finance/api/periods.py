"""API of finance: periods."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["periods"])
