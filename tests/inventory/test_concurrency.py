"""Many clients at once on PostgreSQL: never oversell, never deadlock, the checker always passes."""

import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from jxc.core.invariants import invariants_check
from jxc.inventory.errors import InsufficientStock
from jxc.inventory.models import Reservation, StockBalance
from jxc.inventory.services.reservations import reservation_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run(workers: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run `work(i)` in `workers` threads released together; collect results and errors."""
    barrier = threading.Barrier(workers)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            result = work(i)
            with lock:
                results.append(result)
        except BaseException as error:  # handed to the main thread
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_fifty_threads_issue_one_of_the_last_ten_units(stock, noodles):
    stock.receive(noodles, 10, "25.00")
    results, errors = _run(50, lambda i: stock.issue(noodles, 1))
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

    results, errors = _run(20, move)
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

    results, errors = _run(12, reserve)
    assert len(results) == 3 and all(isinstance(e, InsufficientStock) for e in errors)
    balance = StockBalance.objects.get(product=noodles, warehouse=stock.warehouse)
    assert balance.reserved == 9 and balance.on_hand == 10
    assert invariants_check()[1] == []
