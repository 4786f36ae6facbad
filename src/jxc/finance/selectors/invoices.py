"""Reads of tax invoices (发票): the list, one invoice with its lines, the documents of a partner still to invoice,
and the report "invoiced / not yet invoiced" per shipment or receipt.

A document is its open item in the partner ledger: the receivable entry a shipment posted (issued invoices) or the
payable entry a receipt posted (received invoices). Finance does not import sales or purchasing: the source types
are named here. What is invoiced on a document is the sum of the lines of its invoices that are not void, computed
in the same query as the documents (no query per row).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from jxc.core.fields import MoneyField
from jxc.finance.choices import InvoiceDirection
from jxc.finance.models import Invoice, InvoiceLine
from jxc.partners.models import Account, OpenItem

SHIPMENT_SOURCE = "sales.salesshipment"
RECEIPT_SOURCE = "purchasing.purchasereceipt"
DOCUMENT_PHASE = "post"

# Per direction: the document's source type, the account its entry is on, the partner role.
SOURCE_OF = {InvoiceDirection.ISSUED: SHIPMENT_SOURCE, InvoiceDirection.RECEIVED: RECEIPT_SOURCE}
ACCOUNT_OF = {InvoiceDirection.ISSUED: Account.RECEIVABLE, InvoiceDirection.RECEIVED: Account.PAYABLE}
ROLE_OF = {InvoiceDirection.ISSUED: "customer", InvoiceDirection.RECEIVED: "supplier"}
# The page of each kind of document (a URL name, so that finance needs no import of sales or purchasing).
DOCUMENT_URL = {SHIPMENT_SOURCE: "sales:shipment_detail", RECEIPT_SOURCE: "purchasing:receipt_detail"}


class InvoiceState:
    """The filter of the report: documents not fully invoiced, fully invoiced, or all."""

    OPEN = "open"
    DONE = "done"
    ALL = ""


def _money(value: Decimal | int = 0) -> Value:
    return Value(Decimal(value), output_field=MoneyField())


def invoiced_on(item_ref: Any = None) -> Coalesce:
    """What is invoiced on the document `item_ref` points to (default: the open item of the row): the lines of its
    invoices that are not void."""
    lines = (
        InvoiceLine.objects.filter(Q(item_id=item_ref if item_ref is not None else OuterRef("pk")), invoice__void=False)
        .order_by()
        .values("item_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(lines, output_field=MoneyField()), _money(), output_field=MoneyField())


def documents(*, direction: str) -> QuerySet[OpenItem]:
    """The documents of a direction (shipments' receivables or receipts' payables, not reversed), each with
    `invoiced` and `left` (amount − invoiced)."""
    return (
        OpenItem.objects.filter(
            account=ACCOUNT_OF[InvoiceDirection(direction)],
            entry__source_type=SOURCE_OF[InvoiceDirection(direction)],
            entry__phase=DOCUMENT_PHASE,
            amount__gt=0,
            reversed=False,
        )
        .select_related("entry", "partner")
        .annotate(invoiced=invoiced_on())
        .annotate(left=ExpressionWrapper(F("amount") - F("invoiced"), output_field=MoneyField()))
    )


def invoiceable_documents(*, direction: str, partner_id: int) -> list[OpenItem]:
    """The partner's documents with something left to invoice, oldest first."""
    return list(documents(direction=direction).filter(Q(left__gt=0), partner_id=partner_id).order_by("date", "pk"))


def invoice_status(
    *,
    direction: str,
    partner_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    state: str = InvoiceState.ALL,
) -> QuerySet[OpenItem]:
    """The report "invoiced / not yet invoiced": the documents of the direction dated in the range, each with its
    amount, `invoiced` and `left`; `state` keeps those not fully invoiced ("open") or fully invoiced ("done")."""
    found = documents(direction=direction)
    if partner_id:
        found = found.filter(partner_id=partner_id)
    if start:
        found = found.filter(date__gte=start)
    if end:
        found = found.filter(date__lte=end)
    if state == InvoiceState.OPEN:
        found = found.filter(Q(left__gt=0))  # an annotation: Q keeps the stubs from checking it
    elif state == InvoiceState.DONE:
        found = found.filter(Q(left__lte=0))
    return found.order_by("date", "pk")


@dataclass(frozen=True)
class StatusTotals:
    """The sums of the report: document amounts, invoiced, not yet invoiced, and how many documents."""

    count: int
    amount: Decimal
    invoiced: Decimal
    left: Decimal


def invoice_status_totals(found: QuerySet[OpenItem]) -> StatusTotals:
    """The totals of the report's rows, in two queries (the documents, then their active invoice lines)."""
    sums = found.order_by().aggregate(count=Count("pk"), amount=Sum("amount"))
    lines = InvoiceLine.objects.filter(invoice__void=False, item_id__in=found.order_by().values("pk"))
    zero = Decimal("0.00")
    amount = sums["amount"] or zero
    invoiced = lines.aggregate(total=Sum("amount"))["total"] or zero
    return StatusTotals(count=sums["count"] or 0, amount=amount, invoiced=invoiced, left=amount - invoiced)


def invoice_search(
    *,
    direction: str = "",
    partner_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    number: str = "",
    void: bool | None = None,
) -> QuerySet[Invoice]:
    """Invoices by direction, partner, date range, number (part of it) and void or not, with their line count."""
    found = Invoice.objects.select_related("partner", "created_by").annotate(line_count=Count("lines"))
    if direction:
        found = found.filter(direction=direction)
    if partner_id:
        found = found.filter(partner_id=partner_id)
    if date_from:
        found = found.filter(date__gte=date_from)
    if date_to:
        found = found.filter(date__lte=date_to)
    if number.strip():
        found = found.filter(number__icontains=number.strip())
    if void is not None:
        found = found.filter(void=void)
    return found


def invoice_get(*, pk: int) -> Invoice:
    """One invoice (raises Invoice.DoesNotExist)."""
    return Invoice.objects.select_related("partner", "created_by").get(pk=pk)


def invoice_lines(invoice: Invoice) -> list[InvoiceLine]:
    """The invoice's lines with their document, each with `invoiced` (all active invoices on that document) and
    `left` (the document's amount − invoiced)."""
    return list(
        InvoiceLine.objects.filter(invoice=invoice)
        .select_related("item", "item__entry")
        .annotate(invoiced=invoiced_on(OuterRef("item_id")))
        .annotate(left=ExpressionWrapper(F("item__amount") - F("invoiced"), output_field=MoneyField()))
        .order_by("pk")
    )


def invoiced_by_item(item_ids: list[int]) -> dict[int, Decimal]:
    """What is invoiced on each of these documents (active lines), in one query."""
    rows = (
        InvoiceLine.objects.filter(item_id__in=item_ids, invoice__void=False)
        .values("item_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {r["item_id"]: r["total"] for r in rows}


def invoice_number_used(*, direction: str, partner_id: int, number: str) -> bool:
    """Whether this number is already recorded for this partner and direction."""
    return Invoice.objects.filter(direction=direction, partner_id=partner_id, number=number).exists()
