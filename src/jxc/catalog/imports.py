"""Excel import and export of products, units, categories and brands: one column set for both ways."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.catalog.models import Brand, Category, Product, Unit
from jxc.catalog.selectors import category_paths
from jxc.catalog.services.products import (
    BarcodeLine,
    ProductData,
    UnitLine,
    product_create,
    product_data_of,
    product_set_active,
    product_update,
)
from jxc.catalog.services.taxonomy import (
    BrandData,
    CategoryData,
    UnitData,
    brand_get_or_create,
    brand_save,
    category_get_or_create_path,
    category_save,
    unit_save,
)
from jxc.core.columns import Column
from jxc.core.errors import ValidationFailed
from jxc.core.imports import ImportField

Outcome = Literal["created", "updated"]

PRODUCT_FIELDS: tuple[ImportField, ...] = (
    ImportField("sku", gettext_lazy("SKU"), required=True),
    ImportField("name", gettext_lazy("Name"), required=True),
    ImportField("spec", gettext_lazy("Specification")),
    ImportField(
        "category", gettext_lazy("Category"), help=gettext_lazy("A path such as 饮料/碳酸饮料; created if missing")
    ),
    ImportField("brand", gettext_lazy("Brand"), help=gettext_lazy("Created if missing")),
    ImportField("base_unit", gettext_lazy("Base unit"), required=True),
    ImportField("units", gettext_lazy("Alternate units"), help=gettext_lazy("箱=24; 提=6")),
    ImportField("barcodes", gettext_lazy("Barcodes"), help=gettext_lazy("6920152400012; 6920152400029@箱")),
    ImportField("purchase_price", gettext_lazy("Purchase price"), kind="decimal", cost=True),
    ImportField("retail_price", gettext_lazy("Retail price"), kind="decimal"),
    ImportField("wholesale_price", gettext_lazy("Wholesale price"), kind="decimal"),
    ImportField("min_price", gettext_lazy("Minimum selling price"), kind="decimal"),
    ImportField("tax_rate", gettext_lazy("Tax rate (%)"), kind="decimal", places=2),
    ImportField("min_stock", gettext_lazy("Minimum stock"), kind="decimal"),
    ImportField("max_stock", gettext_lazy("Maximum stock"), kind="decimal"),
    ImportField("track_lots", gettext_lazy("Track lots and expiry"), kind="bool"),
    ImportField("track_serials", gettext_lazy("Track serial numbers"), kind="bool"),
    ImportField("shelf_life_days", gettext_lazy("Shelf life (days)"), kind="int"),
    ImportField("notes", gettext_lazy("Notes")),
    ImportField("active", gettext_lazy("Active"), kind="bool"),
    ImportField("mnemonic", gettext_lazy("Mnemonic"), readonly=True),
)


def _units_text(product: Product) -> str:
    return "; ".join(f"{u.unit.name}={u.factor.normalize():f}" for u in product.units.all())


def _barcodes_text(product: Product) -> str:
    parts = []
    for b in product.barcodes.all():
        parts.append(b.code if b.unit_id == product.base_unit_id else f"{b.code}@{b.unit.name}")
    return "; ".join(parts)


def product_export_columns(paths: dict[int, str]) -> list[Column]:
    """The export columns, same headers as the import, so an exported file imports back unchanged."""
    getters: dict[str, Any] = {
        "category": lambda p: paths.get(p.category_id, "") if p.category_id else "",
        "brand": lambda p: p.brand.name if p.brand_id else "",
        "base_unit": lambda p: p.base_unit.name,
        "units": _units_text,
        "barcodes": _barcodes_text,
    }
    kinds = {"decimal": "price", "int": "int", "bool": "bool", "text": "text", "date": "date"}
    columns = []
    for f in PRODUCT_FIELDS:
        kind = kinds[f.kind]
        if f.key in {"min_stock", "max_stock"}:
            kind = "quantity"
        if f.key == "tax_rate":
            kind = "rate"
        columns.append(
            Column(
                f.key,
                f.label,
                kind=kind,
                get=getters.get(f.key),
                cost=f.cost,
                width=24 if f.key in {"name", "barcodes"} else 14,
            )
        )  # type: ignore[arg-type]
    return columns


def _unit_by_name(name: str, field: str) -> Unit:
    unit = Unit.objects.filter(name__iexact=name.strip()).first()
    if unit is None:
        raise ValidationFailed.one(field, _("Unknown unit “%(name)s”: add it under Units first.") % {"name": name})
    return unit


def _parse_units(text: str) -> list[UnitLine]:
    lines = []
    for part in text.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, factor = part.partition("=")
        if not sep:
            raise ValidationFailed.one("units", _("Write alternate units as 箱=24; 提=6."))
        try:
            value = Decimal(factor.strip())
        except InvalidOperation:
            raise ValidationFailed.one("units", _("“%(value)s” is not a number.") % {"value": factor.strip()}) from None
        lines.append(UnitLine(unit_id=_unit_by_name(name, "units").pk, factor=value))
    return lines


def _parse_barcodes(text: str) -> list[BarcodeLine]:
    lines = []
    for part in text.replace("；", ";").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        code, sep, unit = part.partition("@")
        lines.append(BarcodeLine(code=code.strip(), unit_id=_unit_by_name(unit, "barcodes").pk if sep else None))
    return lines


class ProductImport:
    """Products by SKU: new SKUs are created, known ones changed in the columns the file has."""

    kind = "products"
    title = gettext_lazy("Products")
    key_field = "sku"
    fields = PRODUCT_FIELDS

    def apply(self, values: dict[str, Any], *, actor: Any) -> Outcome:
        existing = Product.objects.filter(sku__iexact=values["sku"]).first()
        data = product_data_of(existing) if existing else ProductData(sku="", name="", base_unit_id=0)
        for key in ("sku", "name", "spec", "notes"):
            if key in values:
                setattr(data, key, values[key] or "")
        for key in ("purchase_price", "retail_price", "wholesale_price", "min_price", "tax_rate"):
            if key in values and values[key] is not None:
                setattr(data, key, values[key])
        for key in ("min_stock", "max_stock", "shelf_life_days"):
            if key in values:
                setattr(data, key, values[key])
        for key in ("track_lots", "track_serials"):
            if key in values:
                setattr(data, key, bool(values[key]))
        if "base_unit" in values:
            data.base_unit_id = _unit_by_name(values["base_unit"], "base_unit").pk
        if "category" in values:
            data.category_id = (
                category_get_or_create_path(actor=actor, path=values["category"]).pk if values["category"] else None
            )
        if "brand" in values:
            data.brand_id = brand_get_or_create(actor=actor, name=values["brand"]).pk if values["brand"] else None
        if "units" in values:
            data.units = _parse_units(values["units"] or "")
        if "barcodes" in values:
            data.barcodes = _parse_barcodes(values["barcodes"] or "")
        if existing is None:
            product = product_create(actor=actor, data=data)
        else:
            product = product_update(actor=actor, product=existing, data=data)
        if "active" in values and values["active"] is not None and values["active"] != product.active:
            product_set_active(actor=actor, product=product, active=bool(values["active"]))
        return "created" if existing is None else "updated"


class UnitImport:
    """Units by name."""

    kind = "units"
    title = gettext_lazy("Units")
    key_field = "name"
    fields = (
        ImportField("name", gettext_lazy("Name"), required=True),
        ImportField("decimals", gettext_lazy("Decimal places"), kind="int"),
        ImportField("product_count", gettext_lazy("Products"), readonly=True),
        ImportField("active", gettext_lazy("Active"), readonly=True),
    )

    def apply(self, values: dict[str, Any], *, actor: Any) -> Outcome:
        existing = Unit.objects.filter(name__iexact=values["name"]).first()
        decimals = values.get("decimals")
        data = UnitData(
            name=values["name"], decimals=decimals if decimals is not None else getattr(existing, "decimals", 0)
        )
        unit_save(actor=actor, data=data, unit=existing)
        return "updated" if existing else "created"


class CategoryImport:
    """Categories by path (饮料/碳酸饮料)."""

    kind = "categories"
    title = gettext_lazy("Categories")
    key_field = "path"
    fields = (
        ImportField("path", gettext_lazy("Category"), required=True, help=gettext_lazy("A path such as 饮料/碳酸饮料")),
        ImportField("code", gettext_lazy("Code")),
        ImportField("sort_order", gettext_lazy("Sort order"), kind="int"),
    )

    def apply(self, values: dict[str, Any], *, actor: Any) -> Outcome:
        parts = [p.strip() for p in values["path"].split("/") if p.strip()]
        parent = category_get_or_create_path(actor=actor, path="/".join(parts[:-1])) if len(parts) > 1 else None
        existing = Category.objects.filter(parent=parent, name__iexact=parts[-1] if parts else "").first()
        data = CategoryData(
            name=parts[-1] if parts else "",
            parent_id=getattr(parent, "pk", None),
            code=values.get("code") or getattr(existing, "code", ""),
            sort_order=values.get("sort_order")
            if values.get("sort_order") is not None
            else getattr(existing, "sort_order", 0),
        )
        category_save(actor=actor, data=data, category=existing)
        return "updated" if existing else "created"


def category_export_columns() -> list[Column]:
    paths = category_paths()
    return [
        Column("path", gettext_lazy("Category"), get=lambda c: paths.get(c.pk, c.name), width=30),
        Column("code", gettext_lazy("Code")),
        Column("sort_order", gettext_lazy("Sort order"), kind="int"),
    ]


class BrandImport:
    """Brands by name."""

    kind = "brands"
    title = gettext_lazy("Brands")
    key_field = "name"
    fields = (
        ImportField("name", gettext_lazy("Name"), required=True),
        ImportField("mnemonic", gettext_lazy("Mnemonic"), readonly=True),
        ImportField("product_count", gettext_lazy("Products"), readonly=True),
        ImportField("active", gettext_lazy("Active"), readonly=True),
    )

    def apply(self, values: dict[str, Any], *, actor: Any) -> Outcome:
        existing = Brand.objects.filter(name__iexact=values["name"]).first()
        if existing is None:
            brand_save(actor=actor, data=BrandData(name=values["name"]))
            return "created"
        return "updated"


IMPORTS = {spec.kind: spec for spec in (ProductImport(), UnitImport(), CategoryImport(), BrandImport())}
