"""The one posting service every stock document uses: the stock ledger, balances, cost and serials in one go.

`stock_post` runs inside the caller's transaction. It
1. returns the earlier posting when the same source step was posted before (idempotent);
2. refuses a date in a closed period;
3. creates missing balance rows, then locks cost states, balances and quants, each in sorted key order
   (always in that order, so two postings never wait on each other in a cycle);
4. checks availability under those locks and collects every shortfall into one error;
5. values each leg by moving weighted average (see `_value_leg`) and inserts the moves with the cost state
   after each of them;
6. updates balances, quants, cost states, serial numbers and consumed reservations.
It reads only the rows it locks: no history is scanned, however long the ledger grows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jxc.accounts.models import Company, User
from jxc.accounts.services.audit import audit_queue
from jxc.catalog.models import Product
from jxc.core.db import ledger_lock, rows_update
from jxc.core.numbers import CENT, PRICE_QUANTUM, ZERO, round_money
from jxc.inventory.choices import MoveKind, PeriodStatus, ReservationStatus, SerialStatus
from jxc.inventory.errors import (
    ClosedPeriod,
    InsufficientStock,
    InvalidQuantity,
    LotExpired,
    LotNotAllowed,
    LotRequired,
    ReservationNotActive,
    SerialAlreadyInStock,
    SerialNotInStock,
    SerialsRequired,
    WrongLocation,
)
from jxc.inventory.models import (
    CostState,
    Location,
    Lot,
    Reservation,
    Serial,
    SerialMove,
    StockBalance,
    StockMove,
    StockPeriod,
    StockPosting,
    StockQuant,
    Warehouse,
)

R = TypeVar("R", CostState, StockBalance, StockQuant)


@dataclass(frozen=True)
class Source:
    """What is posting: a document and the step of it (post, ship, receive, reverse)."""

    type: str
    id: int
    number: str
    phase: str = "post"


@dataclass(frozen=True)
class Leg:
    """One movement of one product at one place, in base units (negative: out).

    Value: `value` when given (receipts; returns and reversals at their original cost); else a leg going out
    takes the moving average, and a leg coming in takes the value `pair` (the index of an out leg) took, or
    the current average (count gains).
    """

    product_id: int
    warehouse_id: int
    location_id: int
    quantity: Decimal
    kind: str
    value: Decimal | None = None
    cap_at_stock_value: bool = False
    pair: int | None = None
    lot_id: int | None = None
    unit_id: int | None = None
    unit_quantity: Decimal | None = None
    factor: Decimal = Decimal(1)
    unit_price: Decimal | None = None
    line_id: int | None = None
    serials: tuple[str, ...] = ()
    reservation_id: int | None = None
    reversal_of: int | None = None
    allow_expired: bool = False


@dataclass
class _Shortfall:
    product: Product
    place: str
    needed: Decimal
    available: Decimal

    def as_dict(self) -> dict[str, Any]:
        return {
            "product_id": self.product.pk,
            "sku": self.product.sku,
            "product": str(self.product),
            "place": self.place,
            "needed": str(self.needed),
            "available": str(self.available),
            "short": str(self.needed - self.available),
        }


@dataclass
class _State:
    products: dict[int, Product]
    warehouses: dict[int, Warehouse]
    locations: dict[int, Location]
    lots: dict[int, Lot]
    costs: dict[tuple[int, int | None], CostState]
    balances: dict[tuple[int, int], StockBalance]
    quants: dict[tuple[int, int, int, int | None], StockQuant]
    per_warehouse_cost: bool
    touched: set[tuple[str, Any]] = field(default_factory=set)


def closed_period_for(day: date) -> StockPeriod | None:
    """The latest closed period if the date lies on or before its end (periods close in order)."""
    latest = StockPeriod.objects.filter(status=PeriodStatus.CLOSED).order_by("-end").first()
    return latest if latest is not None and day <= latest.end else None


def check_open(day: date) -> None:
    """Refuse a date in (or before) a closed period. Holds the ledger lock shared until commit, so a period
    cannot close between this check and the posting's commit."""
    ledger_lock(exclusive=False)
    period = closed_period_for(day)
    if period is not None:
        raise ClosedPeriod(date=day.isoformat(), period=str(period))


