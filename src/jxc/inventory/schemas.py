"""API shapes of warehouses and locations."""

from __future__ import annotations

from ninja import Schema


class WarehouseIn(Schema):
    code: str
    name: str
    address: str = ""
    manager: str = ""
    phone: str = ""
    allow_negative_stock: bool = False
    notes: str = ""
    user_ids: list[int] = []


class WarehouseOut(Schema):
    id: int
    code: str
    name: str
    address: str
    manager: str
    phone: str
    allow_negative_stock: bool
    notes: str
    active: bool
    user_ids: list[int]

    @staticmethod
    def resolve_user_ids(obj: object) -> list[int]:
        return sorted(u.pk for u in obj.users.all())  # type: ignore[attr-defined]


class LocationIn(Schema):
    code: str
    name: str = ""


class LocationOut(Schema):
    id: int
    warehouse_id: int
    code: str
    name: str
    is_default: bool
    active: bool
