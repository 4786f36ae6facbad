"""The columns of the warehouse and location lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column

WAREHOUSE_COLUMNS = (
    Column("code", _("Code"), sort="code"),
    Column("name", _("Name"), sort="name"),
    Column("address", _("Address"), width=30),
    Column("manager", _("Manager")),
    Column("phone", _("Phone")),
    Column("location_count", _("Locations"), kind="int", sort="location_count"),
    Column("allow_negative_stock", _("Allow negative stock"), kind="bool"),
)

LOCATION_COLUMNS = (
    Column("warehouse", _("Warehouse"), get=lambda loc: loc.warehouse.code),
    Column("code", _("Code")),
    Column("name", _("Name")),
    Column("is_default", _("Default location"), kind="bool"),
    Column("active", _("Active"), kind="bool"),
)