def stock_post(
    *, source: Source, day: date, legs: Sequence[Leg], actor: User | None, reversal_of: StockPosting | None = None
) -> StockPosting:
    """Post the legs of one source step in the caller's transaction; posting the same step again returns it."""
    existing = StockPosting.objects.filter(source_type=source.type, source_id=source.id, phase=source.phase).first()
    if existing is not None:
        return existing
    check_open(day)
    state = _load(legs)
    _validate(legs, state, day)
    _lock(legs, state)
    _check_availability(legs, state)
    try:
        with transaction.atomic():
            posting = StockPosting.objects.create(
                source_type=source.type,
                source_id=source.id,
                source_number=source.number,
                phase=source.phase,
                date=day,
                created_by=actor if actor is not None and actor.pk else None,
                reversal_of=reversal_of,
            )
    except IntegrityError:  # the same step was posted concurrently: that posting is the result
        return StockPosting.objects.get(source_type=source.type, source_id=source.id, phase=source.phase)
    moves = _apply(posting, legs, state, day)
    created = StockMove.objects.bulk_create(moves)
    _serials(legs, created, state)
    _save(state)
    return posting


def _load(legs: Sequence[Leg]) -> _State:
    product_ids = {leg.product_id for leg in legs}
    warehouse_ids = {leg.warehouse_id for leg in legs}
    location_ids = {leg.location_id for leg in legs}
    lot_ids = {leg.lot_id for leg in legs if leg.lot_id}
    company = Company.objects.order_by("pk").only("cost_per_warehouse").first()
    return _State(
        products={p.pk: p for p in Product.objects.filter(pk__in=product_ids).select_related("base_unit")},
        warehouses={w.pk: w for w in Warehouse.objects.filter(pk__in=warehouse_ids)},
        locations={loc.pk: loc for loc in Location.objects.filter(pk__in=location_ids)},
        lots={lot.pk: lot for lot in Lot.objects.filter(pk__in=lot_ids)},
        costs={},
        balances={},
        quants={},
        per_warehouse_cost=bool(company and company.cost_per_warehouse),
    )


def _validate(legs: Sequence[Leg], state: _State, day: date) -> None:
    for leg in legs:
        product = state.products[leg.product_id]
        warehouse = state.warehouses[leg.warehouse_id]
        location = state.locations.get(leg.location_id)
        if location is None or location.warehouse_id != warehouse.pk:
            raise WrongLocation(location=getattr(location, "code", leg.location_id), warehouse=warehouse.name)
        if leg.quantity == 0 and leg.kind not in {MoveKind.COST_ADJUSTMENT, MoveKind.COST_VARIANCE}:
            raise InvalidQuantity(product=product.name)
        if product.track_lots and leg.quantity != 0 and leg.lot_id is None:
            raise LotRequired(product=product.name)
        if not product.track_lots and leg.lot_id is not None:
            raise LotNotAllowed(product=product.name)
        lot = state.lots.get(leg.lot_id) if leg.lot_id else None
        expired = lot is not None and lot.expiry_date is not None and lot.expiry_date < day
        if expired and leg.quantity < 0 and not leg.allow_expired and leg.reversal_of is None:
            assert lot is not None and lot.expiry_date is not None
            raise LotExpired(batch=lot.batch_no, product=product.name, expiry=lot.expiry_date.isoformat())
        if product.track_serials and leg.quantity != 0:
            needed = abs(leg.quantity)
            if needed != needed.to_integral_value() or len(set(leg.serials)) != needed or len(leg.serials) != needed:
                raise SerialsRequired(product=product.name, needed=needed.normalize(), given=len(set(leg.serials)))


def _scope_key(state: _State, leg: Leg) -> tuple[int, int | None]:
    return (leg.product_id, leg.warehouse_id if state.per_warehouse_cost else None)


def _quant_key(leg: Leg) -> tuple[int, int, int, int | None]:
    return (leg.product_id, leg.warehouse_id, leg.location_id, leg.lot_id)


