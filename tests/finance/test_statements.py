"""Statements (对账单): opening from earlier entries, the period's entries in date order with the running balance,
closing; sharing one by signed link and the partner's answer (once; a dispute says why); links that were altered
or have expired."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal as D
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from jxc.accounts.models import AuditEntry
from jxc.core.errors import ValidationFailed
from jxc.finance.choices import Direction, ReplyStatus
from jxc.finance.errors import StatementAnswered, StatementLinkInvalid
from jxc.finance.models import StatementShare
from jxc.finance.selectors.statements import (
    default_account,
    default_period,
    source_label,
    statement,
    statement_share_from_token,
    statement_share_token,
)
from jxc.finance.services.statements import statement_share_answer, statement_share_create
from jxc.partners.models import Account
from jxc.sales.models import SalesShipment
from jxc.sales.services.returns import SalesReturnData, SalesReturnLineData, sales_return_create, sales_return_post
from tests.finance.conftest import Books

START, END = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


class Trade:
    """The customer's November, built through the real services: an October shipment (the opening), two
    shipments, a return and a receipt of payment in November, a December shipment (after the period)."""

    def __init__(self, books: Books) -> None:
        self.books = books
        books.stock(1000, "2.00", day=dt.date(2026, 10, 1))
        self.october = books.ship(10, "5.00", day=dt.date(2026, 10, 15))  # 50.00 → opening
        self.fifth = books.ship(10, "4.00", day=dt.date(2026, 11, 5))  # 40.00, posted before the 2nd's
        self.second = books.ship(20, "3.00", day=dt.date(2026, 11, 2))  # 60.00
        self.returned = give_back(books, self.second, 5, day=dt.date(2026, 11, 8))  # −15.00
        self.payment = books.pay("70.00", day=dt.date(2026, 11, 10))  # −70.00
        self.december = books.ship(10, "2.00", day=dt.date(2026, 12, 1))  # after the period


def give_back(books: Books, shipment: SalesShipment, quantity: Any, *, day: dt.date) -> Any:
    """A posted return of part of the shipment's first line."""
    line = shipment.lines.order_by("pk")[0]
    data = SalesReturnData(
        customer_id=books.customer.pk,
        warehouse_id=books.warehouse.pk,
        shipment_id=shipment.pk,
        date=day,
        lines=[SalesReturnLineData(product_id=books.product.pk, quantity=D(str(quantity)), shipment_line_id=line.pk)],
    )
    return sales_return_post(actor=books.owner, sales_return=sales_return_create(actor=books.owner, data=data))


@pytest.fixture
def trade(books: Books) -> Trade:
    return Trade(books)


def share_of(trade: Trade, **kwargs: Any) -> StatementShare:
    return statement_share_create(
        actor=trade.books.owner,
        partner=trade.books.customer,
        account=Account.RECEIVABLE,
        start=kwargs.pop("start", START),
        end=kwargs.pop("end", END),
        **kwargs,
    )


# The statement


def test_statement_hand_computed(trade: Trade) -> None:
    """Given the customer's November, when the statement of November is read, then it opens with October's
    50.00, lists the two shipments by date, the return and the payment with the running balance, and closes
    at 50 + 100 − 85 = 65.00."""
    got = statement(partner=trade.books.customer, account=Account.RECEIVABLE, start=START, end=END)
    assert got.opening == D("50.00")
    rows = [(ln.date.day, ln.number, ln.debit, ln.credit, ln.balance) for ln in got.lines]
    assert rows == [
        (2, trade.second.number, D("60.00"), D(0), D("110.00")),
        (5, trade.fifth.number, D("40.00"), D(0), D("150.00")),
        (8, trade.returned.number, D(0), D("15.00"), D("135.00")),
        (10, trade.payment.number, D(0), D("70.00"), D("65.00")),
    ]
    assert [ln.source_type for ln in got.lines] == [
        "sales.salesshipment",
        "sales.salesshipment",
        "sales.salesreturn",
        "finance.payment",
    ]
    assert (got.total_debit, got.total_credit, got.closing) == (D("100.00"), D("85.00"), D("65.00"))
    assert got.closing == got.opening + got.total_debit - got.total_credit


