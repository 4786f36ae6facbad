"""API: stock on hand, stock card, balance at a date, alerts, valuation and stock periods (within the caller's
warehouse scope; values and unit costs only for users with view_cost, absent otherwise)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from jxc.catalog.models import Product
from jxc.core.api import MAX_PAGE_SIZE, ErrorOut, PageParams, require
from jxc.core.columns import can_view_cost
from jxc.core.errors import NotFound, ValidationFailed
from jxc.core.numbers import round_money, round_price, round_quantity
from jxc.inventory.models import StockPeriod
from jxc.inventory.schemas_stock import (
    AlertPageOut,
    BalanceAtOut,
    PeriodCloseIn,
    StockCardOut,
    StockPageOut,
    StockPeriodOut,
    StockPeriodPageOut,
    ValuationOut,
)
from jxc.inventory.selectors import AlertRow, OverviewRow, balance_at, stock_alerts, stock_card
from jxc.inventory.selectors.stock import CARD_PAGE_SIZE, valuation_products
from jxc.inventory.selectors.stock_pages import (
    alert_counts,
    card_lines,
    overview_ordered,
    overview_queryset,
    overview_rows,
    overview_totals,
    period_list,
    period_next_to_close,
    valuation_for,
    visible_warehouse_ids,
)
from jxc.inventory.services.periods import stock_period_close, stock_period_reopen
from jxc.inventory.views.stock import stock_card_export, stock_overview_export, valuation_export

router = Router(tags=["stock"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW_STOCK = "inventory.view_stockbalance"
VIEW_COST = "accounts.view_cost"
Grain = Literal["product", "warehouse", "location", "lot"]


def _page_bounds(params: PageParams) -> tuple[int, int]:
    return max(params.page, 1), min(max(params.page_size, 1), MAX_PAGE_SIZE)


def _product(product_id: int) -> Product:
    product = Product.objects.select_related("base_unit").filter(pk=product_id).first()
    if product is None:
        raise NotFound(field="product_id", product_id=product_id)
    return product


def _stock_row(row: OverviewRow, *, grain: str, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "product_id": row.product.pk,
        "sku": row.product.sku,
        "name": row.product.name,
        "unit": row.product.base_unit.name,
        "on_hand": row.on_hand,
    }
    if row.warehouse is not None:
        out["warehouse_id"], out["warehouse"] = row.warehouse.pk, row.warehouse.name
    if row.location is not None:
        out["location_id"], out["location"] = row.location.pk, row.location.code
    if grain == "lot":
        out["lot_id"] = row.lot.pk if row.lot else None
        out["batch_no"] = row.lot.batch_no if row.lot else None
        out["expiry_date"] = row.lot.expiry_date if row.lot else None
    if row.reserved is not None:
        out["reserved"], out["available"] = row.reserved, row.available
    if show_cost:
        out["unit_cost"], out["value"] = _price(row.unit_cost), row.value
    return out


def _price(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_price(value)


def _qty(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_quantity(value)


def _stock_filters(
    grain: str, warehouse_id: int | None, category_id: int | None, q: str, include_zero: bool
) -> dict[str, Any]:
    return {
        "grain": grain,
        "warehouse_id": warehouse_id,
        "category_id": category_id,
        "q": q.strip(),
        "include_zero": include_zero,
    }


@router.get("/stock", response={200: StockPageOut, **ERRORS}, exclude_unset=True, summary="Stock on hand")
def stock(
    request: HttpRequest,
    params: Query[PageParams],
    grain: Grain = "warehouse",
    warehouse_id: int | None = None,
    category_id: int | None = None,
    q: str = "",
    include_zero: bool = False,
    sort: str = "sku",
) -> dict[str, Any]:
    """On hand, reserved and available per product × warehouse (`grain=warehouse`), per product, per location or
    per lot; `q` searches SKU, name, barcode and pinyin initials. Totals cover every filtered row."""
    user = require(request, VIEW_STOCK)
    show_cost = can_view_cost(user)
    filters = _stock_filters(grain, warehouse_id, category_id, q, include_zero)
    queryset = overview_queryset(user=user, **filters)
    ordered, _sort = overview_ordered(queryset, grain=grain, sort=sort)
    page, size = _page_bounds(params)
    warehouse_ids = visible_warehouse_ids(user=user, warehouse_id=warehouse_id)
    rows = overview_rows(
        ordered[(page - 1) * size : page * size], grain=grain, with_cost=show_cost, warehouse_ids=warehouse_ids
    )
    totals = overview_totals(
        queryset,
        grain=grain,
        with_cost=show_cost,
        user=user,
        warehouse_id=warehouse_id,
        q=filters["q"],
        category_id=category_id,
    )
    totals_out: dict[str, Any] = {"on_hand": _qty(totals.on_hand)}
    if totals.reserved is not None:
        totals_out["reserved"], totals_out["available"] = _qty(totals.reserved), _qty(totals.available)
    if show_cost:
        totals_out["value"] = totals.value
    return {
        "items": [_stock_row(r, grain=grain, show_cost=show_cost) for r in rows],
        "count": queryset.count(),
        "page": page,
        "page_size": size,
        "totals": totals_out,
    }


@router.get("/stock/export", response={200: None, **ERRORS}, summary="Export stock on hand to Excel")
def stock_export(
    request: HttpRequest,
    grain: Grain = "warehouse",
    warehouse_id: int | None = None,
    category_id: int | None = None,
    q: str = "",
    include_zero: bool = False,
    sort: str = "sku",
) -> HttpResponse:
    """Every filtered row with the columns of the stock page (costs only with view_cost)."""
    user = require(request, VIEW_STOCK)
    filters = _stock_filters(grain, warehouse_id, category_id, q, include_zero)
    return stock_overview_export(user=user, filters=filters, sort=sort)


def _range(start: date | None, end: date | None) -> tuple[date, date]:
    today = timezone.localdate()
    start, end = start or today.replace(day=1), end or today
    if start > end:
        raise ValidationFailed.one("end", _("The end date is before the start date."))
    return start, end


@router.get("/stock-card", response={200: StockCardOut, **ERRORS}, exclude_unset=True, summary="Stock card")
def stock_card_get(
    request: HttpRequest,
    product_id: int,
    start: date | None = None,
    end: date | None = None,
    warehouse_id: int | None = None,
    page: int = 1,
    page_size: int = CARD_PAGE_SIZE,
) -> dict[str, Any]:
    """库存台账: the opening balance, the moves between `start` and `end` (default: this month) with the running
    balance, a page at a time (`count` moves in all), and the closing balance; `source_type`/`source_id` name the
    document of each move. A page after the first starts with the balance brought forward (`brought_forward`), a
    page before the last ends with it carried forward (`carried_forward`)."""
    user = require(request, VIEW_STOCK)
    product = _product(product_id)
    start, end = _range(start, end)
    card = stock_card(
        user=user,
        product=product,
        start=start,
        end=end,
        warehouse_id=warehouse_id,
        page=page,
        page_size=min(max(page_size, 1), MAX_PAGE_SIZE),
    )
    show_cost = can_view_cost(user)
    rows = []
    for line in card_lines(card):
        row: dict[str, Any] = {
            "kind": line.kind,
            "date": line.date,
            "balance": _qty(line.balance),
            "quantity_in": line.quantity_in,
            "quantity_out": line.quantity_out,
        }
        if line.kind == "move":
            row.update(
                number=line.number,
                source_type=line.source_type,
                source_id=line.source_id,
                move_kind=line.move_kind,
                place=line.place,
            )
        if show_cost:
            row.update(unit_cost=line.unit_cost, value=line.value, value_balance=round_money(line.value_balance))
        rows.append(row)
    out: dict[str, Any] = {
        "product_id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "unit": product.base_unit.name,
        "start": start,
        "end": end,
        "warehouse_id": warehouse_id,
        "opening_quantity": _qty(card.opening_quantity),
        "closing_quantity": _qty(card.closing_quantity),
        "total_in": card.total_in,
        "total_out": card.total_out,
        "count": card.count,
        "page": card.page,
        "page_size": card.page_size,
        "rows": rows,
    }
    if show_cost:
        out["opening_value"], out["closing_value"] = round_money(card.opening_value), round_money(card.closing_value)
    return out


@router.get("/stock-card/export", response={200: None, **ERRORS}, summary="Export a stock card to Excel")
def stock_card_export_get(
    request: HttpRequest,
    product_id: int,
    start: date | None = None,
    end: date | None = None,
    warehouse_id: int | None = None,
) -> HttpResponse:
    user = require(request, VIEW_STOCK)
    product = _product(product_id)
    start, end = _range(start, end)
    return stock_card_export(user=user, product=product, start=start, end=end, warehouse_id=warehouse_id)


@router.get(
    "/stock/balance-at", response={200: BalanceAtOut, **ERRORS}, exclude_unset=True, summary="Balance at a date"
)
def stock_balance_at(
    request: HttpRequest, product_id: int, date: date, warehouse_id: int | None = None
) -> dict[str, Any]:
    """A product's quantity (and value, with view_cost) at the end of `date`, in the visible warehouses or one."""
    user = require(request, VIEW_STOCK)
    product = _product(product_id)
    warehouse_ids = visible_warehouse_ids(user=user, warehouse_id=warehouse_id)
    quantity, value = balance_at(product=product, warehouse_ids=warehouse_ids, day=date)
    out: dict[str, Any] = {
        "product_id": product.pk,
        "date": date,
        "warehouse_id": warehouse_id,
        "quantity": _qty(quantity),
    }
    if can_view_cost(user):
        out["value"] = round_money(value)
    return out


