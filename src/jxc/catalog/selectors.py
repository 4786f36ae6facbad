"""Reads of products, units, categories and brands."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from jxc.catalog.errors import UnitNotOfProduct
from jxc.catalog.models import Barcode, Brand, Category, Product, ProductUnit, Unit


def category_descendant_ids(category_id: int) -> set[int]:
    """The ids of a category and every category below it."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    stack = [category_id]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, []))
    return found


@dataclass(frozen=True)
class CategoryNode:
    """A category with its depth in the tree and its full path, for pickers and lists."""

    category: Category
    depth: int
    path: str


def category_tree(*, active_only: bool = False) -> list[CategoryNode]:
    """All categories in tree order (parents before children, siblings by sort order and name)."""
    categories = Category.objects.all()
    if active_only:
        categories = categories.filter(active=True)
    children: dict[int | None, list[Category]] = {}
    for category in categories.order_by("sort_order", "name"):
        children.setdefault(category.parent_id, []).append(category)
    nodes: list[CategoryNode] = []

    def walk(parent: int | None, depth: int, prefix: str) -> None:
        for category in children.get(parent, []):
            path = f"{prefix}/{category.name}" if prefix else category.name
            nodes.append(CategoryNode(category, depth, path))
            walk(category.pk, depth + 1, path)

    walk(None, 0, "")
    return nodes


def category_paths() -> dict[int, str]:
    """Every category's full path (饮料/碳酸饮料) by id."""
    return {node.category.pk: node.path for node in category_tree()}


def product_list(
    *,
    q: str = "",
    category_id: int | None = None,
    brand_id: int | None = None,
    active: bool | None = True,
    tracking: str = "",
) -> QuerySet[Product]:
    """Products matching a search (SKU, name, spec, pinyin initials, barcode) and filters."""
    products = Product.objects.select_related("category", "brand", "base_unit")
    if q:
        q = q.strip()
        products = products.filter(
            Q(sku__icontains=q)
            | Q(name__icontains=q)
            | Q(spec__icontains=q)
            | Q(mnemonic__icontains=q.upper())
            | Q(pk__in=Barcode.objects.filter(code=q).values("product_id"))
        )
    if category_id:
        products = products.filter(category_id__in=category_descendant_ids(category_id))
    if brand_id:
        products = products.filter(brand_id=brand_id)
    if active is not None:
        products = products.filter(active=active)
    if tracking == "lots":
        products = products.filter(track_lots=True)
    elif tracking == "serials":
        products = products.filter(track_serials=True)
    return products


def product_list_for_export(**filters: object) -> QuerySet[Product]:
    """product_list with units and barcodes loaded in two queries, for exports and the API."""
    return product_list(**filters).prefetch_related(  # type: ignore[arg-type]
        Prefetch("units", queryset=ProductUnit.objects.select_related("unit").order_by("factor")),
        Prefetch("barcodes", queryset=Barcode.objects.select_related("unit").order_by("code")),
    )


def product_get(*, pk: int) -> Product:
    """One product with its units and barcodes (raises Product.DoesNotExist)."""
    return product_list_for_export(active=None).get(pk=pk)


@dataclass(frozen=True)
class ScanHit:
    """What a scanned or typed code found: the product and the unit it scans as."""

    product: Product
    unit: Unit
    factor: Decimal


def product_find_by_code(*, code: str) -> ScanHit | None:
    """The product whose barcode or SKU is exactly this code (barcode first)."""
    code = code.strip()
    if not code:
        return None
    barcode = Barcode.objects.select_related("product__base_unit", "unit").filter(code=code).first()
    if barcode is not None:
        return ScanHit(barcode.product, barcode.unit, unit_factor(product=barcode.product, unit_id=barcode.unit_id))
    product = Product.objects.select_related("base_unit").filter(sku__iexact=code).first()
    if product is not None:
        return ScanHit(product, product.base_unit, Decimal(1))
    return None


def unit_factor(*, product: Product, unit_id: int) -> Decimal:
    """Base units in one of this unit of the product (1 for the base unit)."""
    if unit_id == product.base_unit_id:
        return Decimal(1)
    factor = ProductUnit.objects.filter(product=product, unit_id=unit_id).values_list("factor", flat=True).first()
    if factor is None:
        unit = Unit.objects.filter(pk=unit_id).first()
        raise UnitNotOfProduct(product=product.name, unit=unit.name if unit else unit_id)
    return Decimal(factor)


def product_units(*, product: Product) -> list[tuple[Unit, Decimal]]:
    """The product's units with their factors, base unit first."""
    units = [(product.base_unit, Decimal(1))]
    units += [(pu.unit, pu.factor) for pu in product.units.select_related("unit").order_by("factor")]
    return units


def unit_list(*, q: str = "", active: bool | None = None) -> QuerySet[Unit]:
    """Units, with how many products have each as their base unit."""
    used = (
        Product.objects.filter(base_unit=OuterRef("pk"))
        .order_by()
        .values("base_unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    units = Unit.objects.annotate(product_count=Coalesce(Subquery(used), 0))
    if q:
        units = units.filter(name__icontains=q)
    if active is not None:
        units = units.filter(active=active)
    return units


def brand_list(*, q: str = "", active: bool | None = None) -> QuerySet[Brand]:
    """Brands with their product counts, searchable by name or pinyin initials."""
    brands = Brand.objects.annotate(product_count=Count("products"))
    if q:
        brands = brands.filter(Q(name__icontains=q) | Q(mnemonic__icontains=q.upper()))
    if active is not None:
        brands = brands.filter(active=active)
    return brands
