"""Products: create, change, deactivate; units, barcodes and the pinyin mnemonic kept with them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record, audit_set_active, changed, snapshot
from jxc.catalog.models import Barcode, Brand, Category, Product, ProductUnit, Unit
from jxc.core.errors import Duplicate, ValidationFailed
from jxc.core.numbers import is_exact
from jxc.core.text import mnemonic_of

BARCODE_RE = re.compile(r"^[0-9A-Za-z\-_.]{1,64}$")
SKU_RE = re.compile(r"^[^\s]{1,40}$")


@dataclass
class UnitLine:
    """An alternate unit: how many base units one of it holds."""

    unit_id: int
    factor: Decimal


@dataclass
class BarcodeLine:
    """A barcode and the unit it scans as (None: the base unit)."""

    code: str
    unit_id: int | None = None


@dataclass
class ProductData:
    """A product as entered. `purchase_price=None` on a change keeps the stored price (users without view_cost)."""

    sku: str
    name: str
    base_unit_id: int
    spec: str = ""
    category_id: int | None = None
    brand_id: int | None = None
    purchase_price: Decimal | None = None
    retail_price: Decimal = Decimal(0)
    wholesale_price: Decimal = Decimal(0)
    min_price: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(13)
    min_stock: Decimal | None = None
    max_stock: Decimal | None = None
    track_lots: bool = False
    track_serials: bool = False
    shelf_life_days: int | None = None
    notes: str = ""
    units: list[UnitLine] = field(default_factory=list)
    barcodes: list[BarcodeLine] = field(default_factory=list)


PLAIN_FIELDS = (
    "sku",
    "name",
    "spec",
    "category_id",
    "brand_id",
    "base_unit_id",
    "retail_price",
    "wholesale_price",
    "min_price",
    "tax_rate",
    "min_stock",
    "max_stock",
    "track_lots",
    "track_serials",
    "shelf_life_days",
    "notes",
)


def product_state(product: Product) -> dict[str, Any]:
    """The product with its units and barcodes, as recorded in the audit log."""
    state = snapshot(product, exclude=("updated_at", "created_at"))
    state["units"] = [[u.unit_id, str(u.factor)] for u in product.units.order_by("unit_id")]
    state["barcodes"] = [[b.code, b.unit_id] for b in product.barcodes.order_by("code")]
    return state


def product_data_of(product: Product) -> ProductData:
    """The stored product as ProductData, the starting point of a partial change."""
    return ProductData(
        **{f: getattr(product, f) for f in PLAIN_FIELDS},
        purchase_price=product.purchase_price,
        units=[UnitLine(u.unit_id, u.factor) for u in product.units.all()],
        barcodes=[BarcodeLine(b.code, b.unit_id) for b in product.barcodes.all()],
    )


def _clean(data: ProductData, *, product: Product | None) -> dict[int, Unit]:
    errors: dict[str, list[str | Promise]] = {}

    def add(key: str, message: str | Promise) -> None:
        errors.setdefault(key, []).append(message)

    data.sku = (data.sku or "").strip()
    data.name = " ".join((data.name or "").split())
    data.spec = (data.spec or "").strip()
    if not data.sku:
        add("sku", _("This field is required."))
    elif not SKU_RE.match(data.sku):
        add("sku", _("A SKU has at most 40 characters and no spaces."))
    if not data.name:
        add("name", _("This field is required."))
    for key in ("retail_price", "wholesale_price", "min_price", "purchase_price"):
        value = getattr(data, key)
        if value is not None and value < 0:
            add(key, _("A price cannot be negative."))
    if not Decimal(0) <= data.tax_rate < Decimal(100):
        add("tax_rate", _("A tax rate is between 0 and 100 %."))
    for key in ("min_stock", "max_stock"):
        value = getattr(data, key)
        if value is not None and value < 0:
            add(key, _("A stock limit cannot be negative."))
    if data.min_stock is not None and data.max_stock is not None and data.min_stock > data.max_stock:
        add("max_stock", _("The maximum stock must not be below the minimum."))
    if data.shelf_life_days is not None and data.shelf_life_days <= 0:
        add("shelf_life_days", _("The shelf life must be at least one day."))

    unit_ids = {data.base_unit_id, *(u.unit_id for u in data.units), *(b.unit_id for b in data.barcodes if b.unit_id)}
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[i for i in unit_ids if i])}
    base = units.get(data.base_unit_id)
    if base is None:
        add("base_unit_id", _("Choose a unit."))
    elif not base.active and (product is None or product.base_unit_id != base.pk):
        add("base_unit_id", _("Unit “%(name)s” is deactivated.") % {"name": base.name})
    seen_units: set[int] = set()
    for i, line in enumerate(data.units):
        unit = units.get(line.unit_id)
        if unit is None:
            add(f"units.{i}.unit_id", _("Choose a unit."))
            continue
        if line.unit_id == data.base_unit_id:
            add(f"units.{i}.unit_id", _("The base unit cannot also be an alternate unit."))
        elif line.unit_id in seen_units:
            add(f"units.{i}.unit_id", _("Unit “%(name)s” is listed twice.") % {"name": unit.name})
        seen_units.add(line.unit_id)
        if line.factor is None or line.factor <= 0:
            add(f"units.{i}.factor", _("The conversion factor must be greater than zero."))
        elif not is_exact(line.factor, 6):
            add(f"units.{i}.factor", _("The conversion factor must be exact, with at most 6 decimal places."))
        elif base is not None and not is_exact(line.factor, base.decimals) and base.decimals == 0:
            add(
                f"units.{i}.factor",
                _("1 %(unit)s must hold a whole number of %(base)s.") % {"unit": unit.name, "base": base.name},
            )
    allowed_units = {data.base_unit_id, *seen_units}
    seen_codes: set[str] = set()
    for i, barcode in enumerate(data.barcodes):
        barcode.code = (barcode.code or "").strip()
        if not BARCODE_RE.match(barcode.code):
            add(f"barcodes.{i}.code", _("A barcode has 1–64 letters, digits, “-”, “_” or “.”."))
            continue
        if barcode.code in seen_codes:
            add(f"barcodes.{i}.code", _("Barcode %(code)s is listed twice.") % {"code": barcode.code})
        seen_codes.add(barcode.code)
        if barcode.unit_id and barcode.unit_id not in allowed_units:
            add(f"barcodes.{i}.unit_id", _("The barcode's unit must be the base unit or one of the alternate units."))
    if errors:
        raise ValidationFailed(errors)
    _check_references(data)
    _check_unique(data, product=product)
    return units


def _check_references(data: ProductData) -> None:
    errors: dict[str, list[str | Promise]] = {}
    if data.category_id is not None:
        category = Category.objects.filter(pk=data.category_id).first()
        if category is None:
            errors["category_id"] = [_("Unknown category.")]
    if data.brand_id is not None and not Brand.objects.filter(pk=data.brand_id).exists():
        errors["brand_id"] = [_("Unknown brand.")]
    if errors:
        raise ValidationFailed(errors)


def _check_unique(data: ProductData, *, product: Product | None) -> None:
    others = Product.objects.exclude(pk=product.pk) if product else Product.objects.all()
    if others.filter(sku__iexact=data.sku).exists():
        raise Duplicate(field="sku", label=_("SKU"), value=data.sku)
    codes = [b.code for b in data.barcodes]
    if codes:
        taken = Barcode.objects.filter(code__in=codes).select_related("product")
        if product:
            taken = taken.exclude(product=product)
        clash = taken.first()
        if clash is not None:
            index = codes.index(clash.code)
            raise Duplicate(
                _("Barcode %(value)s already belongs to %(product)s (%(sku)s)."),
                field=f"barcodes.{index}.code",
                label=_("Barcode"),
                value=clash.code,
                product=clash.product.name,
                sku=clash.product.sku,
            )


def _write(product: Product, data: ProductData) -> None:
    for name in PLAIN_FIELDS:
        setattr(product, name, getattr(data, name))
    if data.purchase_price is not None:
        product.purchase_price = data.purchase_price
    product.mnemonic = mnemonic_of(product.name)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as error:  # a concurrent request took the SKU after our check
        raise Duplicate(field="sku", label=_("SKU"), value=data.sku) from error
    wanted_units = {u.unit_id: u.factor for u in data.units}
    product.units.exclude(unit_id__in=wanted_units).delete()
    for unit_id, factor in wanted_units.items():
        ProductUnit.objects.update_or_create(product=product, unit_id=unit_id, defaults={"factor": factor})
    wanted_codes = {b.code: (b.unit_id or data.base_unit_id) for b in data.barcodes}
    product.barcodes.exclude(code__in=wanted_codes).delete()
    for code, unit_id in wanted_codes.items():
        try:
            with transaction.atomic():
                Barcode.objects.update_or_create(product=product, code=code, defaults={"unit_id": unit_id})
        except IntegrityError as error:
            raise Duplicate(field="barcodes", label=_("Barcode"), value=code) from error


@transaction.atomic
def product_create(*, actor: User | None, data: ProductData) -> Product:
    """Create a product with its alternate units and barcodes."""
    _clean(data, product=None)
    if data.purchase_price is None:
        data.purchase_price = Decimal(0)
    product = Product()
    _write(product, data)
    audit_record(actor=actor, action="product.created", target=product, after=product_state(product))
    return product


@transaction.atomic
def product_update(*, actor: User | None, product: Product, data: ProductData) -> Product:
    """Change a product, its units and barcodes; unchanged fields leave no audit noise."""
    product = Product.objects.select_for_update(of=("self",)).get(pk=product.pk)
    _clean(data, product=product)
    before = product_state(product)
    _write(product, data)
    old, new = changed(before, product_state(product))
    if new:
        audit_record(actor=actor, action="product.changed", target=product, before=old, after=new)
    return product


@transaction.atomic
def product_set_active(*, actor: User | None, product: Product, active: bool) -> Product:
    """Deactivate a product (it stays in history but cannot be used in new documents) or reactivate it."""
    product = Product.objects.select_for_update(of=("self",)).get(pk=product.pk)
    return audit_set_active(product, actor=actor, active=active, kind="product")