def _sorted(keys: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return sorted(set(keys), key=lambda k: tuple(-1 if v is None else v for v in k))


def _lock(legs: Sequence[Leg], state: _State) -> None:
    """Lock cost states, balances and quants in sorted key order, creating the missing ones first."""
    scope_keys = _sorted(_scope_key(state, leg) for leg in legs)
    balance_keys = _sorted((leg.product_id, leg.warehouse_id) for leg in legs)
    quant_keys = _sorted(_quant_key(leg) for leg in legs)
    state.costs.update(_lock_rows(CostState, scope_keys, lambda k: CostState(product_id=k[0], warehouse_id=k[1])))
    state.balances.update(
        _lock_rows(StockBalance, balance_keys, lambda k: StockBalance(product_id=k[0], warehouse_id=k[1]))
    )
    state.quants.update(
        _lock_rows(
            StockQuant,
            quant_keys,
            lambda k: StockQuant(product_id=k[0], warehouse_id=k[1], location_id=k[2], lot_id=k[3]),
        )
    )


def _lock_rows(model: type[R], keys: list[tuple[Any, ...]], make: Callable[[tuple[Any, ...]], R]) -> dict[Any, R]:
    found = _locked(model, keys)
    missing = [k for k in keys if k not in found]
    if missing:  # the first posting at these keys: create the rows (a concurrent creator wins; we lock its row)
        model._default_manager.bulk_create([make(k) for k in missing], ignore_conflicts=True)
        found = _locked(model, keys)
    return found


_KEY_FIELDS: dict[type, tuple[str, ...]] = {
    CostState: ("product_id", "warehouse_id"),
    StockBalance: ("product_id", "warehouse_id"),
    StockQuant: ("product_id", "warehouse_id", "location_id", "lot_id"),
}


def _locked(model: type[R], keys: list[tuple[Any, ...]]) -> dict[Any, R]:
    """SELECT … FOR UPDATE the rows of these keys, ordered by key (rows are locked in that order)."""
    fields = _KEY_FIELDS[model]
    condition = Q()
    for key in keys:
        part = Q()
        for name, value in zip(fields, key, strict=True):
            part &= Q(**{name: value}) if value is not None else Q(**{f"{name.removesuffix('_id')}__isnull": True})
        condition |= part
    audit_queue()
    rows = model._default_manager.select_for_update(of=("self",)).filter(condition).order_by(*fields)
    return {tuple(getattr(row, name) for name in fields): row for row in rows}


def _check_availability(legs: Sequence[Leg], state: _State) -> None:
    """Every issue must find its quantity available (on hand − reserved by others) in the warehouse and at the place."""
    need_balance: dict[tuple[int, int], Decimal] = {}
    need_quant: dict[tuple[int, int, int, int | None], Decimal] = {}
    own_reserved: dict[tuple[int, int], Decimal] = {}
    for leg in legs:
        if leg.quantity >= 0 or state.warehouses[leg.warehouse_id].allow_negative_stock:
            continue
        key = (leg.product_id, leg.warehouse_id)
        need_balance[key] = need_balance.get(key, ZERO) - leg.quantity
        need_quant[_quant_key(leg)] = need_quant.get(_quant_key(leg), ZERO) - leg.quantity
        if leg.reservation_id:
            reservation = Reservation.objects.filter(pk=leg.reservation_id, status=ReservationStatus.ACTIVE).first()
            if reservation is not None:
                own_reserved[key] = own_reserved.get(key, ZERO) + min(reservation.quantity, -leg.quantity)
    shortfalls: list[_Shortfall] = []
    for key, needed in need_balance.items():
        balance = state.balances[key]
        available = balance.on_hand - (balance.reserved - own_reserved.get(key, ZERO))
        if needed > available:
            warehouse = state.warehouses[key[1]]
            shortfalls.append(_Shortfall(state.products[key[0]], warehouse.name, needed, max(available, ZERO)))
    for qkey, needed in need_quant.items():
        quant = state.quants[qkey]
        if needed > quant.on_hand and not any(s.product.pk == qkey[0] for s in shortfalls):
            location = state.locations[qkey[2]]
            lot = state.lots.get(qkey[3]) if qkey[3] else None
            place = f"{state.warehouses[qkey[1]].name} {location.code}" + (f" {lot.batch_no}" if lot else "")
            shortfalls.append(_Shortfall(state.products[qkey[0]], place, needed, max(quant.on_hand, ZERO)))
    if shortfalls:
        summary = "; ".join(
            f"{s.product} @ {s.place} short {(s.needed - s.available).normalize():f}" for s in shortfalls
        )
        raise InsufficientStock(summary=summary, items=[s.as_dict() for s in shortfalls])


def _average_out(cost: CostState, quantity: Decimal, product: Product) -> Decimal:
    """The value `quantity` base units take when they leave a scope (moving weighted average).

    q < Q: V·q/Q rounded half up to the cent; q == Q: all of V (so Q = 0 ⇒ V = 0).
    Beyond Q (negative stock, where the warehouse allows it) the extra units take the last unit cost.
    """
    if cost.quantity > 0:
        if quantity < cost.quantity:
            return round_money(cost.value * quantity / cost.quantity)
        extra = quantity - cost.quantity
        return cost.value + round_money(extra * _unit_cost(cost, product))
    return round_money(quantity * _unit_cost(cost, product))


def _unit_cost(cost: CostState, product: Product) -> Decimal:
    if cost.quantity > 0:
        return cost.value / cost.quantity
    if cost.quantity < 0 and cost.value != 0:
        return cost.value / cost.quantity
    if cost.last_unit_cost is not None:
        return cost.last_unit_cost
    return product.purchase_price


def _value_leg(leg: Leg, cost: CostState, product: Product, values: list[Decimal]) -> Decimal:
    if leg.value is not None:
        if leg.quantity < 0 and leg.cap_at_stock_value:  # purchase returns: their receipt cost, never more than V
            if -leg.quantity == cost.quantity:
                return -cost.value
            return -min(round_money(-leg.value), max(cost.value, ZERO))
        return round_money(leg.value)
    if leg.quantity < 0:
        return -_average_out(cost, -leg.quantity, product)
    if leg.pair is not None:
        return -values[leg.pair]
    return round_money(leg.quantity * _unit_cost(cost, product))


def _apply(posting: StockPosting, legs: Sequence[Leg], state: _State, day: date) -> list[StockMove]:
    moves: list[StockMove] = []
    values: list[Decimal] = []
    for leg in legs:
        product = state.products[leg.product_id]
        cost = state.costs[_scope_key(state, leg)]
        value = _value_leg(leg, cost, product, values)
        values.append(value)
        before_quantity = cost.quantity
        cost.quantity += leg.quantity
        cost.value += value
        moves.append(_move(posting, leg, product, day, leg.quantity, value, cost, leg.kind))
        variance = _variance(cost, before_quantity, leg, value)
        if variance:
            cost.value += variance
            variance_leg = Leg(leg.product_id, leg.warehouse_id, leg.location_id, ZERO, MoveKind.COST_VARIANCE)
            moves.append(_move(posting, variance_leg, product, day, ZERO, variance, cost, MoveKind.COST_VARIANCE))
        if cost.quantity > 0:
            cost.last_unit_cost = (cost.value / cost.quantity).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_UP)
        balance = state.balances[(leg.product_id, leg.warehouse_id)]
        balance.on_hand += leg.quantity
        balance.version += 1
        state.quants[_quant_key(leg)].on_hand += leg.quantity
        if leg.reservation_id:
            _consume_reservation(leg, balance)
    return moves