def _alert_out(alert: AlertRow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": alert.kind,
        "product_id": alert.product.pk,
        "sku": alert.product.sku,
        "name": alert.product.name,
        "unit": alert.product.base_unit.name,
        "quantity": alert.quantity,
        "limit": alert.limit,
    }
    if alert.lot is not None:
        out.update(lot_id=alert.lot.pk, batch_no=alert.lot.batch_no, expiry_date=alert.expiry)
    if alert.location is not None:
        out.update(
            warehouse_id=alert.location.warehouse_id, location_id=alert.location.pk, location=alert.location.code
        )
    return out


@router.get("/stock-alerts", response={200: AlertPageOut, **ERRORS}, exclude_unset=True, summary="Stock alerts")
def stock_alerts_get(
    request: HttpRequest,
    params: Query[PageParams],
    days: int = 30,
    kind: Literal["", "below_min", "above_max", "expiring", "expired"] = "",
) -> dict[str, Any]:
    """Products below their minimum or above their maximum, lots expiring within `days` and expired lots;
    `counts` gives the number of each kind whatever `kind` filters."""
    user = require(request, VIEW_STOCK)
    if days < 0:
        raise ValidationFailed.one("days", _("Give zero or more days."))
    alerts = stock_alerts(user=user, days=days)
    shown = [a for a in alerts if not kind or a.kind == kind]
    page, size = _page_bounds(params)
    return {
        "items": [_alert_out(a) for a in shown[(page - 1) * size : page * size]],
        "count": len(shown),
        "page": page,
        "page_size": size,
        "counts": alert_counts(alerts),
        "days": days,
    }


