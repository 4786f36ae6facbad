"""Reads of shipments (销售出库) within the user's warehouses, shared by pages and API: the search, one shipment,
its lines and orders, what is left to ship on approved orders, and the pick list with the serial numbers to pick."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from jxc.core.numbers import ZERO, round_quantity
from jxc.inventory.choices import PostingStatus, ReservationStatus, SerialStatus
from jxc.inventory.models import Reservation, Serial, StockMove
from jxc.inventory.selectors import warehouses_of
from jxc.sales.choices import OPEN_ORDER_STATUSES, ORDER_SOURCE, SHIPMENT_SOURCE
from jxc.sales.models import SalesOrder, SalesOrderLine, SalesShipment, SalesShipmentLine
from jxc.sales.services.picking import pick_order


def _visible(shipments: QuerySet[SalesShipment], user: Any) -> QuerySet[SalesShipment]:
    if getattr(user, "all_warehouses", True):
        return shipments
    return shipments.filter(warehouse__in=warehouses_of(user=user).values("pk"))


def may_use(user: Any, shipment: SalesShipment) -> bool:
    """Whether the user may change, pick, ship or reverse it: its warehouse is one of theirs."""
    if getattr(user, "all_warehouses", True):
        return True
    return warehouses_of(user=user).filter(pk=shipment.warehouse_id).exists()


def _product_match(q: str) -> Q:
    return (
        Q(product__sku__icontains=q)
        | Q(product__name__icontains=q)
        | Q(product__mnemonic__icontains=q.upper())
        | Q(product__barcodes__code=q)
    )


def sales_shipment_search(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    delivery_status: str = "",
    customer_id: int | None = None,
    warehouse_id: int | None = None,
    channel: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[SalesShipment]:
    """Shipments in the user's warehouses by number, customer, tracking number, order number or product, with
    filters; each with its line count."""
    shipments = _visible(SalesShipment.objects.select_related("customer", "warehouse", "created_by"), user)
    if status:
        shipments = shipments.filter(status=status)
    if delivery_status:
        shipments = shipments.filter(delivery_status=delivery_status)
    if customer_id:
        shipments = shipments.filter(customer_id=customer_id)
    if warehouse_id:
        shipments = shipments.filter(warehouse_id=warehouse_id)
    if channel:
        shipments = shipments.filter(channel=channel)
    if date_from:
        shipments = shipments.filter(date__gte=date_from)
    if date_to:
        shipments = shipments.filter(date__lte=date_to)
    q = q.strip()
    if q:
        lines = SalesShipmentLine.objects.filter(_product_match(q) | Q(order_line__order__number__icontains=q))
        shipments = shipments.filter(
            Q(number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__mnemonic__icontains=q.upper())
            | Q(tracking_no__icontains=q)
            | Q(pk__in=lines.values("shipment_id"))
        )
    line_count = (
        SalesShipmentLine.objects.filter(shipment=OuterRef("pk"))
        .order_by()
        .values("shipment_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return shipments.annotate(line_count=Coalesce(Subquery(line_count, output_field=IntegerField()), 0))


def sales_shipment_get_for(*, user: Any, pk: int) -> SalesShipment:
    """One shipment in the user's warehouses (else SalesShipment.DoesNotExist)."""
    return _visible(
        SalesShipment.objects.select_related("customer", "warehouse", "created_by", "posted_by", "reversal_of"),
        user,
    ).get(pk=pk)


def shipment_lines(shipment: SalesShipment) -> list[SalesShipmentLine]:
    """The shipment's lines in order, with their order lines, products, units, places, lots and packages."""
    return list(
        shipment.lines.select_related(
            "order_line__order", "product__base_unit", "unit", "location", "lot", "package"
        ).order_by("position", "pk")
    )


def shipment_orders(lines: list[SalesShipmentLine]) -> list[SalesOrder]:
    """The orders the lines ship against, by number."""
    orders = {ln.order_line.order.pk: ln.order_line.order for ln in lines if ln.order_line is not None}
    return sorted(orders.values(), key=lambda o: o.number)


def shipment_moves(shipment: SalesShipment) -> list[StockMove]:
    """The ledger moves of the shipment's posting and of its reversal."""
    reversals = Q(posting__reversal_of__source_type=SHIPMENT_SOURCE, posting__reversal_of__source_id=shipment.pk)
    return list(
        StockMove.objects.filter(Q(posting__source_type=SHIPMENT_SOURCE, posting__source_id=shipment.pk) | reversals)
        .select_related("posting", "product__base_unit", "unit", "warehouse", "location", "lot")
        .order_by("pk")
    )


def reversed_shipment(shipment: SalesShipment) -> SalesShipment | None:
    """The reversal (红冲) of a shipment, if it was reversed."""
    return SalesShipment.objects.filter(reversal_of=shipment).first()


# What is left to ship


def _open_lines() -> QuerySet[SalesOrderLine]:
    return SalesOrderLine.objects.filter(order__status__in=OPEN_ORDER_STATUSES, shipped_quantity__lt=F("quantity"))


