"""Reads of stock: on hand now, a product's stock card, balances and value at a past date, alerts.

Current figures come from the balance tables (never from summing the ledger). Figures at a past date start
from the last closed period's snapshot and add the moves after it, so they read at most one open period of
moves, however long the history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from jxc.catalog.models import Barcode, Product
from jxc.catalog.selectors import category_descendant_ids
from jxc.core.numbers import ZERO, round_money
from jxc.inventory.choices import DocumentStatus, PeriodStatus
from jxc.inventory.models import (
    CostSnapshot,
    CostState,
    StockBalance,
    StockDocument,
    StockMove,
    StockPeriod,
    StockPosting,
    StockQuant,
    StockSnapshot,
)
from jxc.inventory.selectors.warehouses import warehouses_of

GROUPS = ("warehouse", "product", "location", "lot")
CARD_PAGE_SIZE = 100  # stock card moves per page


@dataclass(frozen=True)
class OverviewRow:
    """One line of the stock overview at the chosen grain."""

    product: Product
    warehouse: Any | None
    location: Any | None
    lot: Any | None
    on_hand: Decimal
    reserved: Decimal | None
    unit_cost: Decimal | None

    @property
    def available(self) -> Decimal | None:
        return None if self.reserved is None else self.on_hand - self.reserved

    @property
    def value(self) -> Decimal | None:
        return None if self.unit_cost is None else round_money(self.on_hand * self.unit_cost)


def visible_warehouse_ids(*, user: Any, warehouse_id: int | None = None) -> list[int]:
    """The ids of the warehouses this user may see, or just the one asked for if they may see it."""
    visible = list(warehouses_of(user=user).values_list("pk", flat=True))
    if warehouse_id is not None:
        return [warehouse_id] if warehouse_id in visible else []
    return visible


def product_filter(q: str, category_id: int | None) -> Q:
    """Rows whose product matches a search text (SKU, name, pinyin initials, barcode) and a category subtree."""
    condition = Q()
    if q:
        condition &= (
            Q(product__sku__icontains=q)
            | Q(product__name__icontains=q)
            | Q(product__mnemonic__icontains=q.upper())
            | Q(product_id__in=Barcode.objects.filter(code=q).values("product_id"))
        )
    if category_id:
        condition &= Q(product__category_id__in=category_descendant_ids(category_id))
    return condition


def stock_overview_queryset(
    *,
    user: Any,
    group: str = "warehouse",
    warehouse_id: int | None = None,
    q: str = "",
    category_id: int | None = None,
    include_zero: bool = False,
) -> QuerySet[Any]:
    """Rows of stock for a list page: balances per product × warehouse, or quants per location / lot."""
    warehouses = visible_warehouse_ids(user=user, warehouse_id=warehouse_id)
    condition = product_filter(q, category_id) & Q(warehouse_id__in=warehouses)
    if group in {"location", "lot"}:
        rows: QuerySet[Any] = StockQuant.objects.filter(condition).select_related(
            "product__base_unit", "warehouse", "location", "lot"
        )
    elif group == "product":
        rows = (
            StockBalance.objects.filter(condition)
            .values("product_id")
            .annotate(on_hand_sum=Sum("on_hand"), reserved_sum=Sum("reserved"))
        )
        if not include_zero:
            rows = rows.filter(~Q(on_hand_sum=0) | ~Q(reserved_sum=0))
        return rows.order_by("product_id")
    else:
        rows = StockBalance.objects.filter(condition).select_related("product__base_unit", "warehouse")
    if not include_zero:
        rows = rows.exclude(on_hand=0) if group in {"location", "lot"} else rows.filter(~Q(on_hand=0) | ~Q(reserved=0))
    return rows.distinct() if q else rows


def _unit_costs(product_ids: set[int], warehouse_ids: set[int]) -> dict[tuple[int, int | None], Decimal]:
    costs: dict[tuple[int, int | None], Decimal] = {}
    for state in CostState.objects.filter(product_id__in=product_ids).filter(
        Q(warehouse__isnull=True) | Q(warehouse_id__in=warehouse_ids)
    ):
        if state.quantity > 0:
            costs[(state.product_id, state.warehouse_id)] = state.value / state.quantity
    return costs


def stock_overview(rows: Any, *, group: str, with_cost: bool) -> list[OverviewRow]:
    """Turn a page of `stock_overview_queryset` rows into display rows, with unit cost for view_cost users."""
    items = list(rows)
    if group == "product":
        products = Product.objects.select_related("base_unit").in_bulk([r["product_id"] for r in items])
        product_ids = set(products)
        warehouse_ids: set[int] = set()
    else:
        product_ids = {r.product_id for r in items}
        warehouse_ids = {r.warehouse_id for r in items}
    costs = _unit_costs(product_ids, warehouse_ids) if with_cost else {}

    def unit_cost(product_id: int, warehouse_id: int | None) -> Decimal | None:
        if not with_cost:
            return None
        return costs.get((product_id, None), costs.get((product_id, warehouse_id), ZERO))

    result = []
    for r in items:
        if group == "product":
            product = products[r["product_id"]]
            result.append(
                OverviewRow(product, None, None, None, r["on_hand_sum"], r["reserved_sum"], unit_cost(product.pk, None))
            )
        elif group in {"location", "lot"}:
            result.append(
                OverviewRow(
                    r.product, r.warehouse, r.location, r.lot, r.on_hand, None, unit_cost(r.product_id, r.warehouse_id)
                )
            )
        else:
            result.append(
                OverviewRow(
                    r.product, r.warehouse, None, None, r.on_hand, r.reserved, unit_cost(r.product_id, r.warehouse_id)
                )
            )
    return result


def last_closed_period(on_or_before: date) -> StockPeriod | None:
    """The latest closed period that ended on or before this date."""
    return StockPeriod.objects.filter(status=PeriodStatus.CLOSED, end__lte=on_or_before).order_by("-end").first()


def balance_at(*, product: Product, warehouse_ids: list[int], day: date) -> tuple[Decimal, Decimal]:
    """Quantity and ledger value of a product in these warehouses at the end of `day`."""
    period = last_closed_period(day)
    quantity, value = ZERO, ZERO
    moves = StockMove.objects.filter(product=product, warehouse_id__in=warehouse_ids, date__lte=day)
    if period is not None:
        snapshot = StockSnapshot.objects.filter(period=period, product=product, warehouse_id__in=warehouse_ids)
        quantity = snapshot.aggregate(q=Sum("quantity"))["q"] or ZERO
        value = _snapshot_value(period, product, warehouse_ids, quantity)
        moves = moves.filter(date__gt=period.end)
    totals = moves.aggregate(q=Sum("quantity"), v=Sum("value"))
    return quantity + (totals["q"] or ZERO), value + (totals["v"] or ZERO)


def _snapshot_value(period: StockPeriod, product: Product, warehouse_ids: list[int], quantity: Decimal) -> Decimal:
    """The value of `quantity` at a snapshot: the scope's own value, or its average cost for part of a scope."""
    scopes = list(CostSnapshot.objects.filter(period=period, product=product))
    if any(s.warehouse_id is not None for s in scopes):
        return sum((s.value for s in scopes if s.warehouse_id in warehouse_ids), ZERO)
    scope = scopes[0] if scopes else None
    if scope is None or scope.quantity == 0:
        return ZERO
    if quantity == scope.quantity:
        return scope.value
    return round_money(scope.value * quantity / scope.quantity)


