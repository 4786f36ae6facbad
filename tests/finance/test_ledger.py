"""The partner account and the ageing (账龄) of receivables, computed by hand: buckets by due date, a partly paid
document, a prepayment, as of dates in the past; the overdue lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace
from typing import Any

import pytest

from jxc.finance.selectors import ageing as ageing_module
from jxc.finance.selectors.ageing import ageing, days_past_due, due_items
from jxc.finance.selectors.ledger import account_totals, open_items, partner_account, partner_entries, source_url
from jxc.finance.services.payments import payment_reverse
from jxc.partners.models import Account

# Terms are 30 days: each shipment falls due 30 days after its date.
S1, S2, S3, S4, S5 = date(2026, 6, 1), date(2026, 8, 1), date(2026, 9, 10), date(2026, 10, 21), date(2026, 11, 10)


@pytest.fixture
def trade(books: Any) -> SimpleNamespace:
    return trade_of(books)


def trade_of(books: Any) -> SimpleNamespace:
    """Five shipments (35.00, 70.00, 17.50, 7.00, 3.50 due 07-01, 08-31, 10-10, 11-20, 12-10); on 11-05 a payment
    of 45.00 settles the first and 10.00 of the second; on 11-15 a prepayment of 20.00 stays unapplied."""
    books.stock(day=date(2026, 5, 1))
    docs = [books.ship(q, "3.50", day=d) for q, d in ((10, S1), (20, S2), (5, S3), (2, S4), (1, S5))]
    paid = books.pay("45.00", shares=[(docs[0], "35.00"), (docs[1], "10.00")], day=date(2026, 11, 5))
    prepaid = books.pay("20.00", shares=[], day=date(2026, 11, 15))
    return SimpleNamespace(docs=docs, paid=paid, prepaid=prepaid)


def buckets(row: Any) -> tuple[D, ...]:
    return (row.not_due, row.days_0_30, row.days_31_60, row.days_61_90, row.over_90, row.credits, row.total)


def test_ageing_by_due_date_with_a_partly_paid_document_and_a_prepayment(books, trade):
    result = ageing(account=Account.RECEIVABLE, as_of=date(2026, 11, 20))
    (row,) = result.rows
    # S4 is due on the day: 0 days past due, in 0–30; S2 (due 08-31) is 81 days past due with 60.00 left.
    assert buckets(row) == (D("3.50"), D("7.00"), D("17.50"), D("60.00"), D("0.00"), D("-20.00"), D("68.00"))
    assert row.total == books.balance() and buckets(result.totals) == buckets(row)
    assert ageing(account=Account.RECEIVABLE).totals.total == books.balance()  # today: the open items as they stand


def test_ageing_as_of_a_past_date_counts_what_was_dated_and_allocated_by_then(books, trade):
    (before_payments,) = ageing(account=Account.RECEIVABLE, as_of=date(2026, 11, 1)).rows
    # Four shipments dated by then, nothing paid: S1 123 days past due, S2 62, S3 22, S4 not due yet.
    assert buckets(before_payments) == (D("7.00"), D("17.50"), D(0), D("70.00"), D("35.00"), D(0), D("129.50"))
    (between,) = ageing(account=Account.RECEIVABLE, as_of=date(2026, 11, 10)).rows
    # After the payment, before the prepayment; S3 (due 10-10) is 31 days past due: 31–60.
    assert buckets(between) == (D("10.50"), D(0), D("17.50"), D("60.00"), D(0), D(0), D("88.00"))


def test_today_and_the_past_formula_agree(books, trade, monkeypatch):
    later = date(2026, 12, 15)
    current = ageing(account=Account.RECEIVABLE, as_of=later)
    monkeypatch.setattr(ageing_module, "timezone", SimpleNamespace(localdate=lambda: date(2027, 6, 1)))
    historical = ageing(account=Account.RECEIVABLE, as_of=later)
    expected = (D(0), D("10.50"), D(0), D("17.50"), D("60.00"), D("-20.00"), D("68.00"))
    assert buckets(current.rows[0]) == buckets(historical.rows[0]) == expected


def test_a_payment_reversed_later_leaves_the_total_the_balance_of_the_day(books):
    books.stock(day=date(2026, 5, 1))
    shipment = books.ship(10, "3.50", day=S4)
    payment = books.pay("35.00", day=date(2026, 11, 5))
    payment_reverse(actor=books.owner, payment=payment, day=date(2026, 11, 18))
    (on_the_fifth,) = ageing(account=Account.RECEIVABLE, as_of=date(2026, 11, 10)).rows
    # The allocation was undone: the document shows open, the payment as an unapplied credit; the total is 0.
    assert (on_the_fifth.not_due, on_the_fifth.credits, on_the_fifth.total) == (D("35.00"), D("-35.00"), D(0))
    (after,) = ageing(account=Account.RECEIVABLE, as_of=date(2026, 11, 20)).rows
    assert buckets(after) == (D(0), D("35.00"), D(0), D(0), D(0), D(0), D("35.00"))
    assert books.open(shipment) == D("35.00")


def test_payables_and_a_partner_with_nothing_open_is_left_out(books, trade):
    books.receive(10, "2.00", day=date(2026, 11, 1))
    result = ageing(account=Account.PAYABLE, as_of=date(2026, 11, 20))
    assert [r.partner for r in result.rows] == [books.supplier.name] and result.rows[0].not_due == D("20.00")
    books.pay("20.00", direction="out", day=date(2026, 11, 2))
    assert ageing(account=Account.PAYABLE, as_of=date(2026, 11, 20)).rows == []


def test_ageing_reads_a_fixed_number_of_queries(books, make_partner, django_assert_max_num_queries):
    books.stock(day=date(2026, 5, 1))
    for i in range(6):
        books.ship(1, "3.50", day=S2, customer=make_partner(f"客户{i}"))
    with django_assert_max_num_queries(3):
        result = ageing(account=Account.RECEIVABLE, as_of=date(2026, 11, 20))
    assert len(result.rows) == 6 and result.totals.over_90 == D("21.00")
    with django_assert_max_num_queries(3):
        ageing(account=Account.RECEIVABLE, as_of=date(2027, 11, 20))


def test_overdue_receivables_and_payables_falling_due(books, trade):
    on = date(2026, 11, 20)
    overdue = list(due_items(account=Account.RECEIVABLE, as_of=on))
    assert [(i.entry.source_number, i.open, days_past_due(i, on)) for i in overdue] == [
        (trade.docs[1].number, D("60.00"), 81),
        (trade.docs[2].number, D("17.50"), 41),
    ]
    receipt = books.receive(10, "2.00", day=date(2026, 10, 25))  # due 11-24
    assert list(due_items(account=Account.PAYABLE, as_of=on)) == []
    (soon,) = due_items(account=Account.PAYABLE, as_of=on, within=7)
    assert soon.pk == books.item(receipt).pk and days_past_due(soon, on) == -4


def test_partner_account_entries_and_totals(books, trade):
    customer = books.customer
    account = partner_account(partner=customer, on=date(2026, 11, 20))
    assert (account.receivable, account.receivable_overdue, account.payable) == (D("68.00"), D("77.50"), D(0))
    entries = partner_entries(partner_id=customer.pk, account=Account.RECEIVABLE, date_from=date(2026, 11, 1))
    assert sorted(e.amount for e in entries) == [D("-45.00"), D("-20.00"), D("3.50")]
    assert partner_entries(partner_id=customer.pk, q=trade.paid.number).count() == 1
    assert partner_entries(partner_id=customer.pk, kind="finance.payment").count() == 2
    totals = account_totals(
        partner_id=customer.pk, account=Account.RECEIVABLE, date_from=date(2026, 11, 1), date_to=date(2026, 11, 10)
    )
    assert (totals.opening, totals.raised, totals.lowered, totals.closing) == (
        D("129.50"),
        D("3.50"),
        D("-45.00"),
        D("88.00"),
    )
    assert [i.open for i in open_items(partner_id=customer.pk)] == [
        D("60.00"),
        D("17.50"),
        D("-20.00"),
        D("7.00"),
        D("3.50"),
    ]
    assert source_url("sales.salesshipment", 5) == "/sales/shipments/5/" and source_url("finance.opening", 1) == ""
