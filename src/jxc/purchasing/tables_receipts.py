"""The columns of the purchase receipt list and of a receipt's lines: one definition for the page and Excel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column

RECEIPT_COLUMNS = (
    Column("number", _("Number"), sort="number"),
    Column("date", _("Date"), kind="date", sort="date", width=12),
    Column("supplier", _("Supplier"), get=lambda r: r.supplier.name, sort="supplier__name", width=24),
    Column("warehouse", _("Warehouse"), get=lambda r: r.warehouse.name, width=14),
    Column("supplier_reference", _("Delivery note no."), width=16),
    Column("status", _("Status"), get=lambda r: r.get_status_display(), sort="status", width=10),
    Column("line_count", _("Line count"), kind="int", sort="line_count", width=8),
    Column("amount", _("Amount without tax"), kind="money", cost=True),
    Column("tax", _("Tax"), kind="money", cost=True),
    Column("charges", _("Freight and charges"), kind="money", get=lambda r: r.freight + r.other_charges, cost=True),
    Column("total", _("Total payable"), kind="money", sort="total", cost=True),
)

RECEIPT_LINE_COLUMNS = (
    Column("position", _("Line"), kind="int", width=6),
    Column("order", _("Purchase order"), get=lambda ln: ln.order_line.order.number if ln.order_line_id else ""),
    Column("sku", _("SKU"), get=lambda ln: ln.product.sku),
    Column("product", _("Product"), get=lambda ln: ln.product.name, width=30),
    Column("unit", _("Unit"), get=lambda ln: ln.unit.name, width=8),
    Column("received_quantity", _("Received"), kind="quantity"),
    Column("accepted_quantity", _("Accepted"), kind="quantity"),
    Column("rejected_quantity", _("Rejected"), kind="quantity"),
    Column("reject_reason", _("Reason for rejecting"), width=20),
    Column("location", _("Location"), get=lambda ln: ln.location.code),
    Column("batch", _("Batch no."), get=lambda ln: ln.lot.batch_no if ln.lot_id else ln.batch_no),
    Column("expiry", _("Expiry date"), kind="date", get=lambda ln: ln.lot.expiry_date if ln.lot_id else ln.expiry_date),
    Column("serials", _("Serial numbers"), get=lambda ln: " ".join(ln.serial_list), width=30),
    Column("price", _("Unit price"), kind="price", cost=True),
    Column("tax_rate", _("Tax rate"), kind="rate", cost=True, width=8),
    Column("discount_pct", _("Discount"), kind="rate", cost=True, width=8),
    Column("amount", _("Amount without tax"), kind="money", cost=True),
    Column("tax", _("Tax"), kind="money", cost=True),
    Column("charges", _("Allocated charges"), kind="money", cost=True),
    Column("cost", _("Stock value"), kind="money", cost=True),
    Column("notes", _("Notes"), width=20),
)
