"""API of finance: ledger."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["ledger"])
