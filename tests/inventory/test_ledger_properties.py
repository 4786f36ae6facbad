"""Property test: random streams of receipts, issues, transfers, returns, counts and reversals.

Each stream runs through the real posting service and, beside it, through a small reference model of the
costing rules (DESIGN §5). After every stream, quantities and values agree with the model to the cent and
the checker finds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jxc.core.invariants import invariants_check
from jxc.inventory.choices import MoveKind
from jxc.inventory.errors import InsufficientStock
from jxc.inventory.models import CostState, StockPosting, StockQuant
from jxc.inventory.services.posting import Leg, Source, stock_post
from jxc.inventory.services.reversal import posting_reverse
from tests.conftest import raw_sql
from tests.inventory.conftest import DAY

CENT = Decimal("0.01")
LOCATIONS = ("DEFAULT", "A-01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Model:
    """What the ledger should say: on hand per (product, location) and Q, V per product."""

    on_hand: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    cost: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)
    last_unit: dict[int, Decimal] = field(default_factory=dict)

    def qty(self, product: int, location: str) -> Decimal:
        return self.on_hand.get((product, location), Decimal(0))

    def _move(self, product: int, location: str, q: Decimal, v: Decimal) -> None:
        Q, V = self.cost.get(product, (Decimal(0), Decimal(0)))
        Q, V = Q + q, V + v
        if Q == 0 or (Q > 0 and V < 0):
            V = Decimal("0.00")  # the variance rule
        self.cost[product] = (Q, V)
        if Q > 0:
            self.last_unit[product] = (V / Q).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
        self.on_hand[(product, location)] = self.qty(product, location) + q

    def out_value(self, product: int, q: Decimal) -> Decimal:
        Q, V = self.cost[product]
        return V if q == Q else money(V * q / Q)

    def unit_cost(self, product: int, default: Decimal) -> Decimal:
        Q, V = self.cost.get(product, (Decimal(0), Decimal(0)))
        return V / Q if Q > 0 else self.last_unit.get(product, default)


operation = st.one_of(
    st.tuples(st.just("receive"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 40), st.integers(0, 50_000)),
    st.tuples(st.just("issue"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 30)),
    st.tuples(st.just("transfer"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 20)),
    st.tuples(st.just("return"), st.integers(0, 1), st.integers(0, 1), st.integers(1, 5), st.integers(0, 5_000)),
    st.tuples(st.just("count"), st.integers(0, 1), st.integers(0, 1), st.integers(0, 40)),
    st.tuples(st.just("reverse"), st.integers(0, 30)),
)


@pytest.fixture
def two_products(make_product):
    return [make_product(sku=f"P{i}", name=f"商品{i}", purchase_price=Decimal("1.25")) for i in range(2)]


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(stream=st.lists(operation, min_size=1, max_size=30))
def test_random_streams_agree_with_the_reference_model(stock, two_products, stream):
    stock.products = two_products
    with transaction.atomic():  # every stream starts from an empty ledger
        _replay(stock, stream)
        transaction.set_rollback(True)


def _replay(stock, stream) -> None:
    products = stock.products
    warehouse = stock.warehouse
    locations = {code: stock.location(code) for code in LOCATIONS}
    model = Model()
    posted: list[tuple[StockPosting, list[tuple[int, str, Decimal, Decimal]]]] = []
    reversed_ids: set[int] = set()
    for n, op in enumerate(stream, start=1):
        source = Source("property", n, f"T{n}")

        def leg(
            product_index: int,
            location: str,
            quantity: Decimal,
            kind: str,
            value: Decimal | None = None,
            pair: int | None = None,
        ) -> Leg:
            return Leg(
                product_id=products[product_index].pk,
                warehouse_id=warehouse.pk,
                location_id=locations[location].pk,
                quantity=quantity,
                kind=kind,
                value=value,
                pair=pair,
            )

        kind = op[0]
        if kind == "reverse":
            candidates = [p for p in posted if p[0].pk not in reversed_ids]
            if not candidates:
                continue
            posting, effects = candidates[op[1] % len(candidates)]
            shortage = any(q > 0 and model.qty(p, loc) < q for p, loc, q, _v in effects)
            try:
                with transaction.atomic():  # each posting is its own transaction, as in the services
                    posting_reverse(posting=posting, source=source, day=DAY, actor=None)
            except InsufficientStock:
                assert shortage
                continue
            assert not shortage
            reversed_ids.add(posting.pk)
            for p, loc, q, v in reversed(effects):
                model._move(p, loc, -q, -v)
            continue
        index, loc_index = op[1], op[2]
        product_id = products[index].pk
        location = LOCATIONS[loc_index]
        if kind in {"receive", "return"}:
            q, v = Decimal(op[3]), Decimal(op[4]) / 100
            legs = [leg(index, location, q, MoveKind.RECEIPT if kind == "receive" else MoveKind.SALES_RETURN, v)]
            expected = [(product_id, location, q, v)]
        elif kind == "issue":
            q = Decimal(op[3])
            if model.qty(product_id, location) < q:
                with pytest.raises(InsufficientStock), transaction.atomic():
                    stock_post(source=source, day=DAY, legs=[leg(index, location, -q, MoveKind.ISSUE)], actor=None)
                continue
            legs = [leg(index, location, -q, MoveKind.ISSUE)]
            expected = [(product_id, location, -q, -model.out_value(product_id, q))]
        elif kind == "transfer":
            q, target = Decimal(op[3]), LOCATIONS[1 - loc_index]
            if model.qty(product_id, location) < q:
                continue
            out = model.out_value(product_id, q)
            legs = [
                leg(index, location, -q, MoveKind.TRANSFER_OUT),
                leg(index, target, q, MoveKind.TRANSFER_IN, pair=0),
            ]
            expected = [(product_id, location, -q, -out), (product_id, target, q, out)]
        else:  # count: the counted quantity replaces the book, the difference at current cost
            difference = Decimal(op[3]) - model.qty(product_id, location)
            if difference == 0:
                continue
            if difference > 0:
                value = money(difference * model.unit_cost(product_id, products[index].purchase_price))
            else:
                value = -model.out_value(product_id, -difference)
            kind_ = MoveKind.COUNT_GAIN if difference > 0 else MoveKind.COUNT_LOSS
            legs = [leg(index, location, difference, kind_)]
            expected = [(product_id, location, difference, value)]
        posting = stock_post(source=source, day=DAY, legs=legs, actor=None)
        for p, loc, q, v in expected:
            model._move(p, loc, q, v)
        posted.append(
            (
                posting,
                [
                    (m.product_id, _code(m.location_id, locations), m.quantity, m.value)
                    for m in posting.moves.order_by("pk")
                ],
            )
        )
        assert [(m.quantity, m.value) for m in posting.moves.exclude(kind=MoveKind.COST_VARIANCE).order_by("pk")] == [
            (q, v) for _p, _l, q, v in expected
        ]
    for product in products:
        state = CostState.objects.filter(product=product).first()
        actual = (state.quantity, state.value) if state else (Decimal(0), Decimal("0.00"))
        assert actual == model.cost.get(product.pk, (Decimal(0), Decimal("0.00")))
        for code, location in locations.items():
            quant = StockQuant.objects.filter(product=product, location=location).first()
            assert (quant.on_hand if quant else 0) == model.qty(product.pk, code)
    assert invariants_check()[1] == []


def _code(location_id: int, locations: dict[str, object]) -> str:
    return next(code for code, loc in locations.items() if loc.pk == location_id)  # type: ignore[attr-defined]


def test_the_check_finds_a_move_not_dated_as_its_posting(stock, noodles):
    document = stock.receive(noodles, 10, "25.00")
    assert invariants_check(only=["stock_move_dates"])[1] == []
    posting = StockPosting.objects.get(source_id=document.pk)
    table = StockPosting._meta.db_table
    raw_sql(f"UPDATE {table} SET date = %s WHERE id = %s", [DAY.replace(day=1), posting.pk])
    _ran, violations = invariants_check(only=["stock_move_dates"])
    assert len(violations) == 1 and f"is dated {DAY}" in violations[0].message
    raw_sql(f"UPDATE {table} SET date = %s WHERE id = %s", [DAY, posting.pk])  # as it was, for the check after it
