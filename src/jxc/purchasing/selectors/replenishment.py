"""Replenishment suggestions (补货建议) per product × warehouse, by min/max or by reorder point.

projected = available (on hand − reserved) + on order (approved or partly received purchase order lines still to
arrive in that warehouse).

- min/max: when projected < the product's minimum, order up to its maximum (to the minimum when it has none).
  The product's minimum and maximum apply in each warehouse; products without a minimum are not planned.
- reorder point: average daily sales = (shipments − sales returns, reversals included) over the last `days`
  days / `days`; lead time = the preferred supplier's lead time for the product, else the supplier's, else 0;
  reorder point = daily sales × lead time + daily sales × safety days. When projected ≤ reorder point, order
  reorder point + daily sales × lead time − projected (one more lead time covered). Planned: every product ×
  warehouse with a stock row, goods on order or sales in the window.

Then at least the preferred supplier's minimum order quantity (in their purchase unit), rounded up to whole
purchase units (the base unit's step without one). Every row explains its numbers. Everything is read with a
fixed number of grouped queries (sales: one query on the ledger's (product, warehouse, date) index).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.catalog.models import Product, ProductUnit, Unit
from jxc.catalog.selectors import product_list
from jxc.core.fields import QuantityField
from jxc.core.numbers import ZERO, format_quantity, round_quantity
from jxc.inventory.choices import MoveKind
from jxc.inventory.models import StockBalance, StockMove, Warehouse
from jxc.inventory.selectors import warehouses_of
from jxc.partners.models import Partner
from jxc.purchasing.choices import OPEN_ORDER_STATUSES
from jxc.purchasing.models import PurchaseOrderLine, SupplierProduct

MINMAX = "minmax"
REORDER_POINT = "rop"
METHODS = (MINMAX, REORDER_POINT)
DEFAULT_DAYS = 30
SALES_KINDS = (MoveKind.SHIPMENT, MoveKind.SALES_RETURN)
ONE = Decimal(1)


@dataclass
class Suggestion:
    """What one product in one warehouse needs, and how that was worked out."""

    product: Product
    warehouse: Warehouse
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    term: SupplierProduct | None
    unit: Unit
    factor: Decimal
    lead_time_days: int
    lead_time_source: str  # "term", "supplier" or "" (no preferred supplier)
    sales: Decimal = ZERO
    daily_sales: Decimal | None = None
    reorder_point: Decimal | None = None
    need: Decimal = ZERO
    quantity: Decimal = ZERO
    explanation: str = ""

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    @property
    def projected(self) -> Decimal:
        return self.available + self.on_order

    @property
    def supplier(self) -> Partner | None:
        return self.term.supplier if self.term is not None else None

    @property
    def unit_quantity(self) -> Decimal:
        """The suggested quantity in the purchase unit."""
        return round_quantity(self.quantity / self.factor)

    @property
    def key(self) -> str:
        return f"{self.product.pk}-{self.warehouse.pk}"

    @property
    def min_stock(self) -> Decimal | None:
        return self.product.min_stock

    @property
    def max_stock(self) -> Decimal | None:
        return self.product.max_stock


def _n(value: Decimal | int | None) -> str:
    return "" if value is None else format_quantity(Decimal(value))


def ceil_to(value: Decimal, step: Decimal) -> Decimal:
    """The smallest multiple of `step` ≥ value (0 for nothing)."""
    if value <= 0:
        return ZERO
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def sales_window(*, days: int = DEFAULT_DAYS, today: date | None = None) -> tuple[date, date]:
    """The last `days` calendar days, today included."""
    end = today or timezone.localdate()
    return end - timedelta(days=max(days, 1) - 1), end


def sales_by_place(
    *, product_ids: Any, warehouse_ids: list[int], start: date, end: date
) -> dict[tuple[int, int], Decimal]:
    """Net sales (shipped − returned, reversals netted) per product × warehouse over the dates, in one query."""
    reversed_sales = Q(kind=MoveKind.REVERSAL, reversal_of__kind__in=SALES_KINDS)
    rows = (
        StockMove.objects.filter(
            product_id__in=product_ids, warehouse_id__in=warehouse_ids, date__gte=start, date__lte=end
        )
        .filter(Q(kind__in=SALES_KINDS) | reversed_sales)
        .values("product_id", "warehouse_id")
        .annotate(q=Sum("quantity"))
        .order_by()
    )
    return {(r["product_id"], r["warehouse_id"]): -r["q"] for r in rows if r["q"]}


def on_order_by_place(*, product_ids: Any, warehouse_ids: list[int]) -> dict[tuple[int, int], Decimal]:
    """Base units still to arrive on approved and partly received orders, per product × receiving warehouse."""
    rows = (
        PurchaseOrderLine.objects.filter(
            order__status__in=OPEN_ORDER_STATUSES,
            order__warehouse_id__in=warehouse_ids,
            product_id__in=product_ids,
            received_quantity__lt=F("quantity"),
        )
        .values("product_id", "order__warehouse_id")
        .annotate(ordered=Sum("quantity"), received=Sum("received_quantity"))
        .order_by()
    )
    return {(r["product_id"], r["order__warehouse_id"]): r["ordered"] - r["received"] for r in rows}


def preferred_terms(*, product_ids: Any) -> dict[int, SupplierProduct]:
    """The preferred supplier's terms per product, with the factor of their purchase unit (`unit_factor`)."""
    factor = ProductUnit.objects.filter(product_id=OuterRef("product_id"), unit_id=OuterRef("unit_id")).values(
        "factor"
    )[:1]
    terms = (
        SupplierProduct.objects.filter(preferred=True, product_id__in=product_ids)
        .select_related("supplier", "unit")
        .annotate(unit_factor=Subquery(factor, output_field=QuantityField()))
    )
    return {t.product_id: t for t in terms}


