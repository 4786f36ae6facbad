"""API shapes of the stock reads and stock periods. Cost keys (unit_cost, value…) are left out of the response,
not sent as null, for users without the view_cost permission (the routes use exclude_unset)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class StockRowOut(Schema):
    """A row of stock at the requested grain; keys of other grains (warehouse, location, lot) are absent."""

    product_id: int
    sku: str
    name: str
    unit: str
    warehouse_id: int | None = None
    warehouse: str | None = None
    location_id: int | None = None
    location: str | None = None
    lot_id: int | None = None
    batch_no: str | None = None
    expiry_date: date | None = None
    on_hand: Decimal
    reserved: Decimal | None = None
    available: Decimal | None = None
    unit_cost: Decimal | None = None
    value: Decimal | None = None


class StockTotalsOut(Schema):
    on_hand: Decimal
    reserved: Decimal | None = None
    available: Decimal | None = None
    value: Decimal | None = None


class StockPageOut(Schema):
    items: list[StockRowOut]
    count: int
    page: int
    page_size: int
    totals: StockTotalsOut


class CardRowOut(Schema):
    """A line of the stock card: `kind` is opening or brought_forward, move, carried_forward or closing."""

    kind: str
    date: date
    number: str = ""
    source_type: str = ""
    source_id: int | None = None
    move_kind: str = ""
    place: str = ""
    quantity_in: Decimal | None = None
    quantity_out: Decimal | None = None
    balance: Decimal
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    value_balance: Decimal | None = None


class StockCardOut(Schema):
    product_id: int
    sku: str
    name: str
    unit: str
    start: date
    end: date
    warehouse_id: int | None = None
    opening_quantity: Decimal
    opening_value: Decimal | None = None
    closing_quantity: Decimal
    closing_value: Decimal | None = None
    total_in: Decimal
    total_out: Decimal
    count: int
    page: int
    page_size: int
    rows: list[CardRowOut]


class BalanceAtOut(Schema):
    product_id: int
    date: date
    warehouse_id: int | None = None
    quantity: Decimal
    value: Decimal | None = None


class AlertOut(Schema):
    kind: str
    product_id: int
    sku: str
    name: str
    unit: str
    quantity: Decimal
    limit: Decimal | None = None
    lot_id: int | None = None
    batch_no: str | None = None
    expiry_date: date | None = None
    warehouse_id: int | None = None
    location_id: int | None = None
    location: str | None = None


class AlertPageOut(Schema):
    items: list[AlertOut]
    count: int
    page: int
    page_size: int
    counts: dict[str, int]
    days: int


class ValuationRowOut(Schema):
    product_id: int
    sku: str
    name: str
    unit: str
    warehouse_id: int | None = None
    quantity: Decimal
    unit_cost: Decimal | None = None
    value: Decimal


class ValuationOut(Schema):
    date: date
    items: list[ValuationRowOut]
    count: int
    page: int
    page_size: int
    total_quantity: Decimal
    total_value: Decimal


class StockPeriodOut(Schema):
    id: int
    month: str
    start: date
    end: date
    status: str
    closed_at: datetime | None = None
    closed_by: str | None = None


class StockPeriodPageOut(Schema):
    items: list[StockPeriodOut]
    count: int
    page: int
    page_size: int
    next_to_close: date | None = None


class PeriodCloseIn(Schema):
    month: date
