"""Invariants of sales, run by `jxc check`: what orders and shipments remember equals what was posted."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum

from jxc.core.invariants import invariant
from jxc.inventory.choices import PostingStatus, ReservationStatus
from jxc.inventory.models import Reservation
from jxc.sales.choices import OPEN_ORDER_STATUSES, ORDER_SOURCE
from jxc.sales.models import SalesOrderLine, SalesReturnLine, SalesShipmentLine

ZERO = Decimal(0)
COUNTED = (PostingStatus.POSTED, PostingStatus.REVERSED)


@invariant("sales_order_shipped")
def order_lines_equal_shipments() -> Iterator[str]:
    """Shipped per order line = Σ over posted shipments (and their reversals) of that line."""
    sums = {
        r["order_line_id"]: r["q"]
        for r in SalesShipmentLine.objects.filter(order_line__isnull=False, shipment__status__in=COUNTED)
        .values("order_line_id")
        .annotate(q=Sum("quantity"))
    }
    lines = SalesOrderLine.objects.filter(shipped_quantity__gt=0) | SalesOrderLine.objects.filter(pk__in=list(sums))
    for line in lines.only("pk", "shipped_quantity", "quantity"):
        shipped = sums.get(line.pk, ZERO)
        if line.shipped_quantity != shipped:
            yield f"order line {line.pk}: shipped {line.shipped_quantity} but shipments sum to {shipped}"
        if line.shipped_quantity > line.quantity:
            yield f"order line {line.pk}: shipped {line.shipped_quantity} of {line.quantity} ordered"


@invariant("sales_order_reserved")
def open_orders_hold_what_is_left() -> Iterator[str]:
    """An open order line holds an active reservation of exactly what is left to ship; other lines hold none."""
    held = {
        r["source_line_id"]: r["q"]
        for r in Reservation.objects.filter(source_type=ORDER_SOURCE, status=ReservationStatus.ACTIVE)
        .values("source_line_id")
        .annotate(q=Sum("quantity"))
    }
    open_lines = SalesOrderLine.objects.filter(order__status__in=OPEN_ORDER_STATUSES).only(
        "pk", "quantity", "shipped_quantity"
    )
    seen = set()
    for line in open_lines:
        seen.add(line.pk)
        left = max(line.quantity - line.shipped_quantity, ZERO)
        if held.get(line.pk, ZERO) != left:
            yield f"order line {line.pk}: {left} left to ship but {held.get(line.pk, ZERO)} reserved"
    for line_id, quantity in held.items():
        if line_id not in seen:
            yield f"order line {line_id}: not open but {quantity} still reserved"


@invariant("sales_shipment_returned")
def shipment_lines_equal_returns() -> Iterator[str]:
    """Returned per shipment line = Σ over posted returns (and their reversals) of it, within what was shipped."""
    sums = {
        r["shipment_line_id"]: r["q"]
        for r in SalesReturnLine.objects.filter(shipment_line__isnull=False, sales_return__status__in=COUNTED)
        .values("shipment_line_id")
        .annotate(q=Sum("quantity"))
    }
    lines = SalesShipmentLine.objects.filter(returned_quantity__gt=0) | SalesShipmentLine.objects.filter(
        pk__in=list(sums)
    )
    for line in lines.only("pk", "returned_quantity", "quantity"):
        returned = sums.get(line.pk, ZERO)
        if line.returned_quantity != returned:
            yield f"shipment line {line.pk}: returned {line.returned_quantity} but returns sum to {returned}"
        if line.quantity >= 0 and not ZERO <= line.returned_quantity <= line.quantity:
            yield f"shipment line {line.pk}: returned {line.returned_quantity} of {line.quantity} shipped"