def _purchase_unit(product: Product, term: SupplierProduct | None) -> tuple[Unit, Decimal, bool]:
    """The unit to order in, its factor, and whether quantities round to whole units of it."""
    if term is not None and term.unit_id is not None and term.unit is not None:
        if term.unit_id == product.base_unit_id:
            return term.unit, ONE, True
        factor = getattr(term, "unit_factor", None)
        if factor:
            return term.unit, factor, True
    return product.base_unit, ONE, False


def _lead_time(term: SupplierProduct | None) -> tuple[int, str]:
    if term is None:
        return 0, ""
    if term.lead_time_days is not None:
        return term.lead_time_days, "term"
    return term.supplier.lead_time_days, "supplier"


def _min_max(row: Suggestion) -> list[str]:
    product = row.product
    minimum, maximum = product.min_stock or ZERO, product.max_stock
    numbers = {
        "available": _n(row.available),
        "on_order": _n(row.on_order),
        "projected": _n(row.projected),
        "min": _n(minimum),
        "max": _n(maximum),
    }
    if row.projected >= minimum:
        return [_("Available %(available)s + on order %(on_order)s = %(projected)s ≥ minimum %(min)s") % numbers]
    if maximum is not None and maximum >= minimum:
        row.need = maximum - row.projected
        text = _(
            "Available %(available)s + on order %(on_order)s = %(projected)s < minimum %(min)s "
            "→ up to maximum %(max)s: %(need)s"
        )
    else:
        row.need = minimum - row.projected
        text = _(
            "Available %(available)s + on order %(on_order)s = %(projected)s < minimum %(min)s "
            "→ up to the minimum (no maximum): %(need)s"
        )
    return [text % {**numbers, "need": _n(row.need)}]


def _reorder_point(row: Suggestion, *, days: int, safety_days: int) -> list[str]:
    daily = round_quantity(max(row.sales, ZERO) / Decimal(days))
    lead = row.lead_time_days
    row.daily_sales = daily
    row.reorder_point = round_quantity(daily * lead + daily * safety_days)
    numbers = {
        "sales": _n(row.sales),
        "days": days,
        "daily": _n(daily),
        "lead": lead,
        "safety": safety_days,
        "rop": _n(row.reorder_point),
        "available": _n(row.available),
        "on_order": _n(row.on_order),
        "projected": _n(row.projected),
    }
    parts = [
        _(
            "Sold %(sales)s in %(days)s days = %(daily)s a day; reorder point %(daily)s × %(lead)s days lead time "
            "+ %(daily)s × %(safety)s safety days = %(rop)s"
        )
        % numbers
    ]
    if row.projected > row.reorder_point:
        parts.append(
            _("available %(available)s + on order %(on_order)s = %(projected)s > reorder point %(rop)s") % numbers
        )
        return parts
    row.need = max(row.reorder_point + daily * lead - row.projected, ZERO)
    parts.append(
        _(
            "available %(available)s + on order %(on_order)s = %(projected)s ≤ %(rop)s "
            "→ %(rop)s + %(daily)s × %(lead)s − %(projected)s = %(need)s"
        )
        % {**numbers, "need": _n(row.need)}
    )
    return parts


