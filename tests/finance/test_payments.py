"""Receipts of payment and payments through the services: allocation by hand, oldest first or none (prepaid),
applying what is left and other credits, undoing an allocation, 红冲; every refusal writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from jxc.accounts.models import AuditEntry
from jxc.core.errors import ValidationFailed
from jxc.finance.choices import Direction, PaymentMethod, PaymentStatus
from jxc.finance.errors import PaymentReversed
from jxc.finance.models import CashAccount, CashEntry, Payment
from jxc.finance.selectors.payments import (
    item_allocations,
    partner_open_credits,
    partner_open_debts,
    payment_allocations,
    payment_unallocated,
)
from jxc.finance.services.cash import CashAccountData, cash_account_save
from jxc.finance.services.payments import (
    PaymentData,
    allocation_undo,
    credit_apply,
    payment_allocated,
    payment_apply,
    payment_post,
    payment_reverse,
)
from jxc.inventory.errors import ClosedPeriod
from jxc.partners.errors import AllocationMismatch, CreditExceeded, DocumentVoid, OverAllocated
from jxc.partners.models import Account, Allocation, OpenItem, PartnerBalance, PartnerEntry
from jxc.partners.services.allocation import Share
from jxc.partners.services.partners import partner_set_active
from tests.finance.conftest import DAY

SEPTEMBER = date(2026, 9, 15)


def written() -> tuple[Any, ...]:
    """Everything a payment or an allocation writes: counts, the open amounts, the balances, the audit log."""
    return (
        Payment.objects.count(),
        CashEntry.objects.count(),
        PartnerEntry.objects.count(),
        Allocation.objects.count(),
        Allocation.objects.filter(released_at__isnull=True).count(),
        sorted(OpenItem.objects.values_list("pk", "open", "reversed")),
        sorted(CashAccount.objects.values_list("pk", "balance")),
        sorted(PartnerBalance.objects.values_list("partner_id", "receivable", "payable")),
        AuditEntry.objects.count(),
    )


def data(books: Any, amount: Any, *, shares: list[tuple[Any, Any]] | None = None, **fields: Any) -> PaymentData:
    fields.setdefault("direction", Direction.IN)
    fields.setdefault("date", DAY)
    partner = fields.pop("partner", books.customer if fields["direction"] == Direction.IN else books.supplier)
    return PaymentData(
        partner_id=partner.pk,
        amount=D(str(amount)),
        shares=None if shares is None else [Share(books.item(doc).pk, D(str(a))) for doc, a in shares],
        **fields,
    )


def refused(books: Any, error: type[Exception], payment_data: PaymentData) -> Exception:
    before = written()
    with pytest.raises(error) as caught:
        payment_post(actor=books.owner, data=payment_data)
    assert written() == before
    return caught.value


@pytest.fixture
def shipped(books: Any) -> tuple[Any, Any]:
    """Two shipments to the customer: 35.00 due 12-02, then 70.00 due 12-04."""
    books.stock()
    return books.ship(10, "3.50"), books.ship(20, "3.50", day=date(2026, 11, 4))


# Posting


def test_payment_post_by_hand_to_several_documents_in_part(books, shipped):
    first, second = shipped
    payment = books.pay("50.00", shares=[(first, "20.00"), (second, "30.00")])
    assert (books.open(first), books.open(second)) == (D("15.00"), D("40.00"))
    assert payment_allocated(payment=payment) == D("50.00") and payment_unallocated(payment=payment) == D(0)
    assert payment.number.startswith("SK20261102") and payment.status == PaymentStatus.POSTED
    assert payment.cash_account.balance == D("50.00") and books.balance() == D("55.00")
    rows = payment_allocations(payment=payment)
    assert [(r.number, r.amount, r.active, r.undoable) for r in rows] == [
        (first.number, D("20.00"), True, True),
        (second.number, D("30.00"), True, True),
    ]
    audit = AuditEntry.objects.get(action="payment.posted")
    assert audit.after["allocated"] == "50.00" and audit.after["amount"] == "50.00"


def test_payment_post_oldest_due_first_leaves_the_rest_prepaid(books, shipped):
    first, second = shipped
    payment = books.pay("60.00")
    assert (books.open(first), books.open(second)) == (D("0.00"), D("45.00"))
    assert payment_unallocated(payment=payment) == D(0)
    more = books.pay("100.00")
    assert books.open(second) == D(0) and payment_unallocated(payment=more) == D("55.00")
    assert books.balance() == D("-55.00")
    assert [c.number for c in partner_open_credits(partner_id=books.customer.pk, account=Account.RECEIVABLE)] == [
        more.number
    ]


def test_payment_post_without_shares_keeps_it_all_prepaid(books, shipped):
    payment = books.pay("80.00", shares=[])
    assert payment_unallocated(payment=payment) == D("80.00") and books.open(payment) == D("-80.00")
    assert [r.open for r in partner_open_debts(partner_id=books.customer.pk, account=Account.RECEIVABLE)] == [
        D("35.00"),
        D("70.00"),
    ]


def test_payment_to_a_supplier_lowers_the_payable_and_the_cash(books):
    receipt = books.receive(10, "2.00")
    account = cash_account_save(actor=books.owner, data=CashAccountData(name="工商银行", kind="bank"))
    payment = payment_post(
        actor=books.owner,
        data=data(books, "20.00", direction=Direction.OUT, cash_account_id=account.pk, shares=[(receipt, "20.00")]),
    )
    assert payment.number.startswith("FK") and books.open(receipt) == D(0)
    account.refresh_from_db()
    assert account.balance == D("-20.00") and books.balance(books.supplier, Account.PAYABLE) == D(0)
    entry = CashEntry.objects.get(source_id=payment.pk)
    assert (entry.amount, entry.balance_after, entry.source_number) == (D("-20.00"), D("-20.00"), payment.number)


def test_payment_method_picks_the_account_of_its_kind(books, shipped):
    cash = books.pay("10.00", method=PaymentMethod.CASH, shares=[])
    wechat = books.pay("5.00", method=PaymentMethod.WECHAT, shares=[])
    assert (cash.cash_account.kind, wechat.cash_account.kind) == ("cash", "wechat")
    assert cash.cash_account.balance == D("10.00") and wechat.cash_account.balance == D("5.00")


# Refusals of posting: nothing written


def test_payment_more_than_a_documents_open_amount_is_refused(books, shipped):
    first, _second = shipped
    error = refused(books, OverAllocated, data(books, "50.00", shares=[(first, "35.01")]))
    assert error.data["number"] == first.number and error.field == "allocations"


def test_payment_allocating_more_than_the_payment_is_refused(books, shipped):
    first, second = shipped
    refused(books, CreditExceeded, data(books, "40.00", shares=[(first, "30.00"), (second, "10.01")]))


def test_payment_to_a_reversed_document_is_refused(books, shipped):
    from jxc.sales.services.shipments import sales_shipment_reverse

    first, _second = shipped
    sales_shipment_reverse(actor=books.owner, shipment=first, day=DAY)
    refused(books, DocumentVoid, data(books, "10.00", shares=[(first, "10.00")]))


def test_payment_to_another_partners_document_is_refused(books, shipped, make_partner):
    other = make_partner("城西便利店")
    theirs = books.ship(1, "3.50", customer=other)
    refused(books, AllocationMismatch, data(books, "3.50", shares=[(theirs, "3.50")]))


def test_receipt_allocated_to_a_payable_document_is_refused(books, make_partner):
    both = make_partner("双向商行", is_supplier=True)
    books.supplier = both
    receipt = books.receive(1, "2.00")
    error = refused(books, AllocationMismatch, data(books, "2.00", partner=both, shares=[(receipt, "2.00")]))
    assert error.data["number"] == receipt.number


def test_payment_to_an_unknown_item_is_refused(books, shipped):
    payment_data = data(books, "5.00")
    payment_data.shares = [Share(999999, D("5.00"))]
    refused(books, AllocationMismatch, payment_data)


def test_payment_dated_in_a_closed_period_is_refused(books, shipped):
    from jxc.inventory.services.periods import stock_period_close

    stock_period_close(actor=books.owner, month=SEPTEMBER)
    error = refused(books, ClosedPeriod, data(books, "10.00", date=SEPTEMBER, shares=[]))
    assert error.code == "closed_period"


def test_payment_from_an_inactive_partner_is_refused(books, shipped):
    partner_set_active(actor=books.owner, partner=books.customer, active=False)
    error = refused(books, ValidationFailed, data(books, "10.00"))
    assert "partner" in error.errors


def test_paying_a_customer_that_is_not_a_supplier_is_refused(books, shipped):
    error = refused(books, ValidationFailed, data(books, "10.00", direction=Direction.OUT, partner=books.customer))
    assert "partner" in error.errors
    error = refused(books, ValidationFailed, data(books, "10.00", partner=books.supplier))
    assert "partner" in error.errors


@pytest.mark.parametrize("amount", ["0", "-5.00", "1.001"])
def test_payment_amount_must_be_above_zero_in_cents(books, shipped, amount):
    error = refused(books, ValidationFailed, data(books, amount))
    assert "amount" in error.errors


@pytest.mark.parametrize("share", ["0", "-1.00"])
def test_payment_share_must_be_above_zero(books, shipped, share):
    first, _second = shipped
    error = refused(books, ValidationFailed, data(books, "10.00", shares=[(first, share)]))
    assert "allocations" in error.errors


def test_payment_into_an_inactive_cash_account_is_refused(books, shipped):
    account = cash_account_save(actor=books.owner, data=CashAccountData(name="旧账户", active=False))
    error = refused(books, ValidationFailed, data(books, "10.00", cash_account_id=account.pk))
    assert "cash_account" in error.errors


# Applying what is left, and other credits


def test_payment_apply_by_hand_then_oldest_first(books, shipped):
    first, second = shipped
    payment = books.pay("100.00", shares=[])
    payment_apply(actor=books.owner, payment=payment, shares=[Share(books.item(second).pk, D("30.00"))], day=DAY)
    assert books.open(second) == D("40.00") and payment_unallocated(payment=payment) == D("70.00")
    payment_apply(actor=books.owner, payment=payment, shares=None, day=DAY)
    assert (books.open(first), books.open(second)) == (D(0), D("5.00"))
    assert payment_unallocated(payment=payment) == D(0)
    assert AuditEntry.objects.filter(action="payment.applied").count() == 2


def test_payment_apply_refusals_write_nothing(books, shipped):
    first, second = shipped
    payment, other = books.pay("20.00", shares=[]), books.pay("50.00", shares=[])
    full = books.pay("70.00", shares=[(second, "70.00")])
    before = written()
    with pytest.raises(CreditExceeded):
        payment_apply(actor=books.owner, payment=payment, shares=[Share(books.item(first).pk, D("20.01"))])
    with pytest.raises(OverAllocated):
        payment_apply(actor=books.owner, payment=other, shares=[Share(books.item(first).pk, D("35.01"))])
    with pytest.raises(ValidationFailed):  # nothing left of it
        payment_apply(actor=books.owner, payment=full, shares=None)
    assert written() == before
    payment_reverse(actor=books.owner, payment=payment, day=DAY)
    before = written()
    with pytest.raises(PaymentReversed):
        payment_apply(actor=books.owner, payment=payment, shares=None)
    assert written() == before


def test_credit_apply_puts_a_return_against_a_shipment(books, shipped, english):
    from jxc.sales.services.returns import SalesReturnData, SalesReturnLineData, sales_return_create, sales_return_post

    first, _second = shipped
    sales_return = sales_return_post(
        actor=books.owner,
        sales_return=sales_return_create(
            actor=books.owner,
            data=SalesReturnData(
                customer_id=books.customer.pk,
                warehouse_id=books.warehouse.pk,
                date=DAY,
                prices_include_tax=True,
                lines=[SalesReturnLineData(product_id=books.product.pk, quantity=D(2), price=D("3.50"))],
            ),
        ),
    )
    credits = partner_open_credits(partner_id=books.customer.pk, account=Account.RECEIVABLE)
    assert [(c.number, c.open, c.kind) for c in credits] == [(sales_return.number, D("7.00"), "sales return")]
    before = written()
    with pytest.raises(OverAllocated):
        credit_apply(actor=books.owner, item_id=credits[0].item_id, shares=[Share(books.item(first).pk, D("36"))])
    with pytest.raises(CreditExceeded):
        credit_apply(actor=books.owner, item_id=credits[0].item_id, shares=[Share(books.item(first).pk, D("7.01"))])
    assert written() == before
    made = credit_apply(actor=books.owner, item_id=credits[0].item_id, shares=None, day=DAY)
    assert [(a.debit_id, a.amount) for a in made] == [(books.item(first).pk, D("7.00"))]
    assert books.open(first) == D("28.00") and books.open(sales_return) == D(0)
    assert AuditEntry.objects.filter(action="partner_credit.applied").count() == 1
    before = written()
    with pytest.raises(ValidationFailed):
        credit_apply(actor=books.owner, item_id=credits[0].item_id, shares=None)
    with pytest.raises(ValidationFailed):
        credit_apply(actor=books.owner, item_id=books.item(first).pk, shares=None)  # a debt, not a credit
    assert written() == before


# Undo and 红冲


def test_allocation_undo_opens_both_sides_again(books, shipped):
    first, _second = shipped
    payment = books.pay("20.00", shares=[(first, "20.00")])
    row = payment_allocations(payment=payment)[0]
    allocation = Allocation.objects.get(pk=row.id)
    allocation_undo(actor=books.owner, allocation=allocation)
    assert books.open(first) == D("35.00") and payment_unallocated(payment=payment) == D("20.00")
    assert [r.active for r in payment_allocations(payment=payment)] == [False]
    assert AuditEntry.objects.filter(action="allocation.undone").count() == 1
    before = written()
    allocation_undo(actor=books.owner, allocation=allocation)  # again: harmless
    assert written() == before


def test_allocation_of_a_reversal_cannot_be_undone(books, shipped):
    payment = books.pay("10.00", shares=[])
    reversal = payment_reverse(actor=books.owner, payment=payment, day=DAY)
    pair = [r for r in item_allocations(item_id=books.item(payment).pk) if r.active]
    assert len(pair) == 1 and pair[0].number == reversal.number and not pair[0].undoable
    before = written()
    with pytest.raises(ValidationFailed):
        allocation_undo(actor=books.owner, allocation=Allocation.objects.get(pk=pair[0].id))
    assert written() == before


def test_payment_reverse_undoes_allocations_and_restores_the_cash(books, shipped):
    first, second = shipped
    payment = books.pay("60.00")
    account = payment.cash_account
    reversal = payment_reverse(actor=books.owner, payment=payment, day=date(2026, 11, 5))
    payment.refresh_from_db()
    account.refresh_from_db()
    assert payment.status == PaymentStatus.REVERSED and reversal.reversal_of_id == payment.pk
    assert reversal.amount == D("-60.00") and reversal.number.startswith("SK20261105")
    assert account.balance == D(0) and books.balance() == D("105.00")
    assert (books.open(first), books.open(second)) == (D("35.00"), D("70.00"))
    assert all(not r.active for r in payment_allocations(payment=payment) if r.number != reversal.number)
    assert payment_unallocated(payment=payment) == D(0)
    assert [e.amount for e in CashEntry.objects.filter(account=account).order_by("pk")] == [D("60.00"), D("-60.00")]
    assert AuditEntry.objects.filter(action="payment.reversed", target_id=str(payment.pk)).exists()


def test_payment_reverse_refusals_write_nothing(books, shipped):
    from jxc.inventory.services.periods import stock_period_close

    early = books.pay("10.00", shares=[], day=date(2026, 9, 10))
    stock_period_close(actor=books.owner, month=SEPTEMBER)
    payment = books.pay("10.00", shares=[])
    before = written()
    with pytest.raises(ValidationFailed):
        payment_reverse(actor=books.owner, payment=payment, day=date(2026, 11, 1))  # before the payment
    with pytest.raises(ClosedPeriod):
        payment_reverse(actor=books.owner, payment=early, day=date(2026, 9, 20))
    assert written() == before
    reversal = payment_reverse(actor=books.owner, payment=payment, day=DAY)
    before = written()
    with pytest.raises(PaymentReversed):
        payment_reverse(actor=books.owner, payment=payment, day=DAY)
    with pytest.raises(PaymentReversed):
        payment_reverse(actor=books.owner, payment=reversal, day=DAY)
    assert written() == before
