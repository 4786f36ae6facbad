"""API shapes of sales orders and agreed prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from jxc.inventory.schemas_orders import ApprovalStepOut

PRICE = "Sales prices and amounts: present only for users who may see them (view_cost or view_customerprice)"
COST = "Cost and gross profit at today's moving-average cost: present only for users with the view_cost permission"


class SalesOrderFilters(Schema):
    """The filters of the sales order list and its export."""

    status: str = ""
    customer_id: int | None = None
    warehouse_id: int | None = None
    salesperson_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = Field("", description="The number, the customer, the customer's reference, or a product")


class SalesLineIn(Schema):
    product_id: int
    quantity: Decimal = Field(max_digits=18, decimal_places=6, description="In the line's unit")
    unit_id: int | None = Field(None, description="Any unit of the product; leave out for the base unit")
    price: Decimal | None = Field(
        None,
        max_digits=18,
        decimal_places=6,
        description="Per unit; leave out to propose the agreed price, else the last sold, else the price level",
    )
    tax_rate: Decimal | None = Field(None, max_digits=5, decimal_places=2, description="Default: the product's")
    discount_pct: Decimal = Field(Decimal(0), max_digits=5, decimal_places=2)
    notes: str = Field("", max_length=200)


class SalesOrderIn(Schema):
    """An order as entered (PUT replaces header and lines of a draft)."""

    customer_id: int
    warehouse_id: int
    date: dt.date | None = Field(None, description="Order date; default today")
    delivery_date: dt.date | None = None
    salesperson_id: int | None = Field(None, description="Default: the customer's salesperson")
    prices_include_tax: bool | None = Field(None, description="Default: the company setting")
    freight: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2)
    other_charges: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2)
    customer_reference: str = Field("", max_length=60)
    notes: str = ""
    lines: list[SalesLineIn]


class SalesLineOut(Schema):
    id: int
    position: int
    product_id: int
    sku: str
    product: str
    unit_id: int
    unit: str
    quantity: Decimal = Field(description="Ordered, in the line's unit")
    factor: Decimal
    base_quantity: Decimal
    shipped: Decimal = Field(description="Shipped so far, in the line's unit")
    remaining: Decimal = Field(description="Still to ship, in the line's unit (0 once closed)")
    price: Decimal | None = Field(None, description=PRICE)
    price_source: str | None = Field(None, description="agreed, last_sale, wholesale, retail or typed. " + PRICE)
    tax_rate: Decimal | None = Field(None, description=PRICE)
    discount_pct: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE)
    unit_cost: Decimal | None = Field(None, description=COST + "; per base unit, null when the product has none")
    cost: Decimal | None = Field(None, description=COST)
    gross_profit: Decimal | None = Field(None, description=COST)
    margin_pct: Decimal | None = Field(None, description=COST)
    notes: str


class SalesOrderSummaryOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    delivery_date: dt.date | None
    customer_id: int
    customer: str
    warehouse_id: int
    warehouse: str
    salesperson_id: int | None
    salesperson: str | None
    prices_include_tax: bool
    line_count: int
    freight: Decimal | None = Field(None, description=PRICE)
    other_charges: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE)
    customer_reference: str
    notes: str
    created_at: dt.datetime
    approved_at: dt.datetime | None


class SalesOrderOut(SalesOrderSummaryOut):
    created_by: str
    approved_by: str | None
    close_reason: str
    cost: Decimal | None = Field(None, description=COST + "; of the lines whose product has a cost")
    gross_profit: Decimal | None = Field(None, description=COST + "; freight and other charges not counted")
    margin_pct: Decimal | None = Field(None, description=COST)
    profit_complete: bool | None = Field(None, description=COST + "; false when a line's product has no cost yet")
    approvals: list[ApprovalStepOut]
    lines: list[SalesLineOut]


class SalePriceOut(Schema):
    price: Decimal = Field(description="Per unit, with tax when include_tax")
    source: str = Field(description="agreed, last_sale (this customer's), wholesale or retail (their price level)")
    tax_rate: Decimal
    include_tax: bool


class CustomerPriceFilters(Schema):
    customer_id: int | None = None
    product_id: int | None = None
    q: str = Field("", description="The customer (name, code) or the product (SKU, name, barcode)")


class CustomerPriceIn(Schema):
    """An agreed price: per base unit, stated as the company states prices (with or without tax)."""

    customer_id: int
    product_id: int
    price: Decimal = Field(max_digits=18, decimal_places=6)
    notes: str = Field("", max_length=200)


class CustomerPriceChange(Schema):
    price: Decimal = Field(max_digits=18, decimal_places=6)
    notes: str = Field("", max_length=200)


class CustomerPriceOut(Schema):
    id: int
    customer_id: int
    customer: str
    product_id: int
    sku: str
    product: str
    base_unit: str
    price: Decimal = Field(description="The agreed price per base unit")
    prices_include_tax: bool = Field(description="Whether the agreed price includes tax (the company setting)")
    last_price: Decimal | None = Field(description="The last price sold to the customer, per base unit, without tax")
    last_price_date: dt.date | None
    notes: str
    updated_at: dt.datetime