def _finish(row: Suggestion, parts: list[str], *, whole_units: bool) -> None:
    """Round the need up to the base unit's step, apply the minimum order quantity and whole purchase units."""
    step = ONE.scaleb(-row.product.base_unit.decimals)
    quantity = ceil_to(row.need, step)
    if quantity > 0 and quantity != row.need:
        parts.append(_("rounded up to %(quantity)s") % {"quantity": _n(quantity)})
    term = row.term
    if quantity > 0 and term is not None and term.min_order_quantity:
        least = term.min_order_quantity * row.factor
        if quantity < least:
            quantity = least
            parts.append(
                _("at least the minimum order of %(moq)s %(unit)s = %(quantity)s")
                % {"moq": _n(term.min_order_quantity), "unit": row.unit.name, "quantity": _n(quantity)}
            )
    in_units = False
    if quantity > 0 and whole_units:
        units = ceil_to(quantity / row.factor, ONE)
        if units * row.factor != quantity:
            quantity, in_units = units * row.factor, True
            parts.append(
                _("whole %(unit)s of %(factor)s: %(units)s %(unit)s = %(quantity)s")
                % {"unit": row.unit.name, "factor": _n(row.factor), "units": _n(units), "quantity": _n(quantity)}
            )
    row.quantity = quantity
    if quantity > 0 and row.factor != ONE and not in_units:
        parts.append(
            _("%(quantity)s = %(units)s %(unit)s")
            % {"quantity": _n(quantity), "units": _n(row.unit_quantity), "unit": row.unit.name}
        )
    row.explanation = "; ".join(parts)


def replenishment_suggestions(
    *,
    user: Any,
    method: str = MINMAX,
    days: int = DEFAULT_DAYS,
    safety_days: int = 0,
    warehouse_id: int | None = None,
    category_id: int | None = None,
    supplier_id: int | None = None,
    q: str = "",
    only_below: bool = True,
    today: date | None = None,
) -> list[Suggestion]:
    """Suggestions in the user's warehouses (`only_below`: just the rows with something to order), by SKU and
    warehouse code. `supplier_id` keeps the products whose preferred supplier it is."""
    method = method if method in METHODS else MINMAX
    days = max(int(days), 1)
    safety_days = max(int(safety_days), 0)
    places = warehouses_of(user=user).filter(active=True)
    if warehouse_id is not None:
        places = places.filter(pk=warehouse_id)
    warehouses = {w.pk: w for w in places}
    if not warehouses:
        return []
    warehouse_ids = sorted(warehouses)
    products: QuerySet[Product] = product_list(q=q, category_id=category_id, active=True)
    if supplier_id is not None:
        products = products.filter(
            pk__in=SupplierProduct.objects.filter(supplier_id=supplier_id, preferred=True).values("product_id")
        )
    if method == MINMAX:
        products = products.filter(min_stock__isnull=False)
    product_ids = products.values("pk")
    balances = {
        (p, w): (on_hand, reserved)
        for p, w, on_hand, reserved in StockBalance.objects.filter(
            warehouse_id__in=warehouse_ids, product_id__in=product_ids
        ).values_list("product_id", "warehouse_id", "on_hand", "reserved")
    }
    on_order = on_order_by_place(product_ids=product_ids, warehouse_ids=warehouse_ids)
    sales: dict[tuple[int, int], Decimal] = {}
    if method == REORDER_POINT:
        start, end = sales_window(days=days, today=today)
        sales = sales_by_place(product_ids=product_ids, warehouse_ids=warehouse_ids, start=start, end=end)
    if method == MINMAX:
        found = {p.pk: p for p in products.order_by()}
        pairs = [(p, w) for p in found for w in warehouse_ids]
    else:
        keys = set(balances) | set(on_order) | set(sales)
        found = products.order_by().in_bulk({p for p, _w in keys})
        pairs = [key for key in keys if key[0] in found]
    terms = preferred_terms(product_ids=product_ids)
    rows = []
    for product_id, warehouse_id_ in pairs:
        product, term = found[product_id], terms.get(product_id)
        on_hand, reserved = balances.get((product_id, warehouse_id_), (ZERO, ZERO))
        unit, factor, whole_units = _purchase_unit(product, term)
        lead, lead_source = _lead_time(term)
        row = Suggestion(
            product=product,
            warehouse=warehouses[warehouse_id_],
            on_hand=on_hand,
            reserved=reserved,
            on_order=on_order.get((product_id, warehouse_id_), ZERO),
            term=term,
            unit=unit,
            factor=factor,
            lead_time_days=lead,
            lead_time_source=lead_source,
            sales=sales.get((product_id, warehouse_id_), ZERO),
        )
        parts = _min_max(row) if method == MINMAX else _reorder_point(row, days=days, safety_days=safety_days)
        _finish(row, parts, whole_units=whole_units)
        if only_below and row.quantity <= 0:
            continue
        rows.append(row)
    rows.sort(key=lambda r: (r.product.sku, r.warehouse.code))
    return rows
