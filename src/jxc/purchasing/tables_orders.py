"""The columns of the purchase order lists (all orders, overdue orders) and of an order's lines, with what they
show: one definition for the pages and Excel. Money columns are purchase prices (cost data)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.db.models import Avg, F, FloatField, Min, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Least, NullIf
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column
from jxc.core.fields import QuantityField
from jxc.core.numbers import ZERO
from jxc.purchasing.choices import OrderStatus
from jxc.purchasing.models import PurchaseOrder, PurchaseOrderLine
from jxc.purchasing.selectors.documents import line_progress

STATUS_BADGES = {
    OrderStatus.DRAFT: "badge-muted",
    OrderStatus.SUBMITTED: "badge-warning",
    OrderStatus.APPROVED: "badge-info",
    OrderStatus.PARTIAL: "badge-info",
    OrderStatus.DONE: "badge-success",
    OrderStatus.CLOSED: "badge-muted",
    OrderStatus.VOID: "badge-danger",
}


def status_badge(order: PurchaseOrder) -> SafeString:
    """The status as a coloured badge (the HTML list; Excel gets the plain label)."""
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_BADGES.get(OrderStatus(order.status), ""),
        order.status,
        order.get_status_display(),
    )


def with_progress(orders: QuerySet[PurchaseOrder]) -> QuerySet[PurchaseOrder]:
    """Add what the lists show per order in the same query: the share received (the mean over the lines of
    received ÷ ordered, capped at 1; unit-free, so lines in 件 and kg weigh the same) and `due`, the earliest
    expected date (the line's, else the order's) of a line with something still to arrive."""
    lines = PurchaseOrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order_id")
    zero = Value(ZERO, output_field=QuantityField())
    share = Cast(Least(F("received_quantity"), F("quantity")), FloatField()) / Cast(
        NullIf(F("quantity"), zero), FloatField()
    )
    received = lines.annotate(share=Avg(share, output_field=FloatField())).values("share")
    due = (
        lines.filter(received_quantity__lt=F("quantity"))
        .annotate(due=Min(Coalesce("expected_date", "order__expected_date")))
        .values("due")
    )
    return orders.annotate(
        received_share=Subquery(received, output_field=FloatField()),
        due=Subquery(due),
    )


def received_pct(order: PurchaseOrder) -> Decimal | None:
    """The share received in percent, whole (63), from `with_progress`."""
    share = getattr(order, "received_share", None)
    if share is None:
        return None
    return Decimal(round(share * 100))


def days_late(order: PurchaseOrder) -> int | None:
    """Days since the earliest open expected date (from `with_progress`), for late orders."""
    due = getattr(order, "due", None)
    if due is None:
        return None
    late = (timezone.localdate() - due).days
    return late if late > 0 else None


def status_label(order: PurchaseOrder) -> str:
    return order.get_status_display()


def _columns(*, html: bool, overdue: bool = False) -> tuple[Column, ...]:
    status: Callable[[PurchaseOrder], str] = status_badge if html else status_label
    columns = [
        Column("number", _("Number"), sort="number"),
        Column("date", _("Date"), kind="date", sort="date", width=12),
        Column("supplier", _("Supplier"), get=lambda o: o.supplier.name, sort="supplier__name", width=24),
        Column("warehouse", _("Warehouse"), get=lambda o: o.warehouse.name, sort="warehouse__name"),
        Column("status", _("Status"), get=status, sort="status", width=10),
        Column("expected_date", _("Expected date"), kind="date", sort="expected_date", width=12),
    ]
    if overdue:
        columns += [
            Column("due", _("Due since"), kind="date", sort="due", width=12),
            Column("days_late", _("Days late"), kind="int", get=days_late, width=8),
        ]
    columns += [
        Column("line_count", _("Line count"), kind="int", sort="line_count", width=8),
        Column("total", _("Total"), kind="money", sort="total", cost=True),
        Column("received", _("Received (%)"), kind="rate", get=received_pct, sort="received_share", width=10),
    ]
    if not html:
        columns += [
            Column("supplier_reference", _("Supplier's reference")),
            Column("created_by", _("Prepared by"), get=lambda o: str(o.created_by)),
            Column("notes", _("Notes"), width=30),
        ]
    return tuple(columns)


ORDER_COLUMNS = _columns(html=True)
ORDER_EXPORT_COLUMNS = _columns(html=False)
OVERDUE_COLUMNS = _columns(html=True, overdue=True)
OVERDUE_EXPORT_COLUMNS = _columns(html=False, overdue=True)


def _progress(line: PurchaseOrderLine, key: str) -> Decimal:
    return line_progress(line)[key]


LINE_COLUMNS = (
    Column("position", _("Line"), kind="int", width=6),
    Column("sku", _("SKU"), get=lambda ln: ln.product.sku),
    Column("product", _("Product"), get=lambda ln: ln.product.name, width=30),
    Column("spec", _("Specification"), get=lambda ln: ln.product.spec),
    Column("unit", _("Unit"), get=lambda ln: ln.unit.name, width=8),
    Column("unit_quantity", _("Ordered"), kind="quantity"),
    Column("received", _("Received"), kind="quantity", get=lambda ln: _progress(ln, "received")),
    Column("rejected", _("Rejected"), kind="quantity", get=lambda ln: _progress(ln, "rejected")),
    Column("remaining", _("Remaining"), kind="quantity", get=lambda ln: _progress(ln, "remaining")),
    Column("price", _("Unit price"), kind="price", cost=True),
    Column("tax_rate", _("Tax rate"), kind="rate", cost=True, width=8),
    Column("discount_pct", _("Discount"), kind="rate", cost=True, width=8),
    Column("amount", _("Amount without tax"), kind="money", cost=True),
    Column("tax", _("Tax"), kind="money", cost=True),
    Column("total", _("Total"), kind="money", cost=True),
    Column("expected_date", _("Expected date"), kind="date", width=12),
    Column("notes", _("Notes"), width=20),
)
