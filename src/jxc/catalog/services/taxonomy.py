"""Units, categories and brands: create, change, deactivate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record, audit_set_active, changed, snapshot
from jxc.catalog.errors import CategoryCycle, CategoryInUse, UnitInUse
from jxc.catalog.models import Brand, Category, Product, ProductUnit, Unit
from jxc.catalog.selectors import category_descendant_ids
from jxc.core.errors import Duplicate, ValidationFailed
from jxc.core.text import mnemonic_of

M = TypeVar("M", bound=models.Model)


def _required_name(name: str, *, max_length: int) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed.one("name", _("This field is required."))
    if len(name) > max_length:
        raise ValidationFailed.one("name", _("At most %(n)s characters.") % {"n": max_length})
    return name


def _save(instance: M, *, actor: User | None, kind: str, label: str, value: str, before: dict[str, object] | None) -> M:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise Duplicate(field="name", label=label, value=value) from error
    after = snapshot(instance, exclude=("created_at",))
    if before is None:
        audit_record(actor=actor, action=f"{kind}.created", target=instance, after=after)
    else:
        old, new = changed(before, after)
        if new:
            audit_record(actor=actor, action=f"{kind}.changed", target=instance, before=old, after=new)
    return instance


@dataclass
class UnitData:
    """A unit as entered."""

    name: str
    decimals: int = 0


@transaction.atomic
def unit_save(*, actor: User | None, data: UnitData, unit: Unit | None = None) -> Unit:
    """Create a unit, or change one (its decimal places may only grow once products use it)."""
    name = _required_name(data.name, max_length=20)
    if not 0 <= data.decimals <= 6:
        raise ValidationFailed.one("decimals", _("Between 0 and 6 decimal places."))
    clash = Unit.objects.filter(name__iexact=name)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise Duplicate(field="name", label=_("Unit"), value=name)
    before = None
    if unit is not None:
        unit = Unit.objects.select_for_update(of=("self",)).get(pk=unit.pk)
        before = snapshot(unit, exclude=("created_at",))
        if data.decimals < unit.decimals:
            used = Product.objects.filter(Q(base_unit=unit) | Q(units__unit=unit)).distinct().count()
            if used:
                raise UnitInUse(field="decimals", name=unit.name, count=used)
    else:
        unit = Unit()
    unit.name = name
    unit.decimals = data.decimals
    return _save(unit, actor=actor, kind="unit", label=str(_("Unit")), value=name, before=before)


@transaction.atomic
def unit_set_active(*, actor: User | None, unit: Unit, active: bool) -> Unit:
    """Deactivate a unit no active product uses, or reactivate it."""
    unit = Unit.objects.select_for_update(of=("self",)).get(pk=unit.pk)
    if unit.active == active:
        return unit
    if not active:
        used = Product.objects.filter(active=True, base_unit=unit).count()
        used += ProductUnit.objects.filter(unit=unit, product__active=True).count()
        if used:
            raise UnitInUse(name=unit.name, count=used)
    return audit_set_active(unit, actor=actor, kind="unit", active=active)


@dataclass
class CategoryData:
    """A category as entered."""

    name: str
    parent_id: int | None = None
    code: str = ""
    sort_order: int = 0


@transaction.atomic
def category_save(*, actor: User | None, data: CategoryData, category: Category | None = None) -> Category:
    """Create or change a category; it cannot be moved under itself."""
    name = _required_name(data.name, max_length=60)
    if data.parent_id is not None and not Category.objects.filter(pk=data.parent_id).exists():
        raise ValidationFailed.one("parent_id", _("Unknown category."))
    siblings = Category.objects.filter(parent_id=data.parent_id, name__iexact=name)
    if category is not None:
        siblings = siblings.exclude(pk=category.pk)
    if siblings.exists():
        raise Duplicate(field="name", label=_("Category"), value=name)
    before = None
    if category is not None:
        category = Category.objects.select_for_update(of=("self",)).get(pk=category.pk)
        if data.parent_id is not None and data.parent_id in category_descendant_ids(category.pk):
            raise CategoryCycle(field="parent_id")
        before = snapshot(category, exclude=("created_at",))
    else:
        category = Category()
    category.name = name
    category.parent_id = data.parent_id
    category.code = (data.code or "").strip()[:30]
    category.sort_order = data.sort_order
    return _save(category, actor=actor, kind="category", label=str(_("Category")), value=name, before=before)


@transaction.atomic
def category_set_active(*, actor: User | None, category: Category, active: bool) -> Category:
    """Deactivate an empty category (no active products or subcategories), or reactivate it."""
    category = Category.objects.select_for_update(of=("self",)).get(pk=category.pk)
    if category.active == active:
        return category
    if not active:
        used = category.products.filter(active=True).count() + category.children.filter(active=True).count()
        if used:
            raise CategoryInUse(name=category.name, count=used)
    return audit_set_active(category, actor=actor, kind="category", active=active)


def category_get_or_create_path(*, actor: User | None, path: str) -> Category:
    """The category for a path such as 饮料/碳酸饮料, creating missing levels (used by imports)."""
    parent: Category | None = None
    parts = [p.strip() for p in path.replace("›", "/").replace(">", "/").split("/") if p.strip()]
    if not parts:
        raise ValidationFailed.one("category", _("Empty category."))
    for part in parts:
        found = Category.objects.filter(parent=parent, name__iexact=part).first()
        if found is None:
            found = category_save(actor=actor, data=CategoryData(name=part, parent_id=getattr(parent, "pk", None)))
        parent = found
    assert parent is not None
    return parent


@dataclass
class BrandData:
    """A brand as entered."""

    name: str


@transaction.atomic
def brand_save(*, actor: User | None, data: BrandData, brand: Brand | None = None) -> Brand:
    """Create or change a brand."""
    name = _required_name(data.name, max_length=60)
    clash = Brand.objects.filter(name__iexact=name)
    if brand is not None:
        clash = clash.exclude(pk=brand.pk)
    if clash.exists():
        raise Duplicate(field="name", label=_("Brand"), value=name)
    before = None
    if brand is not None:
        brand = Brand.objects.select_for_update(of=("self",)).get(pk=brand.pk)
        before = snapshot(brand, exclude=("created_at",))
    else:
        brand = Brand()
    brand.name = name
    brand.mnemonic = mnemonic_of(name)[:60]
    return _save(brand, actor=actor, kind="brand", label=str(_("Brand")), value=name, before=before)


@transaction.atomic
def brand_set_active(*, actor: User | None, brand: Brand, active: bool) -> Brand:
    """Deactivate or reactivate a brand."""
    brand = Brand.objects.select_for_update(of=("self",)).get(pk=brand.pk)
    return audit_set_active(brand, actor=actor, kind="brand", active=active)


def brand_get_or_create(*, actor: User | None, name: str) -> Brand:
    """The brand with this name, created if missing (used by imports)."""
    found = Brand.objects.filter(name__iexact=name.strip()).first()
    return found or brand_save(actor=actor, data=BrandData(name=name))