def _variance(cost: CostState, before_quantity: Decimal, leg: Leg, value: Decimal) -> Decimal:
    """Keep the cost state meaningful: Q = 0 ⇒ V = 0, and no negative value on positive stock.

    After a receipt into negative stock the units left over are valued at the receipt's unit cost; what the
    earlier issues took at the assumed cost is corrected by a value-only cost-variance move.
    """
    if cost.quantity == 0:
        return -cost.value
    if before_quantity < 0 < leg.quantity and cost.quantity > 0:
        expected = round_money(value / leg.quantity * cost.quantity)
        return expected - cost.value
    if cost.quantity > 0 and cost.value < 0:
        return -cost.value
    return ZERO


def _move(
    posting: StockPosting,
    leg: Leg,
    product: Product,
    day: date,
    quantity: Decimal,
    value: Decimal,
    cost: CostState,
    kind: str,
) -> StockMove:
    unit_quantity = leg.unit_quantity if leg.unit_quantity is not None and quantity else quantity / leg.factor
    return StockMove(
        posting=posting,
        date=day,
        kind=kind,
        product_id=leg.product_id,
        warehouse_id=leg.warehouse_id,
        location_id=leg.location_id,
        lot_id=leg.lot_id,
        quantity=quantity,
        value=value,
        unit_id=leg.unit_id or product.base_unit_id,
        unit_quantity=unit_quantity.quantize(Decimal("0.000001")),
        factor=leg.factor,
        unit_price=leg.unit_price,
        scope_quantity=cost.quantity,
        scope_value=cost.value,
        line_id=leg.line_id,
        reversal_of_id=leg.reversal_of,
    )


