"""API shapes of stock documents: other receipts, other issues and transfers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

COST = "Cost data: present only for users with the view_cost permission"


class StockDocumentLineIn(Schema):
    product_id: int
    quantity: Decimal = Field(max_digits=18, decimal_places=6, description="In the line's unit")
    unit_id: int | None = Field(None, description="Leave out for the product's base unit")
    unit_cost: Decimal | None = Field(
        None,
        max_digits=18,
        decimal_places=6,
        description="Receipts; needs view_cost (ignored otherwise: the purchase price is used)",
    )
    amount: Decimal | None = Field(
        None, max_digits=18, decimal_places=2, description="Receipts; needs view_cost. Default: unit cost × quantity"
    )
    location_id: int | None = Field(None, description="Leave out for the warehouse's default location")
    to_location_id: int | None = Field(None, description="Transfers; leave out for the target's default location")
    lot_id: int | None = Field(None, description="Issues and transfers of lot-tracked products; empty: FEFO")
    batch_no: str = Field("", max_length=60, description="Receipts of lot-tracked products")
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    serials: list[str] = Field([], description="Serial-tracked products: one per base unit")
    notes: str = Field("", max_length=200)


class StockDocumentChange(Schema):
    """A draft as entered (PUT replaces header and lines)."""

    date: dt.date | None = Field(None, description="Business date; default today")
    warehouse_id: int
    to_warehouse_id: int | None = Field(None, description="Transfers between warehouses (two steps)")
    reason: str = Field("", description="Receipts: opening, gift, found, production, other; issues: scrap, …")
    notes: str = ""
    lines: list[StockDocumentLineIn]


class StockDocumentIn(StockDocumentChange):
    kind: Literal["receipt", "issue", "transfer"]


class StockDocumentLineOut(Schema):
    id: int
    position: int
    product_id: int
    sku: str
    product: str
    unit_id: int
    unit: str
    quantity: Decimal = Field(description="In the line's unit")
    factor: Decimal
    base_quantity: Decimal
    unit_cost: Decimal | None = Field(None, description=COST)
    amount: Decimal | None = Field(None, description=COST)
    location_id: int
    location: str
    to_location_id: int | None
    to_location: str | None
    lot_id: int | None
    batch_no: str
    production_date: dt.date | None
    expiry_date: dt.date | None
    serials: list[str]
    notes: str


class StockDocumentSummaryOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    date: dt.date
    reason: str
    warehouse_id: int
    warehouse: str
    to_warehouse_id: int | None
    to_warehouse: str | None
    notes: str
    reversal_of_id: int | None
    line_count: int
    amount: Decimal | None = Field(None, description=COST + "; receipts: their amount, others: cost of goods out")
    created_at: dt.datetime
    posted_at: dt.datetime | None
    received_at: dt.datetime | None


class StockDocumentOut(StockDocumentSummaryOut):
    reversed_by_id: int | None
    created_by: str
    posted_by: str | None
    received_by: str | None
    lines: list[StockDocumentLineOut]


class ReversalEffectOut(Schema):
    product_id: int
    sku: str
    product: str
    place: str
    change: Decimal
    on_hand: Decimal
    after: Decimal
    short: bool
    value: Decimal | None = Field(None, description=COST)


class LotPickOut(Schema):
    lot_id: int
    batch_no: str
    production_date: dt.date | None
    expiry_date: dt.date | None
    quantity: Decimal


class LotSuggestionsOut(Schema):
    items: list[LotPickOut]
    quantity: Decimal
    covered: Decimal
    short: Decimal
