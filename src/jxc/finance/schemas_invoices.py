"""API shapes of tax invoices (发票) and of the report "invoiced / not yet invoiced"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class InvoiceFilters(Schema):
    """The filters of the invoice list and its export."""

    direction: str = Field("", description="issued (销项, to customers) or received (进项, from suppliers)")
    partner: int | None = Field(None, description="The partner's id")
    start: dt.date | None = Field(None, description="Invoice date from")
    end: dt.date | None = Field(None, description="Invoice date to")
    number: str = Field("", description="Part of the invoice number")
    void: bool | None = Field(None, description="true: only void invoices; false: only valid ones")


class InvoiceLineIn(Schema):
    item_id: int = Field(description="The document's open item: see GET /invoices/documents")
    amount: Decimal = Field(max_digits=12, decimal_places=2, description="With tax; at most what is left")


class InvoiceIn(Schema):
    """An invoice as recorded: the lines add up to `amount` (价税合计)."""

    direction: str = Field(description="issued (against shipments) or received (against purchase receipts)")
    partner_id: int
    number: str = Field(max_length=40)
    date: dt.date
    amount: Decimal = Field(max_digits=12, decimal_places=2, description="With tax")
    tax: Decimal = Field(max_digits=12, decimal_places=2, description="Part of the amount; 0 ≤ tax ≤ amount")
    notes: str = Field("", max_length=300)
    lines: list[InvoiceLineIn]


class VoidIn(Schema):
    reason: str = Field(max_length=200)


class InvoiceLineOut(Schema):
    id: int
    item_id: int
    document: str
    document_type: str = Field(description="sales.salesshipment or purchasing.purchasereceipt")
    document_id: int
    document_date: dt.date
    document_amount: Decimal
    amount: Decimal
    invoiced: Decimal = Field(description="On the document in all, by valid invoices")
    left: Decimal = Field(description="Not yet invoiced on the document")


class InvoiceSummaryOut(Schema):
    id: int
    direction: str
    number: str
    date: dt.date
    partner_id: int
    partner: str
    amount: Decimal
    tax: Decimal
    void: bool
    line_count: int
    notes: str
    created_by: str
    created_at: dt.datetime


class InvoiceOut(InvoiceSummaryOut):
    lines: list[InvoiceLineOut]


class DocumentOut(Schema):
    """A shipment or receipt with what is invoiced on it."""

    item_id: int
    document: str
    document_type: str
    document_id: int
    partner_id: int
    partner: str
    date: dt.date
    amount: Decimal
    invoiced: Decimal
    left: Decimal


class StatusTotalsOut(Schema):
    count: int
    amount: Decimal
    invoiced: Decimal
    left: Decimal


class InvoiceStatusOut(Schema):
    """One page of the report and the totals of all its rows."""

    items: list[DocumentOut]
    count: int
    page: int
    page_size: int
    totals: StatusTotalsOut
