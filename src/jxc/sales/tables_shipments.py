"""The columns of the shipment lists (shipments, orders to ship, deliveries in trouble) and of a shipment's lines:
one definition for the pages, the API export and Excel. Money columns are sales prices, left out for users who may
not see them (a warehouse keeper, see `can_view_prices`); the cost of goods sold is cost data (view_cost)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column, visible_columns
from jxc.core.numbers import round_quantity
from jxc.inventory.choices import PostingStatus
from jxc.sales.choices import DeliveryStatus
from jxc.sales.models import SalesOrder, SalesShipment, SalesShipmentLine
from jxc.sales.selectors.documents import can_view_prices

STATUS_BADGES = {
    PostingStatus.DRAFT: "badge-muted",
    PostingStatus.POSTED: "badge-success",
    PostingStatus.REVERSED: "badge-danger",
}
DELIVERY_BADGES = {
    DeliveryStatus.NOT_SHIPPED: "badge-muted",
    DeliveryStatus.SHIPPED: "badge-info",
    DeliveryStatus.IN_TRANSIT: "badge-info",
    DeliveryStatus.OUT_FOR_DELIVERY: "badge-warning",
    DeliveryStatus.DELIVERED: "badge-success",
    DeliveryStatus.EXCEPTION: "badge-danger",
}

# Columns that show what the customer pays: left out for users who may not see sales prices.
PRICE_KEYS = frozenset({"price", "tax_rate", "discount_pct", "amount", "tax", "total", "charges"})


def columns_for(columns: Sequence[Column], user: Any) -> list[Column]:
    """The columns this user may see: sales prices with `can_view_prices`, the cost of goods sold with view_cost."""
    shown = visible_columns(columns, user)
    if can_view_prices(user):
        return shown
    return [c for c in shown if c.key not in PRICE_KEYS]


def status_badge(shipment: SalesShipment) -> SafeString:
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_BADGES.get(PostingStatus(shipment.status), ""),
        shipment.status,
        shipment.get_status_display(),
    )


def delivery_badge(shipment: SalesShipment) -> SafeString:
    return format_html(
        '<span class="badge {}" data-delivery="{}">{}</span>',
        DELIVERY_BADGES.get(DeliveryStatus(shipment.delivery_status), ""),
        shipment.delivery_status,
        shipment.get_delivery_status_display(),
    )


def days_late(shipment: SalesShipment) -> int | None:
    """Days past the expected delivery (None when not expected yet or not late)."""
    expected = shipment.expected_delivery
    if expected is None or shipment.delivery_status == DeliveryStatus.DELIVERED:
        return None
    late = (timezone.localdate() - expected).days
    return late if late > 0 else None


def _shipment_columns(*, html: bool) -> tuple[Column, ...]:
    status: Callable[[SalesShipment], Any] = status_badge if html else (lambda s: s.get_status_display())
    delivery: Callable[[SalesShipment], Any] = delivery_badge if html else (lambda s: s.get_delivery_status_display())
    columns = [
        Column("number", _("Number"), sort="number"),
        Column("date", _("Date"), kind="date", sort="date", width=12),
        Column("customer", _("Customer"), get=lambda s: s.customer.name, sort="customer__name", width=24),
        Column("warehouse", _("Warehouse"), get=lambda s: s.warehouse.name, sort="warehouse__name"),
        Column("channel", _("Channel"), get=lambda s: s.get_channel_display(), sort="channel", width=12),
        Column("status", _("Status"), get=status, sort="status", width=10),
        Column("delivery_status", _("Delivery"), get=delivery, sort="delivery_status", width=14),
        Column("carrier", _("Carrier"), sort="carrier", width=12),
        Column("tracking_no", _("Tracking no."), width=18),
        Column("expected_delivery", _("Expected delivery"), kind="date", sort="expected_delivery", width=12),
        Column("line_count", _("Line count"), kind="int", sort="line_count", width=8),
        Column("total", _("Total receivable"), kind="money", sort="total"),
        Column("cost", _("Cost of goods sold"), kind="money", cost=True),
    ]
    if not html:
        columns += [
            Column("ship_to", _("Ship to"), width=30),
            Column("contact", _("Contact"), width=16),
            Column("created_by", _("Prepared by"), get=lambda s: str(s.created_by)),
            Column("posted_at", _("Shipped at"), kind="datetime", width=16),
            Column("notes", _("Notes"), width=30),
        ]
    return tuple(columns)


SHIPMENT_COLUMNS = _shipment_columns(html=True)
SHIPMENT_EXPORT_COLUMNS = _shipment_columns(html=False)


def _batch(line: SalesShipmentLine) -> str:
    return line.lot.batch_no if line.lot_id and line.lot else ""


SHIPMENT_LINE_COLUMNS = (
    Column("position", _("Line"), kind="int", width=6),
    Column("order", _("Sales order"), get=lambda ln: ln.order_line.order.number if ln.order_line_id else ""),
    Column("sku", _("SKU"), get=lambda ln: ln.product.sku),
    Column("product", _("Product"), get=lambda ln: ln.product.name, width=30),
    Column("unit", _("Unit"), get=lambda ln: ln.unit.name, width=8),
    Column("unit_quantity", _("Quantity"), kind="quantity"),
    Column("quantity", _("Base quantity"), kind="quantity"),
    Column("picked_quantity", _("Picked (base)"), kind="quantity"),
    Column("location", _("Location"), get=lambda ln: ln.location.code),
    Column("batch", _("Batch no."), get=_batch),
    Column("expiry", _("Expiry date"), kind="date", get=lambda ln: ln.lot.expiry_date if ln.lot_id else None),
    Column(
        "serials", _("Serial numbers"), get=lambda ln: " ".join(ln.serial_list or ln.picked_serials.split()), width=30
    ),
    Column("package", _("Package no."), kind="int", get=lambda ln: ln.package.number if ln.package_id else None),
    Column("price", _("Unit price"), kind="price"),
    Column("tax_rate", _("Tax rate"), kind="rate", width=8),
    Column("discount_pct", _("Discount"), kind="rate", width=8),
    Column("amount", _("Amount without tax"), kind="money"),
    Column("tax", _("Tax"), kind="money"),
    Column("total", _("Total"), kind="money"),
    Column("cost", _("Cost of goods sold"), kind="money", cost=True),
    Column("notes", _("Notes"), width=20),
)


def ship_link(order: SalesOrder) -> SafeString:
    return format_html(
        '<a class="btn btn-small" href="{}?order={}" data-ship-order="{}">{}</a>',
        reverse("sales:shipment_create"),
        order.pk,
        order.pk,
        _("Ship"),
    )


def _to_ship_columns(*, html: bool) -> tuple[Column, ...]:
    columns = [
        Column("number", _("Sales order"), sort="number"),
        Column("date", _("Order date"), kind="date", sort="date", width=12),
        Column("customer", _("Customer"), get=lambda o: o.customer.name, sort="customer__name", width=24),
        Column("warehouse", _("Warehouse"), get=lambda o: o.warehouse.name, sort="warehouse__name"),
        Column("status", _("Status"), get=lambda o: o.get_status_display(), sort="status", width=12),
        Column("delivery_date", _("Delivery date"), kind="date", sort="delivery_date", width=12),
        Column("open_lines", _("Lines to ship"), kind="int", sort="open_lines", width=8),
        Column("customer_reference", _("Customer's reference")),
    ]
    if html:
        columns.append(Column("ship", "", get=ship_link, width=8))
    return tuple(columns)


TO_SHIP_COLUMNS = _to_ship_columns(html=True)
TO_SHIP_EXPORT_COLUMNS = _to_ship_columns(html=False)


def _last_event(shipment: SalesShipment) -> str:
    events = list(shipment.events.all())
    if not events:
        return ""
    last = max(events, key=lambda e: (e.occurred_at, e.pk))
    return " · ".join(filter(None, [last.get_status_display(), last.place, last.description]))


def _delivery_columns(*, html: bool) -> tuple[Column, ...]:
    delivery: Callable[[SalesShipment], Any] = delivery_badge if html else (lambda s: s.get_delivery_status_display())
    return (
        Column("number", _("Shipment"), sort="number"),
        Column("date", _("Shipped on"), kind="date", sort="date", width=12),
        Column("customer", _("Customer"), get=lambda s: s.customer.name, sort="customer__name", width=24),
        Column("carrier", _("Carrier"), sort="carrier", width=12),
        Column("tracking_no", _("Tracking no."), width=18),
        Column("delivery_status", _("Delivery"), get=delivery, sort="delivery_status", width=14),
        Column("expected_delivery", _("Expected delivery"), kind="date", sort="expected_delivery", width=12),
        Column("days_late", _("Days late"), kind="int", get=days_late, width=8),
        Column("last_event", _("Last event"), get=_last_event, width=36),
    )


DELIVERY_COLUMNS = _delivery_columns(html=True)
DELIVERY_EXPORT_COLUMNS = _delivery_columns(html=False)


def in_unit(base: Decimal, line: SalesShipmentLine) -> Decimal:
    """Base units of a line stated in the line's unit."""
    return round_quantity(base / line.factor) if line.factor else base
