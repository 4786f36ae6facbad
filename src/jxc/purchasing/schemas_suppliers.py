"""API shapes of supplier terms, supplier scores and replenishment suggestions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

COST = "Present only for users with the view_cost permission"


class TermIn(Schema):
    """A supplier's terms for a product (PUT replaces every field; supplier and product cannot change)."""

    supplier_id: int
    product_id: int
    supplier_sku: str = Field("", max_length=60)
    unit_id: int | None = Field(None, description="The purchase unit: any unit of the product; empty: the base unit")
    last_price: Decimal | None = Field(
        None,
        max_digits=18,
        decimal_places=6,
        description="Per base unit without tax; needs view_cost (ignored otherwise: the recorded price is kept)",
    )
    last_price_date: dt.date | None = Field(None, description="Default: today when the price changes")
    lead_time_days: int | None = Field(None, ge=0, le=3650, description="Empty: the supplier's lead time")
    min_order_quantity: Decimal | None = Field(
        None, max_digits=18, decimal_places=6, ge=0, description="In the purchase unit"
    )
    preferred: bool = Field(False, description="At most one preferred supplier per product: it moves here")
    notes: str = Field("", max_length=200)


class TermOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    product_id: int
    sku: str
    product: str
    supplier_sku: str
    unit_id: int | None
    unit: str = Field(description="The purchase unit (the base unit when none is set)")
    last_price: Decimal | None = Field(None, description=COST)
    last_price_date: dt.date | None = Field(None, description=COST)
    lead_time_days: int | None
    min_order_quantity: Decimal | None
    preferred: bool
    notes: str
    updated_at: dt.datetime


class RatioOut(Schema):
    pct: Decimal | None = Field(description="numerator / denominator × 100; null when nothing was counted")
    numerator: Decimal
    denominator: Decimal


class PriceLineOut(Schema):
    product_id: int
    sku: str
    product: str
    quantity: Decimal = Field(description="Base units delivered in the window")
    index: Decimal = Field(description="This supplier's average / the lowest average × 100")
    suppliers: int = Field(description="How many suppliers delivered the product in the window")
    value: Decimal | None = Field(None, description=COST)
    average: Decimal | None = Field(None, description=f"Per base unit without tax. {COST}")
    lowest: Decimal | None = Field(None, description=f"Per base unit without tax. {COST}")


class SupplierScoreOut(Schema):
    supplier_id: int
    code: str
    name: str
    active: bool
    supplier_class: str
    approved: bool
    rating: int | None
    notes: str
    start: dt.date
    end: dt.date
    on_time: RatioOut = Field(description="Receipt lines on or before the promised date / lines with a promised date")
    quality: RatioOut = Field(description="Accepted / received (accepted + rejected), in base units")
    price_index: Decimal | None = Field(description="Value-weighted; 100 = the cheapest supplier of every product")
    receipts: int
    open_orders: int
    payable: Decimal
    price_lines: list[PriceLineOut] | None = Field(None, description="Only for one supplier's score")


class SuggestionOut(Schema):
    product_id: int
    sku: str
    product: str
    warehouse_id: int
    warehouse: str
    base_unit: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    on_order: Decimal
    projected: Decimal
    min_stock: Decimal | None
    max_stock: Decimal | None
    sales: Decimal = Field(description="Net sales over the window (reorder point method)")
    daily_sales: Decimal | None
    lead_time_days: int
    reorder_point: Decimal | None
    supplier_id: int | None = Field(description="The preferred supplier; null: none chosen (cannot be ordered)")
    supplier: str | None
    quantity: Decimal = Field(description="Suggested, in base units (0: nothing to order)")
    unit_id: int
    unit: str = Field(description="The purchase unit to order in")
    factor: Decimal
    unit_quantity: Decimal = Field(description="Suggested, in the purchase unit: send this back to order")
    explanation: str


class ReplenishmentItemIn(Schema):
    product_id: int
    warehouse_id: int
    quantity: Decimal = Field(
        max_digits=18, decimal_places=6, description="In the preferred supplier's purchase unit (else the base unit)"
    )


class ReplenishmentOrdersIn(Schema):
    items: list[ReplenishmentItemIn]
    date: dt.date | None = Field(None, description="Order date; default today")


class DraftOrderOut(Schema):
    id: int
    number: str
    status: str
    supplier_id: int
    supplier: str
    warehouse_id: int
    warehouse: str
    line_count: int
    expected_date: dt.date | None


class DraftOrdersOut(Schema):
    orders: list[DraftOrderOut]
