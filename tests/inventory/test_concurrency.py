"""Many clients at once on PostgreSQL: never oversell, never deadlock, the checker always passes."""

from decimal import Decimal
from typing import Any

import pytest

from jxc.core.invariants import invariants_check
from jxc.inventory.errors import InsufficientStock
from jxc.inventory.models import Reservation, StockBalance
from jxc.inventory.services.reservations import reservation_create
from tests.helpers import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_threads_issue_one_of_the_last_ten_units(stock, noodles):
    stock.receive(noodles, 10, "25.00")
    results, errors = run_together(50, lambda i: stock.issue(noodles, 1))
    assert len(results) == 10
    assert len(errors) == 40 and all(isinstance(e, InsufficientStock) for e in errors), errors[:3]
    assert stock.on_hand(noodles) == 0
    assert invariants_check()[1] == []


def test_transfers_in_opposite_directions_at_once_never_deadlock(stock, noodles, make_product, make_warehouse):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 100, "250.00", location="A-01")
    stock.receive(water, 100, "95.00", location="A-01")
    stock.receive(noodles, 100, "250.00", location="A-02")
    stock.receive(water, 100, "95.00", location="A-02")

    def move(i: int) -> Any:
        source, target = ("A-01", "A-02") if i % 2 else ("A-02", "A-01")
        first, second = (noodles, water) if i % 2 else (water, noodles)
        stock.transfer(first, 1, source=source, target=target)
        return stock.transfer(second, 1, source=source, target=target)

    results, errors = run_together(20, move)
    assert errors == [] and len(results) == 20
    assert stock.on_hand(noodles) == 200 and stock.on_hand(water) == 200
    assert invariants_check()[1] == []


def test_reservations_never_exceed_what_is_on_hand(stock, noodles):
    stock.receive(noodles, 10, "25.00")

    def reserve(i: int) -> Reservation:
        return reservation_create(
            product=noodles,
            warehouse=stock.warehouse,
            quantity=Decimal(3),
            source_type="test",
            source_id=i,
            source_line_id=i,
        )

    results, errors = run_together(12, reserve)
    assert len(results) == 3 and all(isinstance(e, InsufficientStock) for e in errors)
    balance = StockBalance.objects.get(product=noodles, warehouse=stock.warehouse)
    assert balance.reserved == 9 and balance.on_hand == 10
    assert invariants_check()[1] == []
