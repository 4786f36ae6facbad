"""API of finance: writeoffs."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["writeoffs"])
