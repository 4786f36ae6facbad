"""API of reports: cost and gross profit."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["reports"])
