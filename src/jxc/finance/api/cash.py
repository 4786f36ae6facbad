"""API of finance: cash."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cash"])
