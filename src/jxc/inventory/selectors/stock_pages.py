"""Reads behind the stock pages and their API: the overview at each grain with totals, valuation within the
warehouses a user may see, alerts by urgency, the stock card as printable lines, and the period list.

Like `selectors.stock`, current figures come from the balance tables and past figures from the last snapshot
plus the moves since; nothing here sums the whole ledger.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from jxc.accounts.models import Company
from jxc.catalog.models import Product
from jxc.core.numbers import ZERO, round_money, round_price
from jxc.inventory.choices import PeriodStatus
from jxc.inventory.models import (
    CostSnapshot,
    CostState,
    Location,
    StockBalance,
    StockMove,
    StockPeriod,
    StockQuant,
    StockSnapshot,
    Warehouse,
)
from jxc.inventory.selectors.stock import (
    AlertRow,
    OverviewRow,
    StockCard,
    ValuationRow,
    last_closed_period,
    product_filter,
    stock_overview,
    stock_overview_queryset,
    valuation_at,
    valuation_rows,
    visible_warehouse_ids,
)

GRAINS = ("product", "warehouse", "location", "lot")
ALERT_KINDS = ("below_min", "above_max", "expiring", "expired")

# Logical sort names of the overview and the fields they order by, per grain.
_SORTS: dict[str, dict[str, tuple[str, ...]]] = {
    "product": {"sku": ("product__sku",), "name": ("product__name",), "on_hand": ("on_hand_sum",)},
    "warehouse": {
        "sku": ("product__sku", "warehouse__code"),
        "name": ("product__name", "warehouse__code"),
        "warehouse": ("warehouse__code", "product__sku"),
        "on_hand": ("on_hand",),
    },
    "location": {
        "sku": ("product__sku", "location__code"),
        "name": ("product__name", "location__code"),
        "location": ("warehouse__code", "location__code", "product__sku"),
        "on_hand": ("on_hand_sum",),
    },
    "lot": {
        "sku": ("product__sku", "lot__batch_no"),
        "name": ("product__name", "lot__batch_no"),
        "location": ("warehouse__code", "location__code", "product__sku"),
        "expiry": ("lot__expiry_date", "product__sku"),
        "on_hand": ("on_hand",),
    },
}
_TIE = {"product": ("product_id",), "location": ("product_id", "warehouse_id", "location_id"), "lot": ("pk",)}


def per_warehouse_costing() -> bool:
    """Whether any cost scope is kept per warehouse (the company's costing option)."""
    company = Company.objects.order_by("pk").only("cost_per_warehouse").first()
    return bool(company and company.cost_per_warehouse)


# The overview


def overview_queryset(
    *,
    user: Any,
    grain: str,
    warehouse_id: int | None = None,
    q: str = "",
    category_id: int | None = None,
    include_zero: bool = False,
) -> QuerySet[Any]:
    """Rows of the overview: `stock_overview_queryset`, except that the location grain adds up the lots."""
    if grain != "location":
        return stock_overview_queryset(
            user=user, group=grain, warehouse_id=warehouse_id, q=q, category_id=category_id, include_zero=include_zero
        )
    condition = product_filter(q, category_id) & Q(
        warehouse_id__in=visible_warehouse_ids(user=user, warehouse_id=warehouse_id)
    )
    rows = (
        StockQuant.objects.filter(condition)
        .values("product_id", "warehouse_id", "location_id")
        .annotate(on_hand_sum=Sum("on_hand"))
    )
    return rows if include_zero else rows.filter(~Q(on_hand_sum=0))


def overview_ordered(rows: QuerySet[Any], *, grain: str, sort: str) -> tuple[QuerySet[Any], str]:
    """The rows in the order of a logical sort name (`sku`, `-on_hand`…); unknown names fall back to SKU."""
    name = sort.lstrip("-")
    fields = _SORTS[grain].get(name)
    if fields is None:
        sort, name, fields = "sku", "sku", _SORTS[grain]["sku"]
    descending = sort.startswith("-")
    order = [f"-{f}" if descending else f for f in fields]
    return rows.order_by(*order, *_TIE.get(grain, ("pk",))), sort


def overview_sorts(grain: str) -> set[str]:
    return set(_SORTS[grain])


def _unit_cost_table(
    *, product_ids: set[int] | None, warehouse_ids: Iterable[int]
) -> dict[tuple[int, int | None], Decimal]:
    """V/Q per cost scope with stock (company-wide scopes have warehouse None); all products when ids is None."""
    states = CostState.objects.filter(Q(warehouse__isnull=True) | Q(warehouse_id__in=list(warehouse_ids)))
    if product_ids is not None:
        states = states.filter(product_id__in=product_ids)
    return {
        (s.product_id, s.warehouse_id): s.value / s.quantity
        for s in states.only("product_id", "warehouse_id", "quantity", "value")
        if s.quantity > 0
    }


def _unit_cost(costs: dict[tuple[int, int | None], Decimal], product_id: int, warehouse_id: int | None) -> Decimal:
    return costs.get((product_id, None), costs.get((product_id, warehouse_id), ZERO))


def _product_values(
    *, product_ids: set[int] | None, warehouse_ids: list[int], balances: Iterable[tuple[int, int, Decimal]]
) -> dict[int, Decimal]:
    """Per product, the value of its stock in these warehouses when each warehouse has its own average cost."""
    costs = _unit_cost_table(product_ids=product_ids, warehouse_ids=warehouse_ids)
    exact: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for product_id, warehouse_id, on_hand in balances:
        exact[product_id] += on_hand * _unit_cost(costs, product_id, warehouse_id)
    return {p: round_money(v) for p, v in exact.items()}


def overview_rows(rows: Iterable[Any], *, grain: str, with_cost: bool, warehouse_ids: list[int]) -> list[OverviewRow]:
    """A page of `overview_queryset` rows as display rows (unit cost and value only `with_cost`)."""
    items = list(rows)
    if grain == "location":
        return _location_rows(items, with_cost=with_cost, warehouse_ids=warehouse_ids)
    result = stock_overview(items, group=grain, with_cost=with_cost)
    if grain != "product" or not with_cost or not per_warehouse_costing():
        return result
    # Costed per warehouse: a product's value adds up its warehouses, each at its own average cost.
    ids = {r.product.pk for r in result}
    balances = _balances(product_ids=ids, warehouse_ids=warehouse_ids)
    values = _product_values(product_ids=ids, warehouse_ids=warehouse_ids, balances=balances)
    return [_with_value(r, values.get(r.product.pk, ZERO)) for r in result]


def _balances(*, product_ids: set[int] | None, warehouse_ids: list[int]) -> Iterator[tuple[int, int, Decimal]]:
    balances = StockBalance.objects.filter(warehouse_id__in=warehouse_ids)
    if product_ids is not None:
        balances = balances.filter(product_id__in=product_ids)
    yield from balances.values_list("product_id", "warehouse_id", "on_hand").iterator(chunk_size=5000)


def _with_value(row: OverviewRow, value: Decimal) -> OverviewRow:
    unit_cost = value / row.on_hand if row.on_hand else ZERO
    return OverviewRow(row.product, row.warehouse, row.location, row.lot, row.on_hand, row.reserved, unit_cost)


def _location_rows(items: list[dict[str, Any]], *, with_cost: bool, warehouse_ids: list[int]) -> list[OverviewRow]:
    products = Product.objects.select_related("base_unit").in_bulk({r["product_id"] for r in items})
    warehouses = Warehouse.objects.in_bulk({r["warehouse_id"] for r in items})
    locations = Location.objects.in_bulk({r["location_id"] for r in items})
    costs = _unit_cost_table(product_ids=set(products), warehouse_ids=set(warehouses)) if with_cost else {}
    return [
        OverviewRow(
            products[r["product_id"]],
            warehouses[r["warehouse_id"]],
            locations[r["location_id"]],
            None,
            r["on_hand_sum"],
            None,
            _unit_cost(costs, r["product_id"], r["warehouse_id"]) if with_cost else None,
        )
        for r in items
    ]


@dataclass(frozen=True)
class OverviewTotals:
    """The totals row of the overview: over every filtered row, not only the page shown."""

    on_hand: Decimal
    reserved: Decimal | None
    value: Decimal | None

    @property
    def available(self) -> Decimal | None:
        return None if self.reserved is None else self.on_hand - self.reserved


def overview_totals(
    rows: QuerySet[Any],
    *,
    grain: str,
    with_cost: bool,
    user: Any,
    warehouse_id: int | None = None,
    q: str = "",
    category_id: int | None = None,
) -> OverviewTotals:
    """Sum the quantities of the filtered rows in the database; add up the row values (view_cost) in Python."""
    summed = "on_hand_sum" if grain in {"product", "location"} else "on_hand"
    if grain in {"product", "warehouse"}:
        reserved_field = "reserved_sum" if grain == "product" else "reserved"
        sums = rows.order_by().aggregate(on_hand=Sum(summed), reserved=Sum(reserved_field))
        reserved: Decimal | None = sums["reserved"] or ZERO
    else:
        sums = rows.order_by().aggregate(on_hand=Sum(summed))
        reserved = None
    on_hand = sums["on_hand"] or ZERO
    if not with_cost:
        return OverviewTotals(on_hand, reserved, None)
    warehouse_ids = visible_warehouse_ids(user=user, warehouse_id=warehouse_id)
    if grain == "product" and per_warehouse_costing():
        balances = stock_overview_queryset(
            user=user, group="warehouse", warehouse_id=warehouse_id, q=q, category_id=category_id, include_zero=True
        ).values_list("product_id", "warehouse_id", "on_hand")
        shown = set(rows.values_list("product_id", flat=True))
        values = _product_values(product_ids=None, warehouse_ids=warehouse_ids, balances=balances.iterator())
        return OverviewTotals(on_hand, reserved, sum((v for p, v in values.items() if p in shown), ZERO))
    costs = _unit_cost_table(product_ids=None, warehouse_ids=warehouse_ids)
    if grain in {"product", "location"}:
        keys: Iterable[tuple[int, int | None, Decimal]] = (
            (r["product_id"], r.get("warehouse_id"), r["on_hand_sum"]) for r in rows.order_by().iterator()
        )
    else:
        keys = rows.order_by().values_list("product_id", "warehouse_id", "on_hand").iterator(chunk_size=5000)
    value = sum((round_money(qty * _unit_cost(costs, p, w)) for p, w, qty in keys), ZERO)
    return OverviewTotals(on_hand, reserved, value)


def overview_export_rows(
    rows: QuerySet[Any], *, grain: str, with_cost: bool, warehouse_ids: list[int], chunk: int = 2000
) -> Iterator[OverviewRow]:
    """Every filtered row, a chunk at a time (a few queries per chunk, never one per row)."""
    offset = 0
    while True:
        part = list(rows[offset : offset + chunk])
        if not part:
            return
        yield from overview_rows(part, grain=grain, with_cost=with_cost, warehouse_ids=warehouse_ids)
        if len(part) < chunk:
            return
        offset += chunk


# Valuation


def valuation_for(
    *, user: Any, day: date, q: str = "", category_id: int | None = None, warehouse_id: int | None = None
) -> list[ValuationRow]:
    """Inventory value at the end of `day`: every cost scope for a user who sees all warehouses (goods in
    transit included), else only the stock in the user's (or the chosen) warehouses, valued like `balance_at`."""
    if getattr(user, "all_warehouses", True) and warehouse_id is None:
        return valuation_at(day=day, q=q, category_id=category_id)
    return valuation_in(
        warehouse_ids=visible_warehouse_ids(user=user, warehouse_id=warehouse_id), day=day, q=q, category_id=category_id
    )


def valuation_in(
    *, warehouse_ids: list[int], day: date, q: str = "", category_id: int | None = None
) -> list[ValuationRow]:
    """Quantity and value of the stock in these warehouses at the end of `day`: the last snapshot (a company-wide
    scope's value shared by quantity) plus the moves since; per warehouse when costed per warehouse."""
    period = last_closed_period(day)
    per_warehouse = CostState.objects.filter(warehouse__isnull=False).exists()
    condition = product_filter(q, category_id)
    group = ("product_id", "warehouse_id") if per_warehouse else ("product_id",)
    totals: dict[tuple[int, int | None], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    moves = StockMove.objects.filter(warehouse_id__in=warehouse_ids, date__lte=day).filter(condition)
    if period is not None:
        moves = moves.filter(date__gt=period.end)
        snapshot = StockSnapshot.objects.filter(period=period, warehouse_id__in=warehouse_ids).filter(condition)
        for r in snapshot.values(*group).annotate(q=Sum("quantity")):
            totals[(r["product_id"], r.get("warehouse_id"))][0] += r["q"]
        if per_warehouse:
            scopes = CostSnapshot.objects.filter(period=period, warehouse_id__in=warehouse_ids).filter(condition)
            for s in scopes:
                totals[(s.product_id, s.warehouse_id)][1] += s.value
        else:
            company_wide = CostSnapshot.objects.filter(period=period, warehouse__isnull=True).filter(condition)
            scope_of = {s.product_id: s for s in company_wide}
            for (product_id, _w), entry in totals.items():
                scope = scope_of.get(product_id)
                if scope is None or scope.quantity == 0:
                    continue
                share = entry[0]
                entry[1] += (
                    scope.value if share == scope.quantity else round_money(scope.value * share / scope.quantity)
                )
    for r in moves.values(*group).annotate(q=Sum("quantity"), v=Sum("value")):
        entry = totals[(r["product_id"], r.get("warehouse_id"))]
        entry[0] += r["q"]
        entry[1] += r["v"]
    return valuation_rows(totals)


# Alerts

_URGENCY = {"expired": 0, "expiring": 1, "below_min": 2, "above_max": 3}


def _urgency(alert: AlertRow) -> tuple[int, date, Decimal]:
    ratio = alert.quantity / alert.limit if alert.limit else ZERO
    if alert.kind == "above_max":
        ratio = -ratio
    return _URGENCY.get(alert.kind, 9), alert.expiry or date.max, ratio


def alerts_by_urgency(alerts: Iterable[AlertRow]) -> list[AlertRow]:
    """Expired lots first (oldest first), then lots about to expire, then the emptiest shelves, then overstock."""
    return sorted(alerts, key=_urgency)


def alert_counts(alerts: Iterable[AlertRow]) -> dict[str, int]:
    counts = dict.fromkeys(ALERT_KINDS, 0)
    for alert in alerts:
        counts[alert.kind] = counts.get(alert.kind, 0) + 1
    return counts


# Stock card


@dataclass(frozen=True)
class CardLine:
    """A printed line of the stock card: the opening row (承前页 on a later page), one per move, the closing row
    (过次页 on a page before the last)."""

    kind: str  # "opening", "brought_forward", "move", "carried_forward" or "closing"
    date: date
    number: str = ""
    source_type: str = ""
    source_id: int | None = None
    move_kind: str = ""
    place: str = ""
    quantity_in: Decimal | None = None
    quantity_out: Decimal | None = None
    balance: Decimal = ZERO
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    value_balance: Decimal = ZERO


def card_lines(card: StockCard) -> list[CardLine]:
    """The stock card as lines to show or export: opening balance, the moves with running balances, closing; a page
    after the first starts from the balance brought forward, a page before the last ends with it carried forward."""
    if card.page == 1:
        lines = [CardLine("opening", card.start, balance=card.opening_quantity, value_balance=card.opening_value)]
    else:
        first = card.rows[0].move.date if card.rows else card.start
        lines = [CardLine("brought_forward", first, balance=card.carried_quantity, value_balance=card.carried_value)]
    for row in card.rows:
        move = row.move
        place = f"{move.warehouse.name} {move.location.code}" + (f" {move.lot.batch_no}" if move.lot else "")
        lines.append(
            CardLine(
                "move",
                move.date,
                row.number,
                move.posting.source_type,
                move.posting.source_id,
                move.get_kind_display(),
                place,
                row.quantity_in,
                row.quantity_out,
                row.balance,
                None if row.unit_cost is None else round_price(row.unit_cost),
                move.value,
                row.value_balance,
            )
        )
    if not card.last_page:
        last = card.rows[-1]
        lines.append(
            CardLine("carried_forward", last.move.date, balance=last.balance, value_balance=last.value_balance)
        )
        return lines
    lines.append(
        CardLine(
            "closing",
            card.end,
            quantity_in=card.total_in,
            quantity_out=card.total_out,
            balance=card.closing_quantity,
            value_balance=card.closing_value,
        )
    )
    return lines


# Periods


def period_list() -> QuerySet[StockPeriod]:
    """Stock periods, latest first."""
    return StockPeriod.objects.select_related("closed_by").order_by("-start")


def period_latest_closed() -> StockPeriod | None:
    return StockPeriod.objects.filter(status=PeriodStatus.CLOSED).order_by("-end").first()


def period_next_to_close(*, today: date) -> date | None:
    """The first day of the month to close next: the month after the latest closed one, else the month of the
    first stock move, else last month; None while that month has not ended."""
    latest = period_latest_closed()
    if latest is not None:
        start = latest.end + timedelta(days=1)
    else:
        first = StockMove.objects.order_by("date").values_list("date", flat=True).first()
        start = first.replace(day=1) if first else (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    last_day = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start if last_day < today else None
