"""The columns of the stock document list, of the goods in transit and of a document's lines, with the labels they
show: one definition for the pages, the API and Excel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column
from jxc.inventory.choices import DocumentKind, IssueReason, ReceiptReason
from jxc.inventory.models import StockDocument

REASONS: dict[str, Any] = {DocumentKind.RECEIPT: ReceiptReason, DocumentKind.ISSUE: IssueReason}


def reason_label(kind: str, reason: str) -> str:
    """The reason as the user reads it (reasons depend on the kind)."""
    choices = REASONS.get(kind)
    if not reason or choices is None:
        return ""
    return str(dict(choices.choices).get(reason, reason))


def warehouses_label(document: StockDocument) -> str:
    """总仓, or 总仓 → 分仓 for a transfer between warehouses."""
    if document.to_warehouse_id and document.to_warehouse_id != document.warehouse_id:
        return f"{document.warehouse.name} → {document.to_warehouse.name}"  # type: ignore[union-attr]
    return document.warehouse.name


def document_amount(document: StockDocument) -> Decimal | None:
    """Cost data: the receipt's amount, or the cost of the goods an issue or transfer took out (posted)."""
    if document.kind == DocumentKind.RECEIPT:
        return getattr(document, "line_amount", None)
    value = getattr(document, "out_value", None)
    return -value if value is not None else None


# The columns of the list (HTML, Excel and the API's export share them).
DOCUMENT_COLUMNS = (
    Column("number", _("Number"), sort="number"),
    Column("date", _("Date"), kind="date", sort="date", width=12),
    Column("kind", _("Kind"), get=lambda d: d.get_kind_display(), sort="kind", width=10),
    Column("reason", _("Reason"), get=lambda d: reason_label(d.kind, d.reason), width=12),
    Column("warehouse", _("Warehouse"), get=warehouses_label, width=22),
    Column("status", _("Status"), get=lambda d: d.get_status_display(), sort="status", width=10),
    Column("line_count", _("Line count"), kind="int", sort="line_count", width=8),
    Column("amount", _("Amount"), kind="money", get=document_amount, cost=True),
)

IN_TRANSIT_COLUMNS = (
    Column("number", _("Number"), sort="number"),
    Column("date", _("Date"), kind="date", sort="date", width=12),
    Column("warehouse", _("From warehouse"), get=lambda d: d.warehouse.name),
    Column("to_warehouse", _("To warehouse"), get=lambda d: d.to_warehouse.name if d.to_warehouse_id else ""),
    Column("posted_at", _("Shipped at"), kind="datetime", sort="posted_at", width=18),
    Column("line_count", _("Line count"), kind="int", width=8),
)

LINE_COLUMNS = (
    Column("position", _("Line"), kind="int", width=6),
    Column("sku", _("SKU"), get=lambda ln: ln.product.sku),
    Column("product", _("Product"), get=lambda ln: ln.product.name, width=30),
    Column("spec", _("Specification"), get=lambda ln: ln.product.spec),
    Column("unit", _("Unit"), get=lambda ln: ln.unit.name, width=8),
    Column("unit_quantity", _("Quantity"), kind="quantity"),
    Column("quantity", _("Base quantity"), kind="quantity"),
    Column("base_unit", _("Base unit"), get=lambda ln: ln.product.base_unit.name, width=8),
    Column("location", _("Location"), get=lambda ln: ln.location.code),
    Column("to_location", _("To location"), get=lambda ln: ln.to_location.code if ln.to_location_id else ""),
    Column("batch", _("Batch no."), get=lambda ln: ln.lot.batch_no if ln.lot_id else ln.batch_no),
    Column("expiry", _("Expiry date"), kind="date", get=lambda ln: ln.lot.expiry_date if ln.lot_id else ln.expiry_date),
    Column("serials", _("Serial numbers"), get=lambda ln: " ".join(ln.serial_list), width=30),
    Column("unit_cost", _("Unit cost"), kind="price", cost=True),
    Column("amount", _("Amount"), kind="money", cost=True),
    Column("notes", _("Notes"), width=20),
)
