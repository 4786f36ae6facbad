"""Write-offs (坏账核销) and discounts (折让): draft, approval by the role a rule names, posting that settles the
documents; every refusal writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from jxc.accounts.approvals import WRITE_OFF
from jxc.accounts.errors import ApprovalNotPending, ApprovalRoleRequired
from jxc.accounts.models import ApprovalStatus, ApprovalStep, AuditEntry, Company
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.core.errors import RecordInactive, ValidationFailed
from jxc.finance.choices import WRITE_OFF_SOURCE, WriteOffKind, WriteOffStatus
from jxc.finance.errors import WriteOffNotEditable
from jxc.finance.models import WriteOff, WriteOffLine
from jxc.finance.services.writeoffs import (
    WriteOffData,
    WriteOffExceedsOpen,
    WriteOffLineData,
    writeoff_approve,
    writeoff_create,
    writeoff_reject,
    writeoff_submit,
    writeoff_update,
)
from jxc.inventory.errors import ClosedPeriod
from jxc.partners.errors import AllocationMismatch, DocumentVoid, OverAllocated
from jxc.partners.models import Account, Allocation, PartnerEntry
from tests.finance.conftest import DAY


def rule(owner: Any, condition: str = "always", threshold: D = D(0), role: str = "accountant") -> Any:
    return approval_rule_save(
        actor=owner,
        data=RuleData(name=condition, document_type=WRITE_OFF, condition=condition, threshold=threshold, role=role),
    )


def data(books: Any, amount: Any, *, lines: list[tuple[Any, Any]] | None = None, **kwargs: Any) -> WriteOffData:
    values: dict[str, Any] = {
        "partner_id": books.customer.pk,
        "amount": D(str(amount)),
        "reason": "客户倒闭，无法收回",
        "date": DAY,
        "lines": [WriteOffLineData(books.item(doc).pk, D(str(a))) for doc, a in lines or []],
    }
    values.update(kwargs)
    return WriteOffData(**values)


def written() -> tuple[int, ...]:
    return (
        WriteOff.objects.count(),
        WriteOffLine.objects.count(),
        PartnerEntry.objects.count(),
        Allocation.objects.count(),
        ApprovalStep.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def owed(books: Any) -> tuple[Any, Any]:
    """Two shipments of the customer: 35.00 and 70.00."""
    books.stock()
    return books.ship(10, "3.50"), books.ship(20, "3.50")


def test_a_rule_with_a_role_makes_it_wait_and_the_accountant_posts_it(books, owed, make_user):
    first, second = owed
    rule(books.owner)
    clerk = make_user("clerk", "accountant")
    write_off = writeoff_create(actor=books.owner, data=data(books, "40.00"))
    assert write_off.number.startswith("HX20261102") and write_off.status == WriteOffStatus.DRAFT
    outcome = writeoff_submit(actor=books.owner, write_off=write_off)
    write_off.refresh_from_db()
    assert not outcome.approved and [s.role for s in outcome.waiting] == ["accountant"]
    assert write_off.status == WriteOffStatus.SUBMITTED and books.balance() == D("105.00")

    outcome = writeoff_approve(actor=clerk, write_off=write_off, comment="ok")
    write_off.refresh_from_db()
    assert outcome.approved and write_off.status == WriteOffStatus.POSTED and write_off.posted_at
    assert books.balance() == D("65.00")
    assert books.open(first) == D("0.00") and books.open(second) == D("65.00")  # oldest first
    entry = PartnerEntry.objects.get(source_type=WRITE_OFF_SOURCE, source_id=write_off.pk)
    assert entry.amount == D("-40.00") and entry.account == Account.RECEIVABLE
    actions = set(AuditEntry.objects.filter(target_id=str(write_off.pk)).values_list("action", flat=True))
    assert {"write_off.created", "write_off.submitted", "write_off.posted", "approval.approved"} <= actions


def test_lines_settle_the_documents_they_name(books, owed):
    first, second = owed
    write_off = writeoff_create(
        actor=books.owner,
        data=data(books, "30.00", lines=[(second, "25.00"), (first, "5.00")], kind=WriteOffKind.DISCOUNT),
    )
    writeoff_submit(actor=books.owner, write_off=write_off)  # no rule: approved on submit
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.POSTED
    assert books.open(first) == D("30.00") and books.open(second) == D("45.00") and books.balance() == D("75.00")


def test_a_payable_write_off_lowers_what_we_owe_the_supplier(books):
    books.stock()
    receipt = books.receive(10, "2.00")
    write_off = writeoff_create(
        actor=books.owner,
        data=data(books, "5.00", partner_id=books.supplier.pk, account=Account.PAYABLE, kind=WriteOffKind.DISCOUNT),
    )
    writeoff_submit(actor=books.owner, write_off=write_off)
    assert books.balance(books.supplier, Account.PAYABLE) == D("15.00") and books.open(receipt) == D("15.00")


def test_a_user_without_the_role_cannot_approve(books, owed, make_user):
    rule(books.owner)
    seller = make_user("seller", "sales")
    write_off = writeoff_create(actor=books.owner, data=data(books, "10.00"))
    writeoff_submit(actor=books.owner, write_off=write_off)
    before = written()
    with pytest.raises(ApprovalRoleRequired):
        writeoff_approve(actor=seller, write_off=write_off)
    assert written() == before and books.balance() == D("105.00")


def test_reject_then_change_and_submit_again(books, owed, make_user):
    rule(books.owner, "total_above", D("20.00"))
    clerk = make_user("clerk", "accountant")
    write_off = writeoff_create(actor=books.owner, data=data(books, "50.00"))
    writeoff_submit(actor=books.owner, write_off=write_off)
    with pytest.raises(ValidationFailed):
        writeoff_reject(actor=clerk, write_off=write_off, reason=" ")
    writeoff_reject(actor=clerk, write_off=write_off, reason="金额太大")
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.REJECTED and books.balance() == D("105.00")
    step = ApprovalStep.objects.get(document_type=WRITE_OFF, document_id=write_off.pk)
    assert step.status == ApprovalStatus.REJECTED and step.comment == "金额太大"
    with pytest.raises(ApprovalNotPending):
        writeoff_approve(actor=clerk, write_off=write_off)

    writeoff_update(actor=books.owner, write_off=write_off, data=data(books, "15.00"))
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.DRAFT and write_off.amount == D("15.00")
    outcome = writeoff_submit(actor=books.owner, write_off=write_off)  # 15 is not above 20: no rule fires
    write_off.refresh_from_db()
    assert outcome.approved and write_off.status == WriteOffStatus.POSTED and books.balance() == D("90.00")
    with pytest.raises(WriteOffNotEditable):
        writeoff_update(actor=books.owner, write_off=write_off, data=data(books, "1.00"))


def test_without_a_rule_and_without_approval_on_submit_it_waits_for_anyone_allowed(books, owed, make_user):
    Company.objects.update_or_create(pk=1, defaults={"name": "店", "approve_without_rule": False})
    write_off = writeoff_create(actor=books.owner, data=data(books, "10.00"))
    outcome = writeoff_submit(actor=books.owner, write_off=write_off)
    assert not outcome.approved
    writeoff_approve(actor=make_user("clerk", "accountant"), write_off=write_off)
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.POSTED


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"amount": D("105.01")}, WriteOffExceedsOpen),
        ({"amount": D(0)}, ValidationFailed),
        ({"amount": D("1.001")}, ValidationFailed),
        ({"reason": "  "}, ValidationFailed),
        ({"date": None}, ValidationFailed),
        ({"kind": "gift"}, ValidationFailed),
        ({"partner_id": None}, ValidationFailed),
    ],
)
def test_bad_input_writes_nothing(books, owed, change, error):
    before = written()
    with pytest.raises(error):
        writeoff_create(actor=books.owner, data=data(books, **{"amount": "10.00", **change}))
    assert written() == before


def test_a_line_above_the_document_or_not_adding_up_writes_nothing(books, owed):
    first, _second = owed
    before = written()
    with pytest.raises(OverAllocated) as caught:
        writeoff_create(actor=books.owner, data=data(books, "36.00", lines=[(first, "36.00")]))
    assert caught.value.field == "lines.0.amount"
    with pytest.raises(ValidationFailed) as caught:
        writeoff_create(actor=books.owner, data=data(books, "40.00", lines=[(first, "30.00")]))
    assert "lines" in caught.value.errors
    assert written() == before


def test_a_document_of_someone_else_or_a_credit_is_refused(books, owed, make_partner):
    books.stock()
    other = make_partner("另一家")
    theirs = books.ship(1, "3.50", customer=other)
    payment = books.pay("200.00")  # settles both shipments, 95.00 left as a prepayment
    before = written()
    with pytest.raises(AllocationMismatch):
        writeoff_create(actor=books.owner, data=data(books, "3.50", partner_id=other.pk, lines=[(payment, "3.50")]))
    with pytest.raises(AllocationMismatch):
        writeoff_create(actor=books.owner, data=data(books, "3.50", partner_id=other.pk, lines=[(owed[0], "3.50")]))
    assert books.open(theirs) == D("3.50") and written() == before


def test_a_reversed_document_is_refused(books, owed, make_partner):
    from jxc.sales.services.shipments import sales_shipment_reverse

    first, _second = owed
    sales_shipment_reverse(actor=books.owner, shipment=first, day=DAY)
    before = written()
    with pytest.raises(DocumentVoid):
        writeoff_create(actor=books.owner, data=data(books, "1.00", lines=[(first, "1.00")]))
    assert written() == before


def test_more_than_is_owed_when_it_is_approved_writes_nothing(books, owed, make_user):
    """Between submit and approval a payment settled most of it: the approval refuses and nothing is written."""
    rule(books.owner)
    write_off = writeoff_create(actor=books.owner, data=data(books, "50.00"))
    writeoff_submit(actor=books.owner, write_off=write_off)
    books.pay("100.00")
    clerk = make_user("clerk", "accountant")
    before = written()
    with pytest.raises(WriteOffExceedsOpen):
        writeoff_approve(actor=clerk, write_off=write_off)
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.SUBMITTED and written() == before


def test_a_closed_period_refuses_it_and_writes_nothing(books, make_user):
    from jxc.inventory.services.periods import stock_period_close

    october = date(2026, 10, 20)
    books.stock(day=date(2026, 10, 1))
    books.ship(10, "3.50", day=october)
    rule(books.owner)
    write_off = writeoff_create(actor=books.owner, data=data(books, "5.00", date=october))
    writeoff_submit(actor=books.owner, write_off=write_off)
    stock_period_close(actor=books.owner, month=october)
    clerk = make_user("clerk", "accountant")
    before = written()
    with pytest.raises(ClosedPeriod):
        writeoff_approve(actor=clerk, write_off=write_off)
    with pytest.raises(ClosedPeriod):
        writeoff_create(actor=books.owner, data=data(books, "5.00", date=october))
    write_off.refresh_from_db()
    assert write_off.status == WriteOffStatus.SUBMITTED and written() == before


def test_an_inactive_partner_is_refused(books, owed):
    books.customer.active = False
    books.customer.save(update_fields=["active"])
    before = written()
    with pytest.raises(RecordInactive):
        writeoff_create(actor=books.owner, data=data(books, "5.00"))
    assert written() == before
