"""Excel import of warehouses and locations."""

from __future__ import annotations

from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.errors import ValidationFailed
from jxc.core.imports import ImportField
from jxc.inventory.models import Location, Warehouse
from jxc.inventory.selectors import warehouse_list_for
from jxc.inventory.services.warehouses import (
    LocationData,
    WarehouseData,
    location_save,
    warehouse_create,
    warehouse_update,
)

Outcome = Literal["created", "updated"]


class WarehouseImport:
    """Warehouses by code."""

    kind = "warehouses"
    title = gettext_lazy("Warehouses")
    key_field = "code"
    fields = (
        ImportField("code", gettext_lazy("Code"), required=True),
        ImportField("name", gettext_lazy("Name"), required=True),
        ImportField("address", gettext_lazy("Address")),
        ImportField("manager", gettext_lazy("Manager")),
        ImportField("phone", gettext_lazy("Phone")),
        ImportField("allow_negative_stock", gettext_lazy("Allow negative stock"), kind="bool"),
        ImportField("location_count", gettext_lazy("Locations"), readonly=True),
    )

    def apply(self, values: dict[str, Any], *, actor: Any) -> Outcome:
        existing = Warehouse.objects.filter(code__iexact=values["code"]).first()
        if existing is not None and not warehouse_list_for(user=actor).filter(pk=existing.pk).exists():
            raise ValidationFailed.one(
                "code", _("Code “%(code)s” belongs to a warehouse you may not see.") % {"code": values["code"]}
            )
        data = WarehouseData(code=values["code"], name=values["name"])
        if existing is not None:
            data = WarehouseData(
                code=values["code"],
                name=values["name"],
                address=existing.address,
                manager=existing.manager,
                phone=existing.phone,
                allow_negative_stock=existing.allow_negative_stock,
                notes=existing.notes,
                user_ids=list(existing.users.values_list("pk", flat=True)),
            )
        for key in ("address", "manager", "phone"):
            if key in values:
                setattr(data, key, values[key] or "")
        if values.get("allow_negative_stock") is not None:
            data.allow_negative_stock = values["allow_negative_stock"]
        if existing is None:
            warehouse_create(actor=actor, data=data)
            return "created"
        warehouse_update(actor=actor, warehouse=existing, data=data)
        return "updated"


class LocationImport:
    """Locations by warehouse code and location code."""

    kind = "locations"
    title = gettext_lazy("Locations")
    key_field = "key"
    fields = (
        ImportField("warehouse", gettext_lazy("Warehouse"), required=True, help=gettext_lazy("The warehouse code")),
        ImportField("code", gettext_lazy("Code"), required=True),
        ImportField("name", gettext_lazy("Name")),
        ImportField("is_default", gettext_lazy("Default location"), readonly=True),
        ImportField("active", gettext_lazy("Active"), readonly=True),
    )

    def apply(self, values: dict[str, Any], *, actor: Any) -> Outcome:
        warehouse = warehouse_list_for(user=actor).filter(code__iexact=values["warehouse"]).first()
        if warehouse is None:
            raise ValidationFailed.one(
                "warehouse", _("No warehouse with code “%(code)s”.") % {"code": values["warehouse"]}
            )
        existing = Location.objects.filter(warehouse=warehouse, code__iexact=values["code"]).first()
        location_save(
            actor=actor,
            warehouse=warehouse,
            data=LocationData(code=values["code"], name=values.get("name") or ""),
            location=existing,
        )
        return "updated" if existing else "created"


WAREHOUSE_IMPORT = WarehouseImport()
LOCATION_IMPORT = LocationImport()
