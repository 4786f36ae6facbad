"""Receipts of payment allocated to shipments: oldest first, by hand, prepaid, reversed."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from jxc.finance.services.payments import payment_allocated, payment_reverse


def test_payment_allocates_oldest_first_and_keeps_the_rest_prepaid(books: Any) -> None:
    books.stock()
    first, second = books.ship(10, "3.50"), books.ship(20, "3.50")
    payment = books.pay("120.00")  # 35.00 + 70.00 owed
    assert books.open(first) == D("0.00") and books.open(second) == D("0.00")
    assert payment_allocated(payment=payment) == D("105.00") and books.open(payment) == D("-15.00")
    assert books.balance() == D("-15.00")  # a prepayment (预收) of 15.00


def test_payment_reversal_undoes_its_allocations(books: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    payment = books.pay("35.00", shares=[(shipment, "20.00")])
    assert books.open(shipment) == D("15.00")
    payment_reverse(actor=books.owner, payment=payment, day=payment.date)
    assert books.open(shipment) == D("35.00") and books.balance() == D("35.00")