def test_statement_kinds_are_readable(trade: Trade, english: Any) -> None:
    got = statement(partner=trade.books.customer, account=Account.RECEIVABLE, start=START, end=END)
    assert [ln.kind for ln in got.lines] == ["shipment", "shipment", "sales return", "receipt of payment"]
    assert source_label("finance.payment", account=Account.PAYABLE) == "payment"
    assert source_label("purchasing.purchasereceipt") == "purchase receipt"
    assert source_label("finance.opening") == "opening balance"
    assert source_label("finance.writeoff") == "write-off"
    assert source_label("sales.salesshipment", phase="reverse-post") == "shipment (reversal)"
    assert source_label("somewhere.else") == "somewhere.else"


def test_statement_in_chinese_by_default(trade: Trade) -> None:
    got = statement(partner=trade.books.customer, account=Account.RECEIVABLE, start=START, end=END)
    assert all(ln.kind for ln in got.lines)


def test_statement_of_a_later_period_opens_with_the_earlier_closing(trade: Trade) -> None:
    november = statement(partner=trade.books.customer, account=Account.RECEIVABLE, start=START, end=END)
    december = statement(
        partner=trade.books.customer, account=Account.RECEIVABLE, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31)
    )
    assert december.opening == november.closing
    assert december.closing == D("85.00") == trade.books.balance()


def test_statement_of_a_supplier_payable(books: Books) -> None:
    books.receive(10, "6.00", day=dt.date(2026, 11, 3))
    books.pay("20.00", direction=Direction.OUT, day=dt.date(2026, 11, 4))
    got = statement(partner=books.supplier, account=Account.PAYABLE, start=START, end=END)
    assert got.opening == 0
    assert [(ln.debit, ln.credit, ln.balance) for ln in got.lines] == [
        (D("60.00"), D(0), D("60.00")),
        (D(0), D("20.00"), D("40.00")),
    ]
    assert got.closing == D("40.00")


def test_statement_of_another_partner_is_empty(trade: Trade, make_partner: Any) -> None:
    other = make_partner("西城便利店")
    got = statement(partner=other, account=Account.RECEIVABLE, start=START, end=END)
    assert got.lines == []
    assert got.opening == got.closing == 0


def test_defaults(books: Books) -> None:
    assert default_account(books.customer) == Account.RECEIVABLE
    assert default_account(books.supplier) == Account.PAYABLE
    assert default_period(dt.date(2026, 2, 14)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert default_period(dt.date(2026, 12, 31)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))


# Sharing


def test_share_keeps_the_balances_and_audits(trade: Trade) -> None:
    before = AuditEntry.objects.count()
    share = share_of(trade, valid_days=10)
    assert (share.opening, share.closing, share.status) == (D("50.00"), D("65.00"), ReplyStatus.PENDING)
    assert timezone.now() + dt.timedelta(days=9) < share.expires_at <= timezone.now() + dt.timedelta(days=10)
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-seq").first().action == "statement.shared"  # type: ignore[union-attr]
    assert statement_share_from_token(token=statement_share_token(share)) == share


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start": END, "end": START}, "end"),
        ({"valid_days": 0}, "valid_days"),
        ({"valid_days": 400}, "valid_days"),
    ],
)
def test_share_refuses_bad_input(trade: Trade, fields: dict[str, Any], field: str) -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        share_of(trade, **fields)
    assert field in caught.value.errors
    assert not StatementShare.objects.exists()
    assert AuditEntry.objects.count() == before


