"""The columns of the agreed prices list (协议价), for the page and Excel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column

PRICE_COLUMNS = (
    Column("customer_code", _("Customer code"), get=lambda r: r.customer.code, sort="customer__code", width=12),
    Column("customer", _("Customer"), get=lambda r: r.customer.name, sort="customer__name", width=24),
    Column("sku", _("SKU"), get=lambda r: r.product.sku, sort="product__sku"),
    Column("product", _("Product"), get=lambda r: r.product.name, sort="product__name", width=30),
    Column("spec", _("Specification"), get=lambda r: r.product.spec),
    Column("base_unit", _("Base unit"), get=lambda r: r.product.base_unit.name, width=8),
    Column("price", _("Agreed price"), kind="price", sort="price"),
    Column("last_price", _("Last price sold (without tax)"), kind="price", sort="last_price"),
    Column("last_price_date", _("Last sold on"), kind="date", sort="last_price_date", width=12),
    Column("notes", _("Notes"), width=24),
    Column("updated_at", _("Changed"), kind="datetime", sort="updated_at", width=18),
)
