"""Invariants of the stock ledger (DESIGN §5), run by `jxc check` and after every test.

The ledger is the truth; balances, quants and cost states are caches that must equal sums over it.
These checks read whole tables on purpose: they are the proof, not a hot path.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Count, F, Sum

from jxc.catalog.models import Product
from jxc.core.invariants import invariant
from jxc.inventory.choices import ReservationStatus, SerialStatus
from jxc.inventory.models import CostState, Reservation, Serial, StockBalance, StockMove, StockQuant, Warehouse

ZERO = Decimal(0)


@invariant("stock_quants")
def quants_equal_moves() -> Iterator[str]:
    """On hand per product × warehouse × location × lot = Σ move quantities there."""
    sums = {
        (r["product_id"], r["warehouse_id"], r["location_id"], r["lot_id"]): r["q"]
        for r in StockMove.objects.values("product_id", "warehouse_id", "location_id", "lot_id").annotate(
            q=Sum("quantity")
        )
    }
    for quant in StockQuant.objects.all():
        key = (quant.product_id, quant.warehouse_id, quant.location_id, quant.lot_id)
        expected = sums.pop(key, ZERO)
        if quant.on_hand != expected:
            yield f"quant {key}: on hand {quant.on_hand} but moves sum to {expected}"
    for key, expected in sums.items():
        if expected != 0:
            yield f"quant {key}: moves sum to {expected} but there is no quant row"


@invariant("stock_move_dates")
def moves_dated_as_their_postings() -> Iterator[str]:
    """Every move has its posting's date (reports find a date range's moves through their postings)."""
    for move_id, day, posted in StockMove.objects.exclude(date=F("posting__date")).values_list(
        "pk", "date", "posting__date"
    )[:20]:
        yield f"move #{move_id} is dated {day} but its posting {posted}"


@invariant("stock_balances")
def balances_equal_moves() -> Iterator[str]:
    """On hand per product × warehouse = Σ move quantities; 0 ≤ reserved ≤ on hand; reserved = Σ active reservations."""
    sums = {
        (r["product_id"], r["warehouse_id"]): r["q"]
        for r in StockMove.objects.values("product_id", "warehouse_id").annotate(q=Sum("quantity"))
    }
    reserved = {
        (r["product_id"], r["warehouse_id"]): r["q"]
        for r in Reservation.objects.filter(status=ReservationStatus.ACTIVE)
        .values("product_id", "warehouse_id")
        .annotate(q=Sum("quantity"))
    }
    negative_ok = set(Warehouse.objects.filter(allow_negative_stock=True).values_list("pk", flat=True))
    for balance in StockBalance.objects.all():
        key = (balance.product_id, balance.warehouse_id)
        expected = sums.pop(key, ZERO)
        if balance.on_hand != expected:
            yield f"balance {key}: on hand {balance.on_hand} but moves sum to {expected}"
        if balance.reserved != reserved.pop(key, ZERO):
            yield f"balance {key}: reserved {balance.reserved} differs from the active reservations"
        if balance.reserved < 0 or (balance.warehouse_id not in negative_ok and balance.reserved > balance.on_hand):
            yield f"balance {key}: reserved {balance.reserved} outside 0…{balance.on_hand}"
        if balance.on_hand < 0 and balance.warehouse_id not in negative_ok:
            yield f"balance {key}: negative stock {balance.on_hand} in a warehouse that refuses it"
    for key, expected in sums.items():
        if expected != 0:
            yield f"balance {key}: moves sum to {expected} but there is no balance row"
    for key, quantity in reserved.items():
        yield f"balance {key}: {quantity} reserved by active reservations but there is no balance row"


@invariant("stock_cost")
def cost_states_equal_moves() -> Iterator[str]:
    """Q and V per cost scope = Σ move quantities and values; Q = 0 ⇒ V = 0."""
    per_warehouse = CostState.objects.filter(warehouse__isnull=False).exists()
    group = ("product_id", "warehouse_id") if per_warehouse else ("product_id",)
    sums = {
        tuple(r[g] for g in group): (r["q"], r["v"])
        for r in StockMove.objects.values(*group).annotate(q=Sum("quantity"), v=Sum("value"))
    }
    for cost in CostState.objects.all():
        key = (cost.product_id, cost.warehouse_id) if per_warehouse else (cost.product_id,)
        q, v = sums.pop(key, (ZERO, ZERO))
        if (cost.quantity, cost.value) != (q, v):
            yield f"cost {key}: Q={cost.quantity} V={cost.value} but moves sum to Q={q} V={v}"
        if cost.quantity == 0 and cost.value != 0:
            yield f"cost {key}: Q = 0 but V = {cost.value}"
    for key, (q, v) in sums.items():
        if q != 0 or v != 0:
            yield f"cost {key}: moves sum to Q={q} V={v} but there is no cost state"


@invariant("stock_serials")
def serials_match_quants() -> Iterator[str]:
    """For serial-tracked products, the serial numbers in stock at each place = the quantity there."""
    tracked = Product.objects.filter(track_serials=True).values("pk")
    counts = {
        (r["product_id"], r["location_id"], r["lot_id"]): r["n"]
        for r in Serial.objects.filter(status=SerialStatus.IN_STOCK, product__in=tracked)
        .values("product_id", "location_id", "lot_id")
        .annotate(n=Count("pk"))
    }
    for quant in StockQuant.objects.filter(product__in=tracked).exclude(on_hand=0):
        key = (quant.product_id, quant.location_id, quant.lot_id)
        if counts.pop(key, 0) != quant.on_hand:
            yield f"serials {key}: {quant.on_hand} on hand but another number of serials in stock"
    for key, n in counts.items():
        yield f"serials {key}: {n} serials in stock where nothing is on hand"


@invariant("stock_reversals")
def reversals_negate_exactly() -> Iterator[str]:
    """Each reversal move negates its original exactly (same product, place, lot; opposite quantity and value)."""
    pairs = StockMove.objects.filter(reversal_of__isnull=False).select_related("reversal_of")
    for move in pairs.iterator(chunk_size=2000):
        original = move.reversal_of
        assert original is not None
        same_place = (move.product_id, move.warehouse_id, move.location_id, move.lot_id) == (
            original.product_id,
            original.warehouse_id,
            original.location_id,
            original.lot_id,
        )
        if not same_place or move.quantity != -original.quantity or move.value != -original.value:
            yield f"move #{move.pk} does not negate #{original.pk} exactly"
