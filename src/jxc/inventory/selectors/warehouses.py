"""Reads of warehouses and locations, within the user's warehouse scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.lines import Errors
from jxc.core.errors import RecordInactive
from jxc.inventory.models import Location, Lot, StockQuant, Warehouse


def warehouses_of(*, user: Any) -> QuerySet[Warehouse]:
    """The warehouses this user may see and use: all of them, or the ones they are limited to."""
    warehouses = Warehouse.objects.filter(is_transit=False)
    if not getattr(user, "all_warehouses", True):
        warehouses = warehouses.filter(users=user)
    return warehouses


def warehouse_list_for(*, user: Any, q: str = "", active: bool | None = None) -> QuerySet[Warehouse]:
    """The warehouses this user may see, with their counts of active locations, for lists."""
    warehouses = warehouses_of(user=user).annotate(location_count=Count("locations", filter=Q(locations__active=True)))
    if q:
        warehouses = warehouses.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(address__icontains=q))
    if active is not None:
        warehouses = warehouses.filter(active=active)
    return warehouses


def warehouse_get_for(*, user: Any, pk: int) -> Warehouse:
    """One warehouse if the user may see it (raises Warehouse.DoesNotExist otherwise)."""
    return warehouse_list_for(user=user).prefetch_related("users").get(pk=pk)


def location_list(*, warehouse: Warehouse, q: str = "", active: bool | None = None) -> QuerySet[Location]:
    """The locations of a warehouse, default first then by code."""
    locations = warehouse.locations.all()
    if q:
        locations = locations.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if active is not None:
        locations = locations.filter(active=active)
    return locations.order_by("-is_default", "code")


def location_list_for(
    *, user: Any, warehouse_id: int | None = None, q: str = "", active: bool | None = None
) -> QuerySet[Location]:
    """Locations across the warehouses this user may see."""
    visible = warehouse_list_for(user=user).values("pk")
    locations = Location.objects.select_related("warehouse").filter(warehouse__in=visible)
    if warehouse_id:
        locations = locations.filter(warehouse_id=warehouse_id)
    if q:
        locations = locations.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if active is not None:
        locations = locations.filter(active=active)
    return locations


def lot_suggestions(
    *, product: Any, location: Location, quantity: Decimal, on: date | None = None
) -> list[tuple[Lot, Decimal]]:
    """First expiry, first out: the unexpired lots at this location that cover the quantity, earliest expiry first."""
    today = on or timezone.localdate()
    quants = (
        StockQuant.objects.filter(product=product, location=location, lot__isnull=False, on_hand__gt=0)
        .filter(Q(lot__expiry_date__isnull=True) | Q(lot__expiry_date__gte=today))
        .select_related("lot")
        .order_by(F("lot__expiry_date").asc(nulls_last=True), "lot__batch_no")
    )
    picks: list[tuple[Lot, Decimal]] = []
    remaining = quantity
    for quant in quants:
        if remaining <= 0:
            break
        take = min(quant.on_hand, remaining)
        picks.append((quant.lot, take))  # type: ignore[arg-type]
        remaining -= take
    return picks


def warehouse_for(errors: Errors, warehouse_id: int | None, *, actor: Any) -> Warehouse | None:
    """The warehouse of a new document: one the actor may use (else an error under `warehouse_id`), active."""
    warehouse = warehouses_of(user=actor).filter(pk=warehouse_id).first() if warehouse_id else None
    if warehouse is None:
        errors.setdefault("warehouse_id", []).append(_("Choose a warehouse you may use."))
        return None
    if not warehouse.active:
        raise RecordInactive(field="warehouse_id", label=_("Warehouse"), value=warehouse.name)
    return warehouse


def pick_suggestions(
    *, product: Any, warehouse: Warehouse, quantity: Decimal, on: date | None = None
) -> list[tuple[Location, Lot | None, Decimal]]:
    """Where to pick `quantity` in a warehouse: first expiry first (lots), then the default location, then by code.

    Only active locations with stock and unexpired lots count; the list may cover less than the quantity.
    """
    today = on or timezone.localdate()
    quants = (
        StockQuant.objects.filter(product=product, warehouse=warehouse, location__active=True, on_hand__gt=0)
        .filter(Q(lot__isnull=True) | Q(lot__expiry_date__isnull=True) | Q(lot__expiry_date__gte=today))
        .select_related("location", "lot")
        .order_by(F("lot__expiry_date").asc(nulls_last=True), "-location__is_default", "location__code", "pk")
    )
    picks: list[tuple[Location, Lot | None, Decimal]] = []
    remaining = quantity
    for quant in quants:
        if remaining <= 0:
            break
        if product.track_lots != (quant.lot_id is not None):
            continue
        take = min(quant.on_hand, remaining)
        picks.append((quant.location, quant.lot, take))
        remaining -= take
    return picks
