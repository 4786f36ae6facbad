"""The columns of the catalog lists."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column

PRODUCT_COLUMNS = (
    Column("sku", _("SKU"), sort="sku"),
    Column("name", _("Name"), sort="name", width=28),
    Column("spec", _("Specification")),
    Column("category__name", _("Category"), sort="category__name"),
    Column("brand__name", _("Brand"), sort="brand__name"),
    Column("base_unit__name", _("Unit")),
    Column("purchase_price", _("Purchase price"), kind="price", cost=True, sort="purchase_price"),
    Column("retail_price", _("Retail price"), kind="price", sort="retail_price"),
    Column("wholesale_price", _("Wholesale price"), kind="price", sort="wholesale_price"),
    Column("mnemonic", _("Mnemonic"), sort="mnemonic"),
)

UNIT_COLUMNS = (
    Column("name", _("Name"), sort="name"),
    Column("decimals", _("Decimal places"), kind="int", sort="decimals"),
    Column("product_count", _("Products"), kind="int", sort="product_count"),
    Column("active", _("Active"), kind="bool", sort="active"),
)

CATEGORY_COLUMNS = (
    Column("path", _("Category"), get=lambda c: getattr(c, "path", c.name)),
    Column("code", _("Code")),
    Column("product_count", _("Products"), kind="int"),
    Column("sort_order", _("Sort order"), kind="int"),
    Column("active", _("Active"), kind="bool"),
)

BRAND_COLUMNS = (
    Column("name", _("Name"), sort="name"),
    Column("mnemonic", _("Mnemonic"), sort="mnemonic"),
    Column("product_count", _("Products"), kind="int", sort="product_count"),
    Column("active", _("Active"), kind="bool", sort="active"),
)
