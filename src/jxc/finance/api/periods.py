"""API of finance: 月结 — the months with their status and snapshot totals, closing a month, reopening the latest."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from jxc.core.api import MAX_PAGE_SIZE, ErrorOut, PageParams, require
from jxc.core.columns import can_view_cost
from jxc.core.errors import NotFound, ValidationFailed
from jxc.finance.selectors.periods import PeriodRow, finance_period_list, period_rows
from jxc.inventory.models import StockPeriod
from jxc.inventory.selectors.stock_pages import period_next_to_close
from jxc.inventory.services.periods import stock_period_close, stock_period_reopen

router = Router(tags=["periods"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "inventory.view_stockperiod"
CLOSE = "inventory.close_stockperiod"
REOPEN = "inventory.reopen_stockperiod"


class PeriodTotalsOut(Schema):
    """What the period's snapshots add up to; `stock_value` is null for users who may not see costs."""

    stock_value: Decimal | None
    receivable: Decimal
    payable: Decimal
    cash: Decimal


class FinancePeriodOut(Schema):
    id: int
    month: str
    start: date
    end: date
    status: str
    closed_at: datetime | None
    closed_by: str | None
    totals: PeriodTotalsOut | None = Field(None, description="Null while the month is open.")


class FinancePeriodPageOut(Schema):
    items: list[FinancePeriodOut]
    count: int
    page: int
    page_size: int
    next_to_close: date | None


class FinancePeriodCloseIn(Schema):
    month: str = Field(..., description='The month to close: "2026-09" or any day of it, e.g. "2026-09-01".')


def _out(row: PeriodRow, *, show_cost: bool) -> dict[str, Any]:
    period, totals = row.period, row.totals
    return {
        "id": period.pk,
        "month": f"{period.start:%Y-%m}",
        "start": period.start,
        "end": period.end,
        "status": period.status,
        "closed_at": period.closed_at,
        "closed_by": period.closed_by.username if period.closed_by else None,
        "totals": None
        if totals is None
        else {
            "stock_value": totals.stock_value if show_cost else None,
            "receivable": totals.receivable,
            "payable": totals.payable,
            "cash": totals.cash,
        },
    }


def _one(period: StockPeriod, user: Any) -> dict[str, Any]:
    period = StockPeriod.objects.select_related("closed_by").get(pk=period.pk)
    return _out(period_rows([period])[0], show_cost=can_view_cost(user))


def _month(text: str) -> date:
    text = (text or "").strip()
    for candidate in (text, f"{text}-01"):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            continue
    raise ValidationFailed.one("month", _("Enter a month as YYYY-MM."))


@router.get("/finance-periods", response={200: FinancePeriodPageOut, **ERRORS}, summary="Periods with their totals")
def finance_periods(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Closed (and reopened) months, latest first, with the totals saved when each closed: stock value (costs only
    for users who may see them), receivables, payables and cash. `next_to_close` is the month that may close next."""
    user = require(request, VIEW)
    periods = finance_period_list()
    page = max(params.page, 1)
    size = min(max(params.page_size, 1), MAX_PAGE_SIZE)
    rows = period_rows(periods[(page - 1) * size : page * size])
    show_cost = can_view_cost(user)
    return {
        "items": [_out(r, show_cost=show_cost) for r in rows],
        "count": periods.count(),
        "page": page,
        "page_size": size,
        "next_to_close": period_next_to_close(today=timezone.localdate()),
    }


@router.post("/finance-periods/close", response={200: FinancePeriodOut, **ERRORS}, summary="Close a month")
def finance_periods_close(request: HttpRequest, payload: FinancePeriodCloseIn) -> dict[str, Any]:
    """Close a month: stock, cost, partner and cash balances at its end are saved and postings dated in it are
    refused (409 `closed_period`). Months close in order (409 `period_order`); closing a closed month returns it."""
    user = require(request, CLOSE)
    return _one(stock_period_close(actor=user, month=_month(payload.month)), user)


@router.post(
    "/finance-periods/{period_id}/reopen", response={200: FinancePeriodOut, **ERRORS}, summary="Reopen a month"
)
def finance_periods_reopen(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """Reopen the latest closed month (owner only, 403 otherwise): its snapshots are dropped and postings dated in
    it are allowed again; reopening an earlier one is refused (409 `period_order`)."""
    user = require(request, REOPEN)
    period = StockPeriod.objects.filter(pk=period_id).first()
    if period is None:
        raise NotFound()
    return _one(stock_period_reopen(actor=user, period=period), user)
