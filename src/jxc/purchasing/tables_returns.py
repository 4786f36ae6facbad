"""The columns of the purchase return list and of a return's lines: one definition for the page and Excel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column

RETURN_COLUMNS = (
    Column("number", _("Number"), sort="number"),
    Column("date", _("Date"), kind="date", sort="date", width=12),
    Column("supplier", _("Supplier"), get=lambda r: r.supplier.name, sort="supplier__name", width=24),
    Column("warehouse", _("Warehouse"), get=lambda r: r.warehouse.name, width=14),
    Column("receipt", _("Receipt"), get=lambda r: r.receipt.number if r.receipt_id else ""),
    Column("reason", _("Reason"), width=20),
    Column("status", _("Status"), get=lambda r: r.get_status_display(), sort="status", width=10),
    Column("line_count", _("Line count"), kind="int", sort="line_count", width=8),
    Column("amount", _("Amount without tax"), kind="money", cost=True),
    Column("tax", _("Tax"), kind="money", cost=True),
    Column("total", _("Total credited"), kind="money", sort="total", cost=True),
)

RETURN_LINE_COLUMNS = (
    Column("position", _("Line"), kind="int", width=6),
    Column("sku", _("SKU"), get=lambda ln: ln.product.sku),
    Column("product", _("Product"), get=lambda ln: ln.product.name, width=30),
    Column("rejected", _("Rejected at inspection"), kind="bool", width=10),
    Column("unit", _("Unit"), get=lambda ln: ln.unit.name, width=8),
    Column("unit_quantity", _("Quantity"), kind="quantity"),
    Column("location", _("Location"), get=lambda ln: ln.location.code),
    Column("batch", _("Batch no."), get=lambda ln: ln.lot.batch_no if ln.lot_id else ""),
    Column("serials", _("Serial numbers"), get=lambda ln: " ".join(ln.serial_list), width=30),
    Column("price", _("Unit price"), kind="price", cost=True),
    Column("tax_rate", _("Tax rate"), kind="rate", cost=True, width=8),
    Column("amount", _("Amount without tax"), kind="money", cost=True),
    Column("tax", _("Tax"), kind="money", cost=True),
    Column("total", _("Total"), kind="money", cost=True),
    Column("cost", _("Stock value"), kind="money", cost=True),
    Column("notes", _("Notes"), width=20),
)
