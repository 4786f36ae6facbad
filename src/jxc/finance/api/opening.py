"""API of finance: opening."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["opening"])
