"""Shipments (销售出库): goods out to a customer against approved orders, directly (快速开单) or at the counter.

A draft is saved with where each line is picked from: the location, batch and serial numbers given, or the
places suggested first expiry first (a line is split when one place does not hold it all). Shipping posts it in
one transaction: the orders are locked and checked (open, not over-shipped), the goods leave at moving-average
cost (kept on each line as its cost of goods sold), the orders' reservations are consumed, the customer's
receivable goes up, the orders move on (partly shipped, done) and the delivery starts with a first event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.selectors import include_tax_default
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Catalog, Errors, check_charges
from jxc.core.db import retrying_atomic, row_copy
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import ZERO
from jxc.core.pricing import line_totals
from jxc.core.sequences import document_number_next
from jxc.inventory.choices import MoveKind, PostingStatus, ReservationStatus
from jxc.inventory.errors import (
    AlreadyReversed,
    DocumentNotDraft,
    DocumentNotPosted,
    EmptyDocument,
    OrderStatusConflict,
)
from jxc.inventory.models import Reservation, StockMove, StockPosting, Warehouse
from jxc.inventory.selectors import warehouse_for
from jxc.inventory.services.posting import Leg, Source, check_open, stock_post
from jxc.inventory.services.reservations import reservation_create, reservation_release
from jxc.inventory.services.reversal import posting_reverse
from jxc.partners.models import Account, Partner
from jxc.partners.services.ledger import EntrySource, partner_entry_post, partner_entry_reverse
from jxc.partners.services.payments import payments_taken_reverse
from jxc.sales.choices import (
    OPEN_ORDER_STATUSES,
    ORDER_SOURCE,
    SHIPMENT_PREFIX,
    SHIPMENT_SOURCE,
    Channel,
    DeliveryStatus,
    OrderStatus,
)
from jxc.sales.errors import OverShipment, ShipmentHasReturns
from jxc.sales.models import SalesOrder, SalesOrderLine, SalesShipment, SalesShipmentLine, TrackingEvent
from jxc.sales.services.orders import customer_for
from jxc.sales.services.shipment_lines import PickPlaces, priced_line
from jxc.sales.services.shipment_lines import ShipmentLineData as ShipmentLineData  # part of this service's input


@dataclass
class ShipmentData:
    """A shipment as entered; `prices_include_tax` None states prices as its orders do (else the company's)."""

    customer_id: int
    warehouse_id: int
    date: dt.date
    prices_include_tax: bool | None = None
    freight: Decimal = ZERO
    other_charges: Decimal = ZERO
    ship_to: str = ""
    contact: str = ""
    carrier: str = ""
    tracking_no: str = ""
    expected_delivery: dt.date | None = None
    notes: str = ""
    lines: list[ShipmentLineData] = field(default_factory=list)


@dataclass
class _Cleaned:
    customer: Partner
    warehouse: Warehouse
    include_tax: bool
    lines: list[SalesShipmentLine]


def _order_lines(data: ShipmentData) -> dict[int, SalesOrderLine]:
    ids = {e.order_line_id for e in data.lines if e.order_line_id}
    return {ln.pk: ln for ln in SalesOrderLine.objects.filter(pk__in=ids).select_related("order")}


def _check_order_line(
    errors: Errors, prefix: str, order_line: SalesOrderLine | None, entry: ShipmentLineData, customer: Partner, wh: Any
) -> bool:
    """The order line exists, is of this customer and warehouse and product, and its order is open."""
    if order_line is None:
        errors.setdefault(f"{prefix}.order_line_id", []).append(_("Unknown order line."))
        return False
    order = order_line.order
    if order.status not in OPEN_ORDER_STATUSES:
        raise OrderStatusConflict(
            number=order.number, status=order.get_status_display(), action=_("shipped against"), field=prefix
        )
    if order.customer_id != customer.pk or order.warehouse_id != wh.pk:
        errors.setdefault(f"{prefix}.order_line_id", []).append(
            _("%(number)s is for another customer or warehouse.") % {"number": order.number}
        )
        return False
    if order_line.product_id != entry.product_id:
        errors.setdefault(f"{prefix}.product_id", []).append(
            _("The product is not the one ordered on %(number)s.") % {"number": order.number}
        )
        return False
    return True


def _clean(data: ShipmentData, *, actor: User) -> _Cleaned:
    errors: Errors = {}
    customer = customer_for(errors, data.customer_id)
    warehouse = warehouse_for(errors, data.warehouse_id, actor=actor)
    check_charges(errors, freight=data.freight, other_charges=data.other_charges)
    if not data.lines:
        errors.setdefault("lines", []).append(_("Add at least one line."))
    if errors or customer is None or warehouse is None:
        raise ValidationFailed(errors)
    order_lines = _order_lines(data)
    include_tax = data.prices_include_tax
    if include_tax is None:
        include_tax = include_tax_default(next((ln.order.prices_include_tax for ln in order_lines.values()), None))
    catalog = Catalog(e.product_id for e in data.lines)
    places = PickPlaces(warehouse, data.date)
    shipping: dict[int, Decimal] = defaultdict(lambda: ZERO)
    lines: list[SalesShipmentLine] = []
    for i, entry in enumerate(data.lines):
        prefix = f"lines.{i}"
        order_line = order_lines.get(entry.order_line_id) if entry.order_line_id else None
        if entry.order_line_id and not _check_order_line(errors, prefix, order_line, entry, customer, warehouse):
            continue
        resolved = catalog.resolve(
            errors, prefix, product_id=entry.product_id, unit_id=entry.unit_id, quantity=entry.quantity
        )
        if resolved is None:
            continue
        product = resolved.product
        if order_line is not None:
            shipping[order_line.pk] += resolved.base
            left = order_line.quantity - order_line.shipped_quantity
            if shipping[order_line.pk] > left:
                raise OverShipment(
                    field=f"{prefix}.quantity",
                    product=product.name,
                    quantity=in_base(shipping[order_line.pk], product),
                    number=order_line.order.number,
                    left=in_base(left, product),
                )
        line = priced_line(errors, prefix, entry, resolved, customer, order_line, include_tax)
        if line is None:
            continue
        lines.extend(places.split(errors, prefix, line, entry))
    if errors:
        raise ValidationFailed(errors)
    return _Cleaned(customer, warehouse, include_tax, lines)


def _save(shipment: SalesShipment, lines: list[SalesShipmentLine], *, replace: bool) -> None:
    if replace:
        shipment.lines.all().delete()
    for position, line in enumerate(lines, start=1):
        totals = line_totals(
            price=line.price,
            quantity=line.unit_quantity,
            tax_rate=line.tax_rate,
            discount_pct=line.discount_pct,
            include_tax=shipment.prices_include_tax,
        )
        line.amount, line.tax, line.total = totals.amount, totals.tax, totals.total
        line.shipment, line.position = shipment, position
    SalesShipmentLine.objects.bulk_create(lines)
    shipment.amount = sum((ln.amount for ln in lines), ZERO)
    shipment.tax = sum((ln.tax for ln in lines), ZERO)
    shipment.total = shipment.amount + shipment.tax + shipment.freight + shipment.other_charges
    shipment.save(update_fields=["amount", "tax", "total"])


def _apply(shipment: SalesShipment, data: ShipmentData, cleaned: _Cleaned) -> None:
    shipment.customer, shipment.warehouse, shipment.date = cleaned.customer, cleaned.warehouse, data.date
    shipment.prices_include_tax = cleaned.include_tax
    shipment.freight, shipment.other_charges = data.freight, data.other_charges
    shipment.ship_to = (data.ship_to or cleaned.customer.address).strip()[:300]
    shipment.contact = (
        data.contact or " ".join(filter(None, [cleaned.customer.contact_name, cleaned.customer.phone]))
    )[:100]
    shipment.carrier, shipment.tracking_no = data.carrier.strip()[:60], data.tracking_no.strip()[:60]
    shipment.expected_delivery = data.expected_delivery
    shipment.notes = data.notes.strip()
    if shipment.channel != Channel.COUNTER:
        shipment.channel = Channel.ORDER if any(ln.order_line_id for ln in cleaned.lines) else Channel.DIRECT


def sales_shipment_state(shipment: SalesShipment) -> dict[str, Any]:
    """The shipment as recorded in the audit log."""
    return {
        "number": shipment.number,
        "date": shipment.date.isoformat(),
        "status": shipment.status,
        "customer": shipment.customer_id,
        "warehouse": shipment.warehouse_id,
        "total": str(shipment.total),
        "lines": [
            [ln.product_id, ln.order_line_id, str(ln.unit_quantity), str(ln.price), ln.location_id, ln.lot_id]
            for ln in shipment.lines.all()
        ],
    }


@transaction.atomic
def sales_shipment_create(*, actor: User, data: ShipmentData, channel: str = "") -> SalesShipment:
    """Save a new draft shipment with its number (CK + date + sequence), pick places and totals."""
    cleaned = _clean(data, actor=actor)
    shipment = SalesShipment(
        number=document_number_next(prefix=SHIPMENT_PREFIX, on=timezone.localdate()),
        created_by=actor,
        channel=channel or Channel.DIRECT,
    )
    _apply(shipment, data, cleaned)
    shipment.save()
    _save(shipment, cleaned.lines, replace=False)
    audit_record(actor=actor, action="sales_shipment.created", target=shipment, after=sales_shipment_state(shipment))
    return shipment


def _draft(shipment: SalesShipment) -> SalesShipment:
    shipment = SalesShipment.objects.select_for_update(of=("self",)).get(pk=shipment.pk)
    if shipment.status != PostingStatus.DRAFT:
        raise DocumentNotDraft(number=shipment.number, status=shipment.get_status_display())
    return shipment


@transaction.atomic
def sales_shipment_update(*, actor: User, shipment: SalesShipment, data: ShipmentData) -> SalesShipment:
    """Change a draft: header and lines are replaced (and picking starts again)."""
    shipment = _draft(shipment)
    cleaned = _clean(data, actor=actor)
    before = sales_shipment_state(shipment)
    _apply(shipment, data, cleaned)
    shipment.save()
    shipment.packages.all().delete()
    _save(shipment, cleaned.lines, replace=True)
    audit_record(
        actor=actor,
        action="sales_shipment.changed",
        target=shipment,
        before=before,
        after=sales_shipment_state(shipment),
    )
    return shipment


@transaction.atomic
def sales_shipment_delete(*, actor: User, shipment: SalesShipment) -> None:
    """Delete a draft (its number is not reused)."""
    shipment = _draft(shipment)
    audit_record(actor=actor, action="sales_shipment.deleted", target=shipment, before=sales_shipment_state(shipment))
    shipment.delete()


def _lock_orders(shipment: SalesShipment) -> tuple[list[SalesOrder], dict[int, SalesOrderLine]]:
    """Lock the orders, then their lines, that the shipment's lines come from (each in primary-key order)."""
    line_ids = sorted({ln.order_line_id for ln in shipment.lines.all() if ln.order_line_id})
    if not line_ids:
        return [], {}
    order_ids = sorted(set(SalesOrderLine.objects.filter(pk__in=line_ids).values_list("order_id", flat=True)))
    orders = list(SalesOrder.objects.select_for_update(of=("self",)).filter(pk__in=order_ids).order_by("pk"))
    lines = SalesOrderLine.objects.select_for_update(of=("self",)).filter(pk__in=line_ids).order_by("pk")
    return orders, {ln.pk: ln for ln in lines.select_related("product")}


def in_base(quantity: Decimal, product: Any) -> str:
    """A base quantity as people read it: 48 包, not 48.000000."""
    return f"{quantity.normalize():f} {product.base_unit.name}"


def _check_over_shipment(
    lines: list[SalesShipmentLine], orders: list[SalesOrder], order_lines: dict[int, SalesOrderLine]
) -> None:
    numbers = {order.pk: order.number for order in orders}
    shipping: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        if line.order_line_id:
            shipping[line.order_line_id] += line.quantity
    for pk, quantity in shipping.items():
        order_line = order_lines[pk]
        left = order_line.quantity - order_line.shipped_quantity
        if quantity > left:
            product = order_line.product
            raise OverShipment(
                product=product.name,
                quantity=in_base(quantity, product),
                number=numbers[order_line.order_id],
                left=in_base(left, product),
            )


def _legs(shipment: SalesShipment, lines: list[SalesShipmentLine], reservations: dict[int, int]) -> list[Leg]:
    return [
        Leg(
            product_id=line.product_id,
            warehouse_id=shipment.warehouse_id,
            location_id=line.location_id,
            quantity=-line.quantity,
            unit_quantity=-line.unit_quantity,
            unit_id=line.unit_id,
            factor=line.factor,
            kind=MoveKind.SHIPMENT,
            lot_id=line.lot_id,
            line_id=line.pk,
            serials=tuple(line.serial_list or line.picked_serials.split()),
            reservation_id=reservations.get(line.order_line_id) if line.order_line_id else None,
        )
        for line in lines
    ]


def _costs(posting: StockPosting, lines: list[SalesShipmentLine]) -> None:
    """Each line's cost of goods sold: what its moves took out of stock."""
    taken: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for move in StockMove.objects.filter(posting=posting, kind=MoveKind.SHIPMENT).only("line_id", "value"):
        taken[move.line_id or 0] -= move.value
    for line in lines:
        line.cost = taken[line.pk]
        if not line.serials and line.picked_serials:
            line.serials = line.picked_serials
    SalesShipmentLine.objects.bulk_update(lines, ["cost", "serials"])


def order_progress(order: SalesOrder) -> None:
    """An open or done order is approved, partly shipped or done by what its lines shipped (closed, void stay)."""
    if order.status not in {*OPEN_ORDER_STATUSES, OrderStatus.DONE}:
        return
    lines = list(order.lines.all())
    if all(ln.shipped_quantity >= ln.quantity for ln in lines):
        status = OrderStatus.DONE
    elif any(ln.shipped_quantity > 0 for ln in lines):
        status = OrderStatus.PARTIAL
    else:
        status = OrderStatus.APPROVED
    if status != order.status:
        order.status = status
        order.save(update_fields=["status"])


def _ship_on_orders(
    lines: list[SalesShipmentLine], orders: list[SalesOrder], order_lines: dict[int, SalesOrderLine], *, sign: int
) -> None:
    touched: dict[int, SalesOrderLine] = {}
    for line in lines:
        if line.order_line_id:
            order_line = order_lines[line.order_line_id]
            order_line.shipped_quantity += sign * abs(line.quantity)
            touched[order_line.pk] = order_line
    SalesOrderLine.objects.bulk_update(list(touched.values()), ["shipped_quantity"])
    for order in orders:
        order_progress(order)


def _active_reservations(order_lines: dict[int, SalesOrderLine]) -> dict[int, int]:
    """The active reservation of each order line (an open order line holds one for what is left to ship)."""
    rows = Reservation.objects.filter(
        source_type=ORDER_SOURCE, source_line_id__in=list(order_lines), status=ReservationStatus.ACTIVE
    ).values_list("source_line_id", "pk")
    return dict(rows)


def _start_delivery(shipment: SalesShipment, actor: User) -> None:
    if shipment.channel == Channel.COUNTER:
        shipment.delivery_status, shipment.delivered_at = DeliveryStatus.DELIVERED, timezone.now()
        return
    shipment.delivery_status = DeliveryStatus.SHIPPED
    now, day = timezone.localtime(), shipment.date
    shipped_at = now if day >= now.date() else now.replace(year=day.year, month=day.month, day=day.day)  # back-dated
    TrackingEvent.objects.create(
        shipment=shipment,
        status=DeliveryStatus.SHIPPED,
        occurred_at=shipped_at,
        description=" ".join(filter(None, [shipment.carrier, shipment.tracking_no])),
        source="system",
        created_by=actor,
    )


@retrying_atomic
def sales_shipment_post(
    *,
    actor: User,
    shipment: SalesShipment,
    carrier: str | None = None,
    tracking_no: str | None = None,
    expected_delivery: dt.date | None = None,
) -> SalesShipment:
    """Ship a draft: stock out at cost, reservations consumed, receivable up, orders on. Again: unchanged."""
    shipment = SalesShipment.objects.select_for_update(of=("self",)).select_related("customer").get(pk=shipment.pk)
    if shipment.status != PostingStatus.DRAFT:
        return shipment  # already shipped (or since reversed): idempotent
    if carrier is not None:
        shipment.carrier = carrier.strip()[:60]
    if tracking_no is not None:
        shipment.tracking_no = tracking_no.strip()[:60]
    if expected_delivery is not None:
        shipment.expected_delivery = expected_delivery
    orders, order_lines = _lock_orders(shipment)
    lines = list(shipment.lines.select_related("product"))
    if not lines:
        raise EmptyDocument()
    for order in orders:
        if order.status not in OPEN_ORDER_STATUSES:
            raise OrderStatusConflict(
                number=order.number, status=order.get_status_display(), action=_("shipped against")
            )
    _check_over_shipment(lines, orders, order_lines)
    posting = stock_post(
        source=Source(SHIPMENT_SOURCE, shipment.pk, shipment.number, "post"),
        day=shipment.date,
        legs=_legs(shipment, lines, _active_reservations(order_lines)),
        actor=actor,
    )
    _costs(posting, lines)
    if shipment.total:
        partner_entry_post(
            partner=shipment.customer,
            account=Account.RECEIVABLE,
            amount=shipment.total,
            day=shipment.date,
            source=EntrySource(SHIPMENT_SOURCE, shipment.pk, shipment.number, "post"),
            actor=actor,
            memo=str(_("Shipment")),
        )
    _ship_on_orders(lines, orders, order_lines, sign=1)
    shipment.cost = sum((ln.cost for ln in lines), ZERO)
    shipment.status, shipment.posted_by, shipment.posted_at = PostingStatus.POSTED, actor, timezone.now()
    _start_delivery(shipment, actor)
    shipment.save()
    audit_record(
        actor=actor,
        action="sales_shipment.posted",
        target=shipment,
        after={"status": shipment.status, "total": str(shipment.total), "cost": str(shipment.cost)},
    )
    return shipment


def _reserve_again(orders: list[SalesOrder], order_lines: dict[int, SalesOrderLine]) -> None:
    """After a reversal an open order holds again what is left to ship: one reservation per line."""
    by_order: dict[int, list[SalesOrderLine]] = defaultdict(list)
    for line in order_lines.values():
        by_order[line.order_id].append(line)
    for order in orders:
        if order.status not in OPEN_ORDER_STATUSES:
            continue
        for line in sorted(by_order[order.pk], key=lambda ln: (ln.product_id, ln.pk)):
            for reservation in Reservation.objects.filter(
                source_type=ORDER_SOURCE, source_line_id=line.pk, status=ReservationStatus.ACTIVE
            ):
                reservation_release(reservation=reservation)
            left = line.quantity - line.shipped_quantity
            if left > 0:
                reservation_create(
                    product=line.product,
                    warehouse=order.warehouse,
                    quantity=left,
                    source_type=ORDER_SOURCE,
                    source_id=order.pk,
                    source_line_id=line.pk,
                    source_number=order.number,
                )


@retrying_atomic
def sales_shipment_reverse(*, actor: User, shipment: SalesShipment, day: dt.date | None = None) -> SalesShipment:
    """红冲: post the exact opposite (goods back at the cost they left with, receivable and payment back,
    orders back with their stock reserved again)."""
    shipment = SalesShipment.objects.select_for_update(of=("self",)).select_related("customer").get(pk=shipment.pk)
    reversal = SalesShipment.objects.filter(reversal_of=shipment).first()
    if reversal is not None:
        raise AlreadyReversed(number=shipment.number, reversal=reversal.number)
    if shipment.reversal_of_id is not None or shipment.status != PostingStatus.POSTED:
        status = _("a reversal") if shipment.reversal_of_id else shipment.get_status_display()
        raise DocumentNotPosted(number=shipment.number, status=status)
    returns = sorted(
        shipment.returns.filter(
            status__in=[PostingStatus.DRAFT, PostingStatus.POSTED], reversal_of__isnull=True
        ).values_list("number", flat=True)
    )
    if returns:
        raise ShipmentHasReturns(number=shipment.number, returns=", ".join(returns))
    day = day or max(timezone.localdate(), shipment.date)
    check_open(day)
    orders, order_lines = _lock_orders(shipment)
    reversal = row_copy(
        shipment,
        negate=("freight", "other_charges", "amount", "tax", "total", "cost", "paid", "cash_given", "change"),
        number=document_number_next(prefix=SHIPMENT_PREFIX, on=timezone.localdate()),
        date=day,
        status=PostingStatus.POSTED,
        notes=str(_("Reversal of %(number)s") % {"number": shipment.number}),
        reversal_of=shipment,
        created_by=actor,
        posted_by=actor,
        posted_at=timezone.now(),
        delivery_status=DeliveryStatus.NOT_SHIPPED,
        tracking_no="",
    )
    reversal.save()
    lines = list(shipment.lines.all())
    negated = ("unit_quantity", "quantity", "amount", "tax", "total", "cost", "picked_quantity")
    SalesShipmentLine.objects.bulk_create(
        [row_copy(line, negate=negated, shipment=reversal, package=None) for line in lines]
    )
    posting = StockPosting.objects.filter(source_type=SHIPMENT_SOURCE, source_id=shipment.pk, phase="post").first()
    if posting is not None:
        posting_reverse(
            posting=posting,
            source=Source(SHIPMENT_SOURCE, reversal.pk, reversal.number, "reverse-post"),
            day=day,
            actor=actor,
        )
    if shipment.channel == Channel.COUNTER:
        payments_taken_reverse(
            settles=EntrySource(SHIPMENT_SOURCE, shipment.pk, shipment.number, "post"), day=day, actor=actor
        )
    for phase in ("post", "payment"):  # "payment": counter sales paid before payments were recorded by finance
        partner_entry_reverse(
            source=EntrySource(SHIPMENT_SOURCE, reversal.pk, reversal.number, f"reverse-{phase}"),
            original=EntrySource(SHIPMENT_SOURCE, shipment.pk, shipment.number, phase),
            day=day,
            actor=actor,
        )
    _ship_on_orders(lines, orders, order_lines, sign=-1)
    _reserve_again(orders, order_lines)
    shipment.status = PostingStatus.REVERSED
    shipment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="sales_shipment.reversed",
        target=shipment,
        after={"status": shipment.status, "reversal": reversal.number},
    )
    return reversal
