"""Reads of stock counts (盘点): the sheets a user may see, their lines, what a scan stands for, estimated values."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from jxc.accounts.selectors import company_get
from jxc.catalog.models import Product, Unit
from jxc.catalog.selectors import product_find_by_code
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import ZERO, round_money
from jxc.inventory.choices import CountStatus
from jxc.inventory.models import CostState, Location, StockCount, StockCountLine, StockMove
from jxc.inventory.selectors.warehouses import warehouse_list_for
from jxc.inventory.services.counts import CountEntry

APPROVE = "inventory.approve_stockcount"


def count_list_for(
    *, user: Any, q: str = "", status: str = "", warehouse_id: int | None = None
) -> QuerySet[StockCount]:
    """The counts of the warehouses this user may see, with how many lines they have and how many are counted."""
    counts = (
        StockCount.objects.filter(warehouse__in=warehouse_list_for(user=user).values("pk"))
        .select_related("warehouse", "created_by")
        .annotate(
            line_count=Count("lines"),
            counted_count=Count("lines", filter=Q(lines__counted_quantity__isnull=False)),
        )
    )
    if q:
        q = q.strip()
        counts = counts.filter(Q(number__icontains=q) | Q(notes__icontains=q))
    if status:
        counts = counts.filter(status=status)
    if warehouse_id:
        counts = counts.filter(warehouse_id=warehouse_id)
    return counts


def count_get_for(*, user: Any, pk: int) -> StockCount:
    """One count if its warehouse is visible to the user (raises StockCount.DoesNotExist otherwise)."""
    return (
        StockCount.objects.filter(warehouse__in=warehouse_list_for(user=user).values("pk"))
        .select_related("warehouse", "created_by", "approved_by", "posted_by")
        .prefetch_related("locations", "categories")
        .get(pk=pk)
    )


def count_lines(*, count: StockCount) -> QuerySet[StockCountLine]:
    """The lines of a count grouped by location, then product and lot, with what a sheet shows of each."""
    lines = count.lines.select_related("product__base_unit", "location", "lot", "counted_by")
    return lines.order_by("location__code", "product__sku", "lot__batch_no", "pk")


def count_line_at(*, count: StockCount, product_id: int, location_id: int, lot_id: int | None) -> StockCountLine | None:
    """The sheet's line of a product at a location (and lot), as the sheet shows it, if there is one."""
    lot = Q(lot_id=lot_id) if lot_id is not None else Q(lot__isnull=True)
    return count_lines(count=count).filter(lot, product_id=product_id, location_id=location_id).first()


def count_shows_book(*, count: StockCount, user: Any) -> bool:
    """Whether the user may see book quantities and differences: a blind count hides them from counters."""
    return not count.blind or count.status != CountStatus.COUNTING or bool(user.has_perm(APPROVE))


def count_moved_places(*, count: StockCount) -> set[tuple[int, int, int | None]]:
    """(product, location, lot) where stock moved in the count's warehouse since its book was taken.

    Reads only the moves after the snapshot (by primary key), however long the ledger is.
    """
    if count.status != CountStatus.COUNTING:
        return set()
    moves = StockMove.objects.filter(pk__gt=count.snapshot_move_id, warehouse_id=count.warehouse_id)
    return set(moves.order_by().values_list("product_id", "location_id", "lot_id").distinct())


def count_scan_locations(*, count: StockCount) -> list[Location]:
    """Where a counter of this count may scan: the count's locations, or every active location of the warehouse."""
    chosen = list(count.locations.all())
    if chosen:
        return sorted(chosen, key=lambda loc: (not loc.is_default, loc.code))
    return list(Location.objects.filter(warehouse_id=count.warehouse_id, active=True).order_by("-is_default", "code"))


@dataclass(frozen=True)
class ScanEntry:
    """What one scan stands for: the count entry to add, and the product and unit the code named."""

    entry: CountEntry
    product: Product
    unit: Unit
    factor: Decimal


