"""Reads of warehouses and locations, within the user's warehouse scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from jxc.inventory.models import Location, Warehouse


def warehouse_list_for(*, user: Any, q: str = "", active: bool | None = None) -> QuerySet[Warehouse]:
    """The warehouses this user may see (all, or the ones they are limited to), with location counts."""
    warehouses = Warehouse.objects.annotate(location_count=Count("locations", filter=Q(locations__active=True)))
    if not getattr(user, "all_warehouses", True):
        warehouses = warehouses.filter(users=user)
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