def test_share_refuses_an_unknown_account(trade: Trade) -> None:
    with pytest.raises(ValidationFailed) as caught:
        statement_share_create(
            actor=trade.books.owner, partner=trade.books.customer, account="cash", start=START, end=END
        )
    assert "account" in caught.value.errors
    assert not StatementShare.objects.exists()


def test_confirm_is_recorded_once(trade: Trade) -> None:
    share = share_of(trade)
    before = AuditEntry.objects.count()
    answered = statement_share_answer(share=share, status=ReplyStatus.CONFIRMED, name=" 王会计 ", ip="10.0.0.8")
    assert (answered.status, answered.answered_by, answered.comment) == (ReplyStatus.CONFIRMED, "王会计", "")
    assert answered.answered_at is not None
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "statement.confirmed" and entry.ip == "10.0.0.8"
    assert AuditEntry.objects.count() == before + 1
    with pytest.raises(StatementAnswered):
        statement_share_answer(share=share, status=ReplyStatus.DISPUTED, comment="不对", name="李四")
    share.refresh_from_db()
    assert (share.status, share.answered_by, share.comment) == (ReplyStatus.CONFIRMED, "王会计", "")
    assert AuditEntry.objects.count() == before + 1


def test_dispute_records_the_comment(trade: Trade) -> None:
    share = share_of(trade)
    statement_share_answer(share=share, status=ReplyStatus.DISPUTED, comment="11月8日退货应为20元", name="王会计")
    share.refresh_from_db()
    assert (share.status, share.comment) == (ReplyStatus.DISPUTED, "11月8日退货应为20元")
    assert AuditEntry.objects.order_by("-seq").first().action == "statement.disputed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("status", "comment", "name", "field"),
    [
        (ReplyStatus.DISPUTED, "  ", "王会计", "comment"),
        (ReplyStatus.CONFIRMED, "", "", "name"),
        (ReplyStatus.PENDING, "", "王会计", "status"),
        ("maybe", "", "王会计", "status"),
    ],
)
def test_answer_refuses_bad_input(trade: Trade, status: str, comment: str, name: str, field: str) -> None:
    share = share_of(trade)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        statement_share_answer(share=share, status=status, comment=comment, name=name)
    assert field in caught.value.errors
    share.refresh_from_db()
    assert (share.status, share.answered_at, share.answered_by) == (ReplyStatus.PENDING, None, "")
    assert AuditEntry.objects.count() == before


def test_answer_refuses_an_expired_share(trade: Trade) -> None:
    share = share_of(trade)
    StatementShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(StatementLinkInvalid):
        statement_share_answer(share=share, status=ReplyStatus.CONFIRMED, name="王会计")
    share.refresh_from_db()
    assert share.status == ReplyStatus.PENDING


# Links


def test_tampered_token_is_refused(trade: Trade) -> None:
    share = share_of(trade)
    token = statement_share_token(share)
    other = share_of(trade)
    forged = f"{other.pk}{token[len(str(share.pk)) :]}"  # another id with the first one's signature
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), forged, "garbage", ""):
        with pytest.raises(StatementLinkInvalid):
            statement_share_from_token(token=bad)


def test_expired_share_is_refused(trade: Trade) -> None:
    share = share_of(trade, valid_days=1)
    token = statement_share_token(share)
    with pytest.raises(StatementLinkInvalid):
        statement_share_from_token(token=token, now=timezone.now() + dt.timedelta(days=2))


def test_token_older_than_any_link_is_refused(trade: Trade) -> None:
    share = share_of(trade)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 400 * 86400):
        old = statement_share_token(share)
    with pytest.raises(StatementLinkInvalid):
        statement_share_from_token(token=old)


def test_token_of_a_deleted_share_is_refused(trade: Trade) -> None:
    share = share_of(trade)
    token = statement_share_token(share)
    StatementShare.objects.filter(pk=share.pk).delete()
    with pytest.raises(StatementLinkInvalid):
        statement_share_from_token(token=token)
