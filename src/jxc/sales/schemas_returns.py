"""API shapes of sales returns (销售退货)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

PRICE = (
    "What the customer is credited: present only for users who may see sales prices (view_cost or view_customerprice)"
)
COST = "The cost that came back into stock: present only for users with the view_cost permission"


class SalesReturnFilters(Schema):
    """The filters of the sales return list and its export."""

    status: str = Field("", description="draft, posted or reversed")
    customer_id: int | None = None
    warehouse_id: int | None = None
    shipment_id: int | None = None
    disposition: str = Field("", description="Returns with a line of this inspection: restock, quarantine or scrap")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = Field("", description="The number, the customer, the shipment number, the reason, a product or serial")


class SalesReturnLineIn(Schema):
    product_id: int
    quantity: Decimal = Field(max_digits=18, decimal_places=6, description="In the line's unit")
    unit_id: int | None = Field(None, description="Default: the shipment line's unit, else the base unit")
    shipment_line_id: int | None = Field(None, description="The line of the return's shipment the goods left with")
    price: Decimal | None = Field(
        None,
        max_digits=18,
        decimal_places=6,
        description="Per unit; default: the shipment line's price, else the proposed price. " + PRICE,
    )
    tax_rate: Decimal | None = Field(None, max_digits=5, decimal_places=2, description="Default: the shipment line's")
    discount_pct: Decimal | None = Field(
        None, max_digits=5, decimal_places=2, description="Default: the shipment line's, else 0"
    )
    disposition: str = Field(
        "restock",
        description="Inspection: restock (back to stock), quarantine (location required), scrap (written off at once)",
    )
    location_id: int | None = Field(None, description="Where the goods go; default: the warehouse's default location")
    lot_id: int | None = Field(None, description="Lot-tracked products; default: the shipment line's batch")
    serials: list[str] = Field(
        [], description="Serial-tracked products; default: those the shipment line shipped, when all come back"
    )
    notes: str = Field("", max_length=200)


class SalesReturnIn(Schema):
    """A return as entered (PUT replaces header and lines of a draft); with a shipment, the customer and warehouse
    are the shipment's."""

    customer_id: int | None = Field(None, description="Required without a shipment")
    warehouse_id: int | None = Field(None, description="Required without a shipment")
    shipment_id: int | None = Field(None, description="A posted shipment to this customer")
    date: dt.date | None = Field(None, description="Business date; default today")
    prices_include_tax: bool | None = Field(None, description="Without a shipment; default: the company setting")
    reason: str = Field("", max_length=200)
    notes: str = ""
    lines: list[SalesReturnLineIn]


class SalesReturnLineOut(Schema):
    id: int
    position: int
    shipment_line_id: int | None
    shipment: str | None
    product_id: int
    sku: str
    product: str
    unit_id: int
    unit: str
    quantity: Decimal
    factor: Decimal
    base_quantity: Decimal
    disposition: str
    location_id: int
    location: str
    lot_id: int | None
    batch_no: str | None
    serials: list[str]
    price: Decimal | None = Field(None, description=PRICE)
    tax_rate: Decimal | None = Field(None, description=PRICE)
    discount_pct: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE)
    cost: Decimal | None = Field(None, description=COST + " (after posting; for scrap, the cost written off)")
    notes: str


class SalesReturnSummaryOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    customer_id: int
    customer: str
    warehouse_id: int
    warehouse: str
    shipment_id: int | None
    shipment: str | None
    prices_include_tax: bool
    line_count: int
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE + "; the receivable it takes off")
    cost: Decimal | None = Field(None, description=COST)
    reason: str
    notes: str
    reversal_of_id: int | None
    created_at: dt.datetime
    posted_at: dt.datetime | None


class SalesReturnOut(SalesReturnSummaryOut):
    reversed_by_id: int | None
    created_by: str
    posted_by: str | None
    lines: list[SalesReturnLineOut]


class ReturnableLineOut(Schema):
    """A shipment line with goods left to return, in its unit."""

    shipment_line_id: int
    product_id: int
    sku: str
    product: str
    unit_id: int
    unit: str
    shipped: Decimal
    returned: Decimal
    left: Decimal
    lot_id: int | None
    batch_no: str | None
    serials: list[str]
    price: Decimal | None = Field(None, description=PRICE)