def orders_to_ship(
    *, user: Any, q: str = "", customer_id: int | None = None, warehouse_id: int | None = None
) -> QuerySet[SalesOrder]:
    """Approved or partly shipped orders in the user's warehouses with something left to ship, each with how many
    of its lines are still open."""
    orders = SalesOrder.objects.filter(status__in=OPEN_ORDER_STATUSES).select_related("customer", "warehouse")
    if not getattr(user, "all_warehouses", True):
        orders = orders.filter(warehouse__in=warehouses_of(user=user).values("pk"))
    orders = orders.filter(Exists(_open_lines().filter(order=OuterRef("pk"))))
    if customer_id:
        orders = orders.filter(customer_id=customer_id)
    if warehouse_id:
        orders = orders.filter(warehouse_id=warehouse_id)
    q = q.strip()
    if q:
        products = SalesOrderLine.objects.filter(_product_match(q)).values("order_id")
        orders = orders.filter(
            Q(number__icontains=q)
            | Q(customer__name__icontains=q)
            | Q(customer__mnemonic__icontains=q.upper())
            | Q(customer_reference__icontains=q)
            | Q(pk__in=products)
        )
    open_count = _open_lines().filter(order=OuterRef("pk")).order_by().values("order_id").annotate(n=Count("pk"))
    return orders.annotate(open_lines=Coalesce(Subquery(open_count.values("n"), output_field=IntegerField()), 0))


@dataclass(frozen=True)
class OpenLine:
    """An order line with something left to ship, in the line's unit (remaining, reserved) and base units."""

    line: SalesOrderLine
    ordered: Decimal
    shipped: Decimal
    remaining: Decimal
    reserved: Decimal
    remaining_base: Decimal


def reserved_by_line(line_ids: list[int]) -> dict[int, Decimal]:
    """Base units still reserved for each order line (its active reservations)."""
    if not line_ids:
        return {}
    rows = (
        Reservation.objects.filter(
            source_type=ORDER_SOURCE, source_line_id__in=line_ids, status=ReservationStatus.ACTIVE
        )
        .values("source_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("source_line_id", "total")
    )
    return {line_id: Decimal(total or 0) for line_id, total in rows}


def open_order_lines(*, user: Any, customer_id: int, order_ids: list[int] | None = None) -> list[OpenLine]:
    """Lines of the customer's approved orders (in the user's warehouses) with something left to ship, oldest order
    first, with what is left and what is reserved for it."""
    lines = _open_lines().filter(order__customer_id=customer_id)
    if not getattr(user, "all_warehouses", True):
        lines = lines.filter(order__warehouse__in=warehouses_of(user=user).values("pk"))
    if order_ids is not None:
        lines = lines.filter(order_id__in=order_ids)
    found = list(
        lines.select_related("order__warehouse", "product__base_unit", "unit").order_by(
            "order__date", "order_id", "position", "pk"
        )
    )
    reserved = reserved_by_line([ln.pk for ln in found])
    return [
        OpenLine(
            line=ln,
            ordered=ln.unit_quantity,
            shipped=round_quantity(ln.shipped_quantity / ln.factor),
            remaining=round_quantity((ln.quantity - ln.shipped_quantity) / ln.factor),
            reserved=round_quantity(reserved.get(ln.pk, ZERO) / ln.factor),
            remaining_base=ln.quantity - ln.shipped_quantity,
        )
        for ln in found
    ]


# Picking


@dataclass
class PickRow:
    """A line of the pick list: where to go, what to take, how much is still to pick, which serials to take."""

    line: SalesShipmentLine
    to_pick: Decimal
    serials: list[str] = field(default_factory=list)
    suggested: bool = False
    picked_serials: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.to_pick <= 0


def pick_list(shipment: SalesShipment) -> list[PickRow]:
    """The shipment's lines in walking order (location, first expiry). For serial-tracked lines, the serial numbers to
    take: those named on the line and not picked yet, else suggestions — the first in stock at the line's place by
    serial number, as many as are still to pick, none suggested twice."""
    lines = pick_order(shipment)
    named = {s for ln in lines for s in ln.serial_list}
    taken = named | {s for ln in lines for s in ln.picked_serials.split()}
    rows = []
    for line in lines:
        picked = line.picked_serials.split()
        row = PickRow(line=line, to_pick=max(line.quantity - line.picked_quantity, ZERO), picked_serials=picked)
        if line.product.track_serials and row.to_pick > 0:
            if line.serial_list:
                row.serials = [s for s in line.serial_list if s not in picked]
            else:
                here = Serial.objects.filter(
                    product_id=line.product_id,
                    warehouse_id=shipment.warehouse_id,
                    location_id=line.location_id,
                    status=SerialStatus.IN_STOCK,
                )
                here = here.filter(lot_id=line.lot_id) if line.lot_id else here.filter(lot__isnull=True)
                wanted = int(row.to_pick)
                row.serials = list(
                    here.exclude(serial_no__in=taken).order_by("serial_no").values_list("serial_no", flat=True)[:wanted]
                )
                row.suggested = True
                taken.update(row.serials)
        rows.append(row)
    return rows


def pick_progress(rows: list[PickRow]) -> tuple[Decimal, Decimal]:
    """Base units picked and to pick in all, over the pick list."""
    total = sum((r.line.quantity for r in rows), ZERO)
    picked = sum((min(r.line.picked_quantity, r.line.quantity) for r in rows), ZERO)
    return picked, total


def is_draft(shipment: SalesShipment) -> bool:
    return shipment.status == PostingStatus.DRAFT