def _consume_reservation(leg: Leg, balance: StockBalance) -> None:
    assert leg.reservation_id is not None
    reservation = Reservation.objects.select_for_update(of=("self",)).get(pk=leg.reservation_id)
    if reservation.status != ReservationStatus.ACTIVE:
        raise ReservationNotActive(status=reservation.get_status_display())
    consumed = min(reservation.quantity, -leg.quantity)
    balance.reserved -= consumed
    if consumed == reservation.quantity:
        reservation.status = ReservationStatus.CONSUMED
        reservation.save(update_fields=["status"])
    else:
        reservation.quantity -= consumed
        reservation.save(update_fields=["quantity"])
        Reservation.objects.create(
            product_id=reservation.product_id,
            warehouse_id=reservation.warehouse_id,
            quantity=consumed,
            status=ReservationStatus.CONSUMED,
            source_type=reservation.source_type,
            source_id=reservation.source_id,
            source_line_id=reservation.source_line_id,
            source_number=reservation.source_number,
        )


def _serials(legs: Sequence[Leg], moves: list[StockMove], state: _State) -> None:
    """Serial numbers follow their moves: in stock at the place after a receipt, out after an issue."""
    by_leg = iter(m for m in moves if m.kind != MoveKind.COST_VARIANCE)
    links: list[SerialMove] = []
    for leg, move in zip(legs, by_leg, strict=True):
        if not leg.serials:
            continue
        product = state.products[leg.product_id]
        existing = {
            s.serial_no: s
            for s in Serial.objects.select_for_update(of=("self",)).filter(product=product, serial_no__in=leg.serials)
        }
        for number in leg.serials:
            serial = existing.get(number)
            if leg.quantity > 0:
                if serial is not None and serial.status == SerialStatus.IN_STOCK:
                    raise SerialAlreadyInStock(serial=number, product=product.name)
                if serial is None:
                    serial = Serial(product=product, serial_no=number)
                serial.status = SerialStatus.IN_STOCK
                serial.warehouse_id, serial.location_id, serial.lot_id = leg.warehouse_id, leg.location_id, leg.lot_id
                serial.save()
            else:
                here = (
                    serial is not None
                    and serial.status == SerialStatus.IN_STOCK
                    and serial.location_id == leg.location_id
                    and serial.lot_id == leg.lot_id
                )
                if not here:
                    place = f"{state.warehouses[leg.warehouse_id].name} {state.locations[leg.location_id].code}"
                    raise SerialNotInStock(serial=number, product=product.name, place=place)
                assert serial is not None
                serial.status = SerialStatus.OUT
                serial.save(update_fields=["status"])
            links.append(SerialMove(serial=serial, move=move))
    if links:
        SerialMove.objects.bulk_create(links)


def _save(state: _State) -> None:
    """Write back every locked row: one prepared UPDATE per table, run for each of its rows."""
    rows_update(CostState, list(state.costs.values()), ["quantity", "value", "last_unit_cost"])
    now = timezone.now()
    for balance in state.balances.values():
        balance.updated_at = now
    rows_update(StockBalance, list(state.balances.values()), ["on_hand", "reserved", "version", "updated_at"])
    rows_update(StockQuant, list(state.quants.values()), ["on_hand"])


__all__ = ["CENT", "Leg", "Source", "check_open", "closed_period_for", "stock_post"]