def count_scan_entry(
    *, count: StockCount, code: str, location_id: int, quantity: Decimal = Decimal(1), lot_id: int | None = None
) -> ScanEntry:
    """Turn a scanned code into an entry adding `quantity` of the code's unit (a 箱 barcode adds 24 包).

    A lot-tracked product scanned without a batch takes the only batch the sheet has for it at that location.
    """
    hit = product_find_by_code(code=code)
    if hit is None:
        raise ValidationFailed.one("code", _("No product has the barcode or SKU “%(code)s”.") % {"code": code.strip()})
    if lot_id is None and hit.product.track_lots:
        lots = list(
            count.lines.filter(product=hit.product, location_id=location_id, lot__isnull=False).values_list(
                "lot_id", flat=True
            )[:2]
        )
        if len(lots) == 1:
            lot_id = lots[0]
    entry = CountEntry(
        product_id=hit.product.pk,
        location_id=location_id,
        quantity=quantity * hit.factor,
        lot_id=lot_id,
        add=True,
    )
    return ScanEntry(entry, hit.product, hit.unit, hit.factor)


def count_unit_costs(*, count: StockCount, product_ids: set[int]) -> dict[int, Decimal]:
    """The current moving-average unit cost of each product in the count's cost scope (as posting would value it)."""
    if not product_ids:
        return {}
    per_warehouse = company_get().cost_per_warehouse
    states = CostState.objects.filter(product_id__in=product_ids)
    states = states.filter(warehouse_id=count.warehouse_id) if per_warehouse else states.filter(warehouse__isnull=True)
    found = {s.product_id: s for s in states}
    prices = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "purchase_price"))
    costs = {}
    for product_id in product_ids:
        state = found.get(product_id)
        if state is not None and state.quantity != 0 and (state.quantity > 0 or state.value != 0):
            costs[product_id] = state.value / state.quantity
        elif state is not None and state.last_unit_cost is not None:
            costs[product_id] = state.last_unit_cost
        else:
            costs[product_id] = prices.get(product_id, ZERO)
    return costs


@dataclass(frozen=True)
class Variance:
    """A line with a difference and its value: posted, or estimated at the current average cost."""

    line: StockCountLine
    difference: Decimal
    value: Decimal | None

    @property
    def gain(self) -> bool:
        return self.difference > 0


@dataclass(frozen=True)
class VarianceReport:
    """The variances of a count: gains (盘盈) and losses (盘亏) with their totals; values only with view_cost."""

    gains: list[Variance]
    losses: list[Variance]
    gain_value: Decimal | None
    loss_value: Decimal | None
    posted: bool

    @property
    def net_value(self) -> Decimal | None:
        if self.gain_value is None or self.loss_value is None:
            return None
        return self.gain_value + self.loss_value


def count_variances(*, count: StockCount, lines: list[StockCountLine], with_value: bool) -> VarianceReport:
    """Split counted lines with a difference into gains and losses; value them as posted or at today's cost."""
    posted = count.status in {CountStatus.POSTED, CountStatus.REVERSED}
    differing = [ln for ln in lines if ln.difference]
    costs = count_unit_costs(count=count, product_ids={ln.product_id for ln in differing}) if with_value else {}
    gains: list[Variance] = []
    losses: list[Variance] = []
    for line in differing:
        difference: Decimal = line.difference
        value: Decimal | None = None
        if with_value:
            value = (
                line.value if posted and line.value is not None else round_money(difference * costs[line.product_id])
            )
        (gains if difference > 0 else losses).append(Variance(line, difference, value))
    return VarianceReport(
        gains=gains,
        losses=losses,
        gain_value=sum((v.value or ZERO for v in gains), ZERO) if with_value else None,
        loss_value=sum((v.value or ZERO for v in losses), ZERO) if with_value else None,
        posted=posted,
    )