@router.get("/valuation", response={200: ValuationOut, **ERRORS}, summary="Inventory valuation at a date")
def valuation(
    request: HttpRequest,
    params: Query[PageParams],
    date: date | None = None,
    warehouse_id: int | None = None,
    category_id: int | None = None,
    q: str = "",
) -> dict[str, Any]:
    """库存估值 at the end of `date` (default today): per product, per warehouse when costed per warehouse.
    Needs the view_cost permission."""
    user = require(request, VIEW_STOCK, VIEW_COST)
    day = date or timezone.localdate()
    rows = valuation_for(user=user, day=day, q=q.strip(), category_id=category_id, warehouse_id=warehouse_id)
    page, size = _page_bounds(params)
    return {
        "date": day,
        "items": [
            {
                "product_id": r.product.pk,
                "sku": r.product.sku,
                "name": r.product.name,
                "unit": r.product.base_unit.name,
                "warehouse_id": r.warehouse_id,
                "quantity": r.quantity,
                "unit_cost": _price(r.unit_cost),
                "value": r.value,
            }
            for r in valuation_products(rows[(page - 1) * size : page * size])
        ],
        "count": len(rows),
        "page": page,
        "page_size": size,
        "total_quantity": round_quantity(sum((r.quantity for r in rows), Decimal(0))),
        "total_value": round_money(sum((r.value for r in rows), Decimal(0))),
    }


@router.get("/valuation/export", response={200: None, **ERRORS}, summary="Export the inventory valuation to Excel")
def valuation_export_get(
    request: HttpRequest,
    date: date | None = None,
    warehouse_id: int | None = None,
    category_id: int | None = None,
    q: str = "",
) -> HttpResponse:
    user = require(request, VIEW_STOCK, VIEW_COST)
    filters = {
        "day": date or timezone.localdate(),
        "warehouse_id": warehouse_id,
        "category_id": category_id,
        "q": q.strip(),
    }
    return valuation_export(user=user, filters=filters)


def _period_out(period: StockPeriod) -> dict[str, Any]:
    return {
        "id": period.pk,
        "month": f"{period.start:%Y-%m}",
        "start": period.start,
        "end": period.end,
        "status": period.status,
        "closed_at": period.closed_at,
        "closed_by": period.closed_by.username if period.closed_by else None,
    }


@router.get("/stock-periods", response={200: StockPeriodPageOut, **ERRORS}, summary="Stock periods")
def stock_periods(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Closed (and reopened) months, latest first; `next_to_close` is the month that may be closed next."""
    require(request, "inventory.view_stockperiod")
    periods = period_list()
    page, size = _page_bounds(params)
    return {
        "items": [_period_out(p) for p in periods[(page - 1) * size : page * size]],
        "count": periods.count(),
        "page": page,
        "page_size": size,
        "next_to_close": period_next_to_close(today=timezone.localdate()),
    }


@router.post("/stock-periods/close", response={200: StockPeriodOut, **ERRORS}, summary="Close a month")
def stock_periods_close(request: HttpRequest, payload: PeriodCloseIn) -> dict[str, Any]:
    """Close the month containing `month` (e.g. "2026-09-01"): snapshots of stock and cost are saved and postings
    dated in it are refused. Months close in order (409 `period_order` otherwise); closing a closed month
    returns it unchanged."""
    user = require(request, "inventory.close_stockperiod")
    return _period_out(stock_period_close(actor=user, month=payload.month))


@router.post("/stock-periods/{period_id}/reopen", response={200: StockPeriodOut, **ERRORS}, summary="Reopen a month")
def stock_periods_reopen(request: HttpRequest, period_id: int) -> dict[str, Any]:
    """Reopen the latest closed month (owner only); reopening an earlier one is refused (409 `period_order`)."""
    user = require(request, "inventory.reopen_stockperiod")
    period = StockPeriod.objects.filter(pk=period_id).first()
    if period is None:
        raise NotFound()
    return _period_out(stock_period_reopen(actor=user, period=period))
