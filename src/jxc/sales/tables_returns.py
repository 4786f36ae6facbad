"""The columns of the sales return list and of a return's lines: one definition for the pages, the API export and
Excel. Money columns are what the customer is credited, left out for users who may not see sales prices (a
warehouse keeper, see `can_view_prices`); the cost that came back is cost data (view_cost)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.columns import Column, visible_columns
from jxc.inventory.choices import PostingStatus
from jxc.sales.choices import Disposition
from jxc.sales.models import SalesReturn, SalesReturnLine
from jxc.sales.selectors.documents import can_view_prices

STATUS_BADGES = {
    PostingStatus.DRAFT: "badge-muted",
    PostingStatus.POSTED: "badge-success",
    PostingStatus.REVERSED: "badge-danger",
}
DISPOSITION_BADGES = {
    Disposition.RESTOCK: "badge-success",
    Disposition.QUARANTINE: "badge-warning",
    Disposition.SCRAP: "badge-danger",
}

# Columns that show what the customer is credited: left out for users who may not see sales prices.
PRICE_KEYS = frozenset({"price", "tax_rate", "discount_pct", "amount", "tax", "total"})


def columns_for(columns: Sequence[Column], user: Any) -> list[Column]:
    """The columns this user may see: credited amounts with `can_view_prices`, the cost with view_cost."""
    shown = visible_columns(columns, user)
    if can_view_prices(user):
        return shown
    return [c for c in shown if c.key not in PRICE_KEYS]


def status_badge(sales_return: SalesReturn) -> SafeString:
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_BADGES.get(PostingStatus(sales_return.status), ""),
        sales_return.status,
        sales_return.get_status_display(),
    )


def _return_columns(*, html: bool) -> tuple[Column, ...]:
    status: Callable[[SalesReturn], Any] = status_badge if html else (lambda r: r.get_status_display())
    columns = [
        Column("number", _("Number"), sort="number"),
        Column("date", _("Date"), kind="date", sort="date", width=12),
        Column("customer", _("Customer"), get=lambda r: r.customer.name, sort="customer__name", width=24),
        Column("warehouse", _("Warehouse"), get=lambda r: r.warehouse.name, sort="warehouse__name"),
        Column("shipment", _("Shipment"), get=lambda r: r.shipment.number if r.shipment_id else ""),
        Column("reason", _("Reason"), width=20),
        Column("status", _("Status"), get=status, sort="status", width=10),
        Column("line_count", _("Line count"), kind="int", sort="line_count", width=8),
        Column("amount", _("Amount without tax"), kind="money"),
        Column("tax", _("Tax"), kind="money"),
        Column("total", pgettext_lazy("sales return", "Total credited"), kind="money", sort="total"),
        Column("cost", _("Cost returned"), kind="money", cost=True),
    ]
    if not html:
        columns += [
            Column("created_by", _("Prepared by"), get=lambda r: str(r.created_by)),
            Column("posted_at", _("Posted at"), kind="datetime", width=16),
            Column("notes", _("Notes"), width=30),
        ]
    return tuple(columns)


RETURN_COLUMNS = _return_columns(html=True)
RETURN_EXPORT_COLUMNS = _return_columns(html=False)


def _batch(line: SalesReturnLine) -> str:
    return line.lot.batch_no if line.lot_id and line.lot else ""


def _shipment(line: SalesReturnLine) -> str:
    return line.shipment_line.shipment.number if line.shipment_line_id and line.shipment_line else ""


RETURN_LINE_COLUMNS = (
    Column("position", _("Line"), kind="int", width=6),
    Column("shipment", _("Shipment"), get=_shipment),
    Column("sku", _("SKU"), get=lambda ln: ln.product.sku),
    Column("product", _("Product"), get=lambda ln: ln.product.name, width=30),
    Column("unit", _("Unit"), get=lambda ln: ln.unit.name, width=8),
    Column("unit_quantity", _("Quantity"), kind="quantity"),
    Column("quantity", _("Base quantity"), kind="quantity"),
    Column("disposition", _("Inspection"), get=lambda ln: ln.get_disposition_display(), width=12),
    Column("location", _("Location"), get=lambda ln: ln.location.code),
    Column("batch", _("Batch no."), get=_batch),
    Column("serials", _("Serial numbers"), get=lambda ln: " ".join(ln.serial_list), width=30),
    Column("price", _("Unit price"), kind="price"),
    Column("tax_rate", _("Tax rate"), kind="rate", width=8),
    Column("discount_pct", _("Discount"), kind="rate", width=8),
    Column("amount", _("Amount without tax"), kind="money"),
    Column("tax", _("Tax"), kind="money"),
    Column("total", _("Total"), kind="money"),
    Column("cost", _("Cost returned"), kind="money", cost=True),
    Column("notes", _("Notes"), width=20),
)
