"""Payments settling the same document at the same moment on PostgreSQL: the document is never over-allocated; the
losers get OverAllocated and write nothing."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from jxc.core.invariants import invariants_check
from jxc.finance.choices import Direction
from jxc.finance.models import CashEntry, Payment
from jxc.finance.services.payments import PaymentData, payment_apply, payment_post
from jxc.partners.errors import OverAllocated
from jxc.partners.models import Allocation, PartnerEntry
from jxc.partners.services.allocation import Share
from tests.finance.conftest import DAY
from tests.helpers import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _allocated_to(item_id: int) -> D:
    active = Allocation.objects.filter(debit_id=item_id, released_at__isnull=True)
    return sum((a.amount for a in active), D(0))


def test_ten_receipts_for_the_same_shipment_never_over_allocate(books: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")  # 35.00 owed
    item = books.item(shipment).pk

    def pay(i: int) -> Payment:
        data = PaymentData(
            direction=Direction.IN,
            partner_id=books.customer.pk,
            amount=D("10.00"),
            date=DAY,
            shares=[Share(item, D("10.00"))],
        )
        return payment_post(actor=books.owner, data=data)

    results, errors = run_together(10, pay)
    assert len(results) == 3 and len(errors) == 7, errors[:2]
    assert all(isinstance(e, OverAllocated) for e in errors), errors[:2]
    assert _allocated_to(item) == D("30.00") and books.open(shipment) == D("5.00")
    assert Payment.objects.count() == 3 and CashEntry.objects.count() == 3
    assert PartnerEntry.objects.filter(source_type="finance.payment").count() == 3
    assert books.balance() == D("5.00")
    assert invariants_check()[1] == []


def test_prepayments_applied_at_once_to_one_shipment(books: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    item = books.item(shipment).pk
    prepaid = [books.pay("20.00", shares=[]) for _ in range(6)]
    before = Allocation.objects.count()

    def apply(i: int) -> Payment:
        return payment_apply(actor=books.owner, payment=prepaid[i], shares=[Share(item, D("20.00"))], day=DAY)

    results, errors = run_together(6, apply)
    assert len(results) == 1 and len(errors) == 5 and all(isinstance(e, OverAllocated) for e in errors), errors[:2]
    assert Allocation.objects.count() == before + 1 and _allocated_to(item) == D("20.00")
    assert books.open(shipment) == D("15.00")
    assert invariants_check()[1] == []


def test_automatic_receipts_at_once_settle_exactly_the_debt(books: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    item = books.item(shipment).pk

    def pay(i: int) -> Payment:
        data = PaymentData(direction=Direction.IN, partner_id=books.customer.pk, amount=D("10.00"), date=DAY)
        return payment_post(actor=books.owner, data=data)

    results, errors = run_together(8, pay)
    assert len(results) == 8 and errors == []
    assert _allocated_to(item) == D("35.00") and books.open(shipment) == D(0)
    assert books.balance() == D("-45.00")  # 80.00 received, 35.00 owed: 45.00 prepaid
    assert invariants_check()[1] == []
