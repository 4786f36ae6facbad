"""Warehouses and their locations: create, change, deactivate."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record, audit_set_active, changed, snapshot
from jxc.core.errors import Duplicate, ValidationFailed
from jxc.inventory.errors import DefaultLocationRequired
from jxc.inventory.models import Location, Warehouse

CODE_RE = re.compile(r"^[0-9A-Za-z\-_.]{1,30}$")
DEFAULT_LOCATION_CODE = "DEFAULT"


@dataclass
class WarehouseData:
    """A warehouse as entered; `user_ids` are the limited users who may see it."""

    code: str
    name: str
    address: str = ""
    manager: str = ""
    phone: str = ""
    allow_negative_stock: bool = False
    notes: str = ""
    user_ids: list[int] = field(default_factory=list)


def warehouse_state(warehouse: Warehouse) -> dict[str, object]:
    state = snapshot(warehouse, exclude=("created_at",))
    state["users"] = sorted(warehouse.users.values_list("pk", flat=True))
    return state


def _clean_warehouse(data: WarehouseData, *, warehouse: Warehouse | None) -> None:
    errors: dict[str, list[str | Promise]] = {}
    data.code = (data.code or "").strip()
    data.name = " ".join((data.name or "").split())
    if not CODE_RE.match(data.code):
        errors["code"] = [_("A code has 1–30 letters, digits, “-”, “_” or “.”.")]
    if not data.name:
        errors["name"] = [_("This field is required.")]
    if data.user_ids:
        found = set(get_user_model().objects.filter(pk__in=data.user_ids).values_list("pk", flat=True))
        if set(data.user_ids) - found:
            errors["user_ids"] = [_("Unknown users.")]
    if errors:
        raise ValidationFailed(errors)
    others = Warehouse.objects.all() if warehouse is None else Warehouse.objects.exclude(pk=warehouse.pk)
    if others.filter(code__iexact=data.code).exists():
        raise Duplicate(field="code", label=_("Code"), value=data.code)
    if others.filter(name__iexact=data.name).exists():
        raise Duplicate(field="name", label=_("Name"), value=data.name)


def _write_warehouse(warehouse: Warehouse, data: WarehouseData) -> None:
    for name in ("code", "name", "address", "manager", "phone", "allow_negative_stock", "notes"):
        value = getattr(data, name)
        setattr(warehouse, name, value.strip() if isinstance(value, str) else value)
    try:
        with transaction.atomic():
            warehouse.save()
    except IntegrityError as error:
        raise Duplicate(field="code", label=_("Code"), value=data.code) from error
    warehouse.users.set(data.user_ids)


@transaction.atomic
def warehouse_create(*, actor: User | None, data: WarehouseData) -> Warehouse:
    """Create a warehouse with its default location."""
    _clean_warehouse(data, warehouse=None)
    if actor is not None and not actor.all_warehouses and actor.pk not in data.user_ids:
        data.user_ids = [*data.user_ids, actor.pk]  # a user limited to some warehouses keeps seeing the one they made
    warehouse = Warehouse()
    _write_warehouse(warehouse, data)
    Location.objects.create(warehouse=warehouse, code=DEFAULT_LOCATION_CODE, name=str(_("Default")), is_default=True)
    audit_record(actor=actor, action="warehouse.created", target=warehouse, after=warehouse_state(warehouse))
    return warehouse


@transaction.atomic
def warehouse_update(*, actor: User | None, warehouse: Warehouse, data: WarehouseData) -> Warehouse:
    """Change a warehouse's details, negative-stock setting and limited users."""
    warehouse = Warehouse.objects.select_for_update(of=("self",)).get(pk=warehouse.pk)
    _clean_warehouse(data, warehouse=warehouse)
    before = warehouse_state(warehouse)
    _write_warehouse(warehouse, data)
    old, new = changed(before, warehouse_state(warehouse))
    if new:
        audit_record(actor=actor, action="warehouse.changed", target=warehouse, before=old, after=new)
    return warehouse


@transaction.atomic
def warehouse_set_active(*, actor: User | None, warehouse: Warehouse, active: bool) -> Warehouse:
    """Deactivate or reactivate a warehouse."""
    warehouse = Warehouse.objects.select_for_update(of=("self",)).get(pk=warehouse.pk)
    return audit_set_active(warehouse, actor=actor, active=active, kind="warehouse")


@dataclass
class LocationData:
    """A location as entered."""

    code: str
    name: str = ""


@transaction.atomic
def location_save(
    *, actor: User | None, warehouse: Warehouse, data: LocationData, location: Location | None = None
) -> Location:
    """Create a location in a warehouse, or change one."""
    code = (data.code or "").strip().upper()
    if not CODE_RE.match(code):
        raise ValidationFailed.one("code", _("A code has 1–30 letters, digits, “-”, “_” or “.”."))
    clash = Location.objects.filter(warehouse=warehouse, code__iexact=code)
    if location is not None:
        clash = clash.exclude(pk=location.pk)
    if clash.exists():
        raise Duplicate(field="code", label=_("Location"), value=code)
    before = None
    if location is not None:
        location = Location.objects.select_for_update(of=("self",)).get(pk=location.pk, warehouse=warehouse)
        before = snapshot(location, exclude=("created_at",))
    else:
        location = Location(warehouse=warehouse)
    location.code = code
    location.name = " ".join((data.name or "").split())[:60]
    try:
        with transaction.atomic():
            location.save()
    except IntegrityError as error:
        raise Duplicate(field="code", label=_("Location"), value=code) from error
    after = snapshot(location, exclude=("created_at",))
    if before is None:
        audit_record(actor=actor, action="location.created", target=location, after=after)
    else:
        old, new = changed(before, after)
        if new:
            audit_record(actor=actor, action="location.changed", target=location, before=old, after=new)
    return location


@transaction.atomic
def location_set_active(*, actor: User | None, location: Location, active: bool) -> Location:
    """Deactivate or reactivate a location; the default location stays active."""
    location = Location.objects.select_for_update(of=("self",)).get(pk=location.pk)
    if location.active == active:
        return location
    if not active and location.is_default:
        raise DefaultLocationRequired()
    return audit_set_active(location, actor=actor, active=active, kind="location")