@dataclass(frozen=True)
class CardRow:
    """A line of the stock card: a move and the running balance after it."""

    move: StockMove
    number: str
    quantity_in: Decimal | None
    quantity_out: Decimal | None
    balance: Decimal
    value_balance: Decimal
    unit_cost: Decimal | None


@dataclass(frozen=True)
class StockCard:
    """库存台账: opening balance, the moves in the range (or one page of them) with running balances, closing balance.

    `count` is the number of moves in the range; `carried_quantity`/`carried_value` the balance before the first of
    `rows` (the opening balance on the first page)."""

    product: Product
    start: date
    end: date
    opening_quantity: Decimal
    opening_value: Decimal
    rows: list[CardRow]
    closing_quantity: Decimal
    closing_value: Decimal
    total_in: Decimal
    total_out: Decimal
    count: int = 0
    page: int = 1
    page_size: int | None = None
    carried_quantity: Decimal = ZERO
    carried_value: Decimal = ZERO

    @property
    def last_page(self) -> bool:
        return self.page_size is None or self.page * self.page_size >= self.count


def stock_card(
    *,
    user: Any,
    product: Product,
    start: date,
    end: date,
    warehouse_id: int | None = None,
    page: int | None = None,
    page_size: int = CARD_PAGE_SIZE,
) -> StockCard:
    """The moves of a product between two dates (inclusive) in the visible warehouses, with running balances.

    With `page` (from 1, past the last page reads the last) only that page of moves is read: the totals are summed
    in SQL and the running balance starts from what the moves before the page add to the opening balance."""
    warehouses = visible_warehouse_ids(user=user, warehouse_id=warehouse_id)
    opening_quantity, opening_value = balance_at(
        product=product, warehouse_ids=warehouses, day=start - timedelta(days=1)
    )
    in_range = StockMove.objects.filter(product=product, warehouse_id__in=warehouses, date__gte=start, date__lte=end)
    sums = in_range.aggregate(
        count=Count("pk"),
        q_in=Sum("quantity", filter=Q(quantity__gt=0)),
        q_out=Sum("quantity", filter=Q(quantity__lt=0)),
        v=Sum("value"),
    )
    total_in, total_out = sums["q_in"] or ZERO, -(sums["q_out"] or ZERO)
    ordered = in_range.order_by("date", "pk")
    quantity, value = opening_quantity, opening_value
    number, size = 1, None
    if page is not None:
        size = max(page_size, 1)
        number = min(max(page, 1), max(1, -(-sums["count"] // size)))
        offset = (number - 1) * size
        if offset:
            day, pk = ordered.values_list("date", "pk")[offset]
            before = in_range.filter(Q(date__lt=day) | Q(date=day, pk__lt=pk)).aggregate(
                q=Sum("quantity"), v=Sum("value")
            )
            quantity, value = quantity + (before["q"] or ZERO), value + (before["v"] or ZERO)
        ordered = ordered[offset : offset + size]
    carried_quantity, carried_value = quantity, value
    rows = []
    for move in ordered.select_related("posting", "warehouse", "location", "lot", "unit"):
        quantity += move.quantity
        value += move.value
        unit = move.scope_value / move.scope_quantity if move.scope_quantity > 0 else None
        rows.append(
            CardRow(
                move,
                move.posting.source_number,
                move.quantity if move.quantity > 0 else None,
                -move.quantity if move.quantity < 0 else None,
                quantity,
                value,
                unit,
            )
        )
    return StockCard(
        product,
        start,
        end,
        opening_quantity,
        opening_value,
        rows,
        opening_quantity + total_in - total_out,
        opening_value + (sums["v"] or ZERO),
        total_in,
        total_out,
        count=sums["count"],
        page=number,
        page_size=size,
        carried_quantity=carried_quantity,
        carried_value=carried_value,
    )


@dataclass(frozen=True)
class ValuationRow:
    """The quantity and value of a product (per warehouse when costed per warehouse) at a date.

    `product` is loaded by `valuation_products` for the rows that are shown (a page, an export), not for all."""

    product_id: int
    sku: str
    warehouse_id: int | None
    quantity: Decimal
    value: Decimal
    product: Any = None

    @property
    def unit_cost(self) -> Decimal | None:
        return self.value / self.quantity if self.quantity else None


def valuation_at(*, day: date, q: str = "", category_id: int | None = None) -> list[ValuationRow]:
    """Inventory valuation at the end of `day`: the snapshot before it plus the moves since, per cost scope."""
    period = last_closed_period(day)
    totals: dict[tuple[int, int | None], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    condition = product_filter(q, category_id)
    if period is not None:
        scopes = CostSnapshot.objects.filter(period=period).filter(condition)
        for product_id, warehouse_id, quantity, value in scopes.values_list(
            "product_id", "warehouse_id", "quantity", "value"
        ):
            totals[(product_id, warehouse_id)] = [quantity, value]
    moves = StockMove.objects.filter(date__lte=day).filter(condition)
    if period is not None:
        moves = moves.filter(date__gt=period.end)
    per_warehouse = CostState.objects.filter(warehouse__isnull=False).exists()
    group = ("product_id", "warehouse_id") if per_warehouse else ("product_id",)
    for r in moves.values(*group).annotate(q=Sum("quantity"), v=Sum("value")):
        entry = totals[(r["product_id"], r.get("warehouse_id"))]
        entry[0] += r["q"]
        entry[1] += r["v"]
    return valuation_rows(totals)


def valuation_rows(totals: dict[tuple[int, int | None], list[Decimal]]) -> list[ValuationRow]:
    """Rows of the non-zero (product, warehouse) → [quantity, value] totals, in SKU order (products not loaded)."""
    kept = {key: qv for key, qv in totals.items() if qv[0] != 0 or qv[1] != 0}
    skus = dict(Product.objects.filter(pk__in={p for p, _w in kept}).values_list("pk", "sku"))
    rows = [ValuationRow(p, skus[p], w, qv[0], qv[1]) for (p, w), qv in kept.items()]
    return sorted(rows, key=lambda r: (r.sku, r.warehouse_id or 0))


def valuation_products(rows: Iterable[ValuationRow]) -> list[ValuationRow]:
    """The rows with their products (unit and category too), in one query."""
    rows = list(rows)
    products = Product.objects.select_related("base_unit", "category").in_bulk({r.product_id for r in rows})
    return [replace(r, product=products[r.product_id]) for r in rows]


@dataclass(frozen=True)
class AlertRow:
    """A stock alert: below minimum, above maximum, expiring soon or expired."""

    kind: str
    product: Product
    quantity: Decimal
    limit: Decimal | None = None
    lot: Any = None
    location: Any = None
    expiry: date | None = None


def stock_alerts(*, user: Any, days: int = 30, today: date | None = None) -> list[AlertRow]:
    """Products below their minimum or above their maximum (all visible warehouses), lots expiring or expired."""
    today = today or timezone.localdate()
    warehouses = visible_warehouse_ids(user=user, warehouse_id=None)
    on_hand = {
        r["product_id"]: r["q"]
        for r in StockBalance.objects.filter(warehouse_id__in=warehouses)
        .values("product_id")
        .annotate(q=Sum("on_hand"))
    }
    alerts = []
    limited = Product.objects.filter(active=True).filter(Q(min_stock__isnull=False) | Q(max_stock__isnull=False))
    for product in limited.select_related("base_unit").order_by("sku"):
        quantity = on_hand.get(product.pk, ZERO)
        if product.min_stock is not None and quantity < product.min_stock:
            alerts.append(AlertRow("below_min", product, quantity, product.min_stock))
        elif product.max_stock is not None and quantity > product.max_stock:
            alerts.append(AlertRow("above_max", product, quantity, product.max_stock))
    lots = (
        StockQuant.objects.filter(warehouse_id__in=warehouses, lot__expiry_date__lte=today + timedelta(days=days))
        .exclude(on_hand=0)
        .select_related("product__base_unit", "lot", "location", "warehouse")
        .order_by("lot__expiry_date", "product__sku")
    )
    for quant in lots:
        assert quant.lot is not None
        kind = "expired" if quant.lot.expiry_date < today else "expiring"  # type: ignore[operator]
        alerts.append(
            AlertRow(kind, quant.product, quant.on_hand, None, quant.lot, quant.location, quant.lot.expiry_date)
        )
    return alerts


def in_transit_documents(*, user: Any) -> QuerySet[StockDocument]:
    """Transfers shipped and not yet received, into or out of the visible warehouses."""
    warehouses = visible_warehouse_ids(user=user, warehouse_id=None)
    return (
        StockDocument.objects.filter(status=DocumentStatus.IN_TRANSIT)
        .filter(Q(warehouse_id__in=warehouses) | Q(to_warehouse_id__in=warehouses))
        .select_related("warehouse", "to_warehouse")
        .order_by("date", "number")
    )


@dataclass(frozen=True)
class ReversalEffect:
    """What a reversal will do at one place: the change, what is there now, and what will be left."""

    product: Product
    place: str
    change: Decimal
    on_hand: Decimal
    after: Decimal
    value: Decimal

    @property
    def short(self) -> bool:
        return self.after < 0


def reversal_preview(*, source_type: str, source_id: int) -> list[ReversalEffect]:
    """Before a 红冲: for each move to be negated, the quantity change and the stock at that place now and after."""
    postings = StockPosting.objects.filter(source_type=source_type, source_id=source_id, reversed_by__isnull=True)
    moves = (
        StockMove.objects.filter(posting__in=postings)
        .exclude(quantity=0)
        .select_related("product__base_unit", "warehouse", "location", "lot")
        .order_by("pk")
    )
    changes: dict[tuple[int, int, int | None], list[Any]] = {}
    for move in moves:
        key = (move.product_id, move.location_id, move.lot_id)
        if key not in changes:
            place = f"{move.warehouse.name} {move.location.code}" + (f" {move.lot.batch_no}" if move.lot else "")
            changes[key] = [move.product, place, ZERO, ZERO]
        changes[key][2] -= move.quantity
        changes[key][3] -= move.value
    quants = {
        (q.product_id, q.location_id, q.lot_id): q.on_hand
        for q in StockQuant.objects.filter(
            product_id__in={k[0] for k in changes}, location_id__in={k[1] for k in changes}
        )
    }
    return [
        ReversalEffect(product, place, change, quants.get(key, ZERO), quants.get(key, ZERO) + change, value)
        for key, (product, place, change, value) in changes.items()
        if change != 0
    ]
