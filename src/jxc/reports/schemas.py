"""Schemas of the reports API: gross profit and credit exposure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema


class ProfitRowOut(Schema):
    """A group of the gross profit report; the fields after `margin` depend on the grouping."""

    key: str
    label: str
    revenue: Decimal
    cogs: Decimal
    profit: Decimal
    margin: Decimal | None = None
    document_type: str | None = None
    document_id: int | None = None
    number: str | None = None
    date: dt.date | None = None
    kind: str | None = None
    reversal: bool | None = None
    customer: str | None = None
    customer_id: int | None = None
    code: str | None = None
    product_id: int | None = None
    sku: str | None = None
    name: str | None = None
    unit: str | None = None
    quantity: Decimal | None = None
    salesperson_id: int | None = None


class ProfitTotalsOut(Schema):
    revenue: Decimal
    cogs: Decimal
    profit: Decimal
    margin: Decimal | None = None


class GrossProfitOut(Schema):
    group: str
    start: dt.date
    end: dt.date
    items: list[ProfitRowOut]
    count: int
    page: int
    page_size: int
    totals: ProfitTotalsOut


class CreditRowOut(Schema):
    customer_id: int
    code: str
    name: str
    salesperson_id: int | None = None
    salesperson: str | None = None
    payment_terms_days: int
    credit_limit: Decimal | None = None
    receivable: Decimal
    on_order: Decimal
    exposure: Decimal
    available: Decimal | None = None
    usage: Decimal | None = None
    overdue: Decimal
    over_limit: bool


class CreditTotalsOut(Schema):
    limit: Decimal
    receivable: Decimal
    on_order: Decimal
    exposure: Decimal
    available: Decimal
    overdue: Decimal


class CreditExposureOut(Schema):
    on: dt.date
    items: list[CreditRowOut]
    count: int
    page: int
    page_size: int
    totals: CreditTotalsOut
