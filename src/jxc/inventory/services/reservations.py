"""Reservations: stock promised to order lines, held on the item × warehouse balance."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Value
from django.utils import timezone

from jxc.accounts.services.audit import audit_queue
from jxc.catalog.models import Product
from jxc.core.fields import QuantityField
from jxc.inventory.choices import ReservationStatus
from jxc.inventory.errors import InsufficientStock, InvalidQuantity, ReservationNotActive
from jxc.inventory.models import Reservation, StockBalance, Warehouse


@transaction.atomic
def reservation_create(
    *,
    product: Product,
    warehouse: Warehouse,
    quantity: Decimal,
    source_type: str,
    source_id: int,
    source_line_id: int,
    source_number: str = "",
) -> Reservation:
    """Reserve stock with one conditional update: it succeeds only while on hand − reserved ≥ quantity."""
    if quantity <= 0:
        raise InvalidQuantity(product=product.name)
    audit_queue()
    StockBalance.objects.bulk_create([StockBalance(product=product, warehouse=warehouse)], ignore_conflicts=True)
    amount = Value(quantity, output_field=QuantityField())
    rows = StockBalance.objects.filter(product=product, warehouse=warehouse)
    if not warehouse.allow_negative_stock:
        rows = rows.filter(on_hand__gte=F("reserved") + amount)
    updated = rows.update(reserved=F("reserved") + amount, version=F("version") + 1)
    if not updated:
        balance = StockBalance.objects.get(product=product, warehouse=warehouse)
        available = max(balance.on_hand - balance.reserved, Decimal(0))
        raise InsufficientStock(
            summary=f"{product} @ {warehouse.name} short {(quantity - available).normalize():f}",
            items=[
                {
                    "product_id": product.pk,
                    "sku": product.sku,
                    "product": str(product),
                    "place": warehouse.name,
                    "needed": str(quantity),
                    "available": str(available),
                    "short": str(quantity - available),
                }
            ],
        )
    return Reservation.objects.create(
        product=product,
        warehouse=warehouse,
        quantity=quantity,
        source_type=source_type,
        source_id=source_id,
        source_line_id=source_line_id,
        source_number=source_number,
    )


@transaction.atomic
def reservation_release(*, reservation: Reservation) -> Reservation:
    """Give reserved stock back (order closed, voided or un-approved)."""
    audit_queue()
    reservation = Reservation.objects.select_for_update(of=("self",)).get(pk=reservation.pk)
    if reservation.status != ReservationStatus.ACTIVE:
        raise ReservationNotActive(status=reservation.get_status_display())
    amount = Value(reservation.quantity, output_field=QuantityField())
    StockBalance.objects.filter(product_id=reservation.product_id, warehouse_id=reservation.warehouse_id).update(
        reserved=F("reserved") - amount, version=F("version") + 1
    )
    reservation.status = ReservationStatus.RELEASED
    reservation.closed_at = timezone.now()
    reservation.save(update_fields=["status", "closed_at"])
    return reservation
