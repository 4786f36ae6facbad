"""Write-offs (坏账核销) and discounts (折让): an amount taken off a partner's account, with a reason, after approval.

A write-off is saved as a draft with its number (HX + date + sequence), submitted to the approval engine (facts:
"always", and the amount for "total above"), approved by the roles its rules name (or rejected, then edited and
submitted again), and posted on the last approval: the partner's account goes down by the amount and the credit
settles the documents its lines name, or the oldest due first when it has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.approvals import WRITE_OFF, Fact
from jxc.accounts.errors import ApprovalNotPending
from jxc.accounts.models import User
from jxc.accounts.services.approvals import ApprovalOutcome, approval_decide, approval_request
from jxc.accounts.services.audit import audit_record
from jxc.core.db import retrying_atomic
from jxc.core.errors import RecordInactive, ValidationFailed
from jxc.core.numbers import ZERO, round_money
from jxc.core.sequences import document_number_next
from jxc.finance.choices import WRITE_OFF_PREFIX, WRITE_OFF_SOURCE, WriteOffKind, WriteOffStatus
from jxc.finance.errors import WriteOffExceedsOpen, WriteOffNotEditable
from jxc.finance.models import WriteOff, WriteOffLine
from jxc.inventory.services.posting import check_open
from jxc.partners.errors import AllocationMismatch, DocumentVoid, OverAllocated
from jxc.partners.models import Account, OpenItem, Partner
from jxc.partners.services.allocation import Share, items_allocate
from jxc.partners.services.ledger import EntrySource, balance_lock, partner_entry_post

MAX_AMOUNT = Decimal("9999999999.99")
EDITABLE = (WriteOffStatus.DRAFT, WriteOffStatus.REJECTED)


@dataclass
class WriteOffLineData:
    """A document (an open item of the partner's account, by its id) and the amount to settle of it."""

    item_id: int
    amount: Decimal


@dataclass
class WriteOffData:
    """A write-off or discount as entered; no lines settles the oldest documents first."""

    partner_id: int | None
    amount: Decimal | None
    reason: str
    kind: str = WriteOffKind.WRITE_OFF
    account: str = Account.RECEIVABLE
    date: date | None = None
    lines: list[WriteOffLineData] = field(default_factory=list)


def _source(write_off: WriteOff) -> EntrySource:
    return EntrySource(WRITE_OFF_SOURCE, write_off.pk, write_off.number)


def _clean(data: WriteOffData) -> Partner:
    """Check the input (every field at once); the partner."""
    errors: dict[str, list[str | Promise]] = {}
    if data.kind not in WriteOffKind.values:
        errors["kind"] = [_("Choose a write-off or a discount.")]
    if data.account not in Account.values:
        errors["account"] = [_("Choose the receivable or the payable.")]
    partner = Partner.objects.filter(pk=data.partner_id).first() if data.partner_id else None
    if partner is None:
        errors["partner"] = [_("Choose a customer or supplier.")]
    elif data.account == Account.RECEIVABLE and not partner.is_customer:
        errors["partner"] = [_("%(name)s is not a customer.") % {"name": partner.name}]
    elif data.account == Account.PAYABLE and not partner.is_supplier:
        errors["partner"] = [_("%(name)s is not a supplier.") % {"name": partner.name}]
    if data.amount is None or data.amount <= 0:
        errors["amount"] = [_("Enter an amount above zero.")]
    elif data.amount > MAX_AMOUNT or data.amount != round_money(data.amount):
        errors["amount"] = [_("Enter an amount in yuan with at most two decimals.")]
    data.reason = " ".join((data.reason or "").split())
    if not data.reason:
        errors["reason"] = [_("Say why the amount is written off.")]
    elif len(data.reason) > 300:
        errors["reason"] = [_("At most 300 characters.")]
    if data.date is None:
        errors["date"] = [_("Enter a date.")]
    seen: set[int] = set()
    for i, line in enumerate(data.lines):
        if line.amount is None or line.amount <= 0 or line.amount != round_money(line.amount):
            errors[f"lines.{i}.amount"] = [_("Enter an amount above zero with at most two decimals.")]
        if line.item_id in seen:
            errors[f"lines.{i}.item"] = [_("This document is named twice.")]
        seen.add(line.item_id)
    if data.lines and "amount" not in errors and not any(k.startswith("lines.") for k in errors):
        total = sum((ln.amount for ln in data.lines), ZERO)
        if total != data.amount:
            errors["lines"] = [
                _("The documents add up to %(total)s, not the %(amount)s written off.")
                % {"total": f"{total:,.2f}", "amount": f"{data.amount:,.2f}"}
            ]
    if errors:
        raise ValidationFailed(errors)
    assert partner is not None
    if not partner.active:
        raise RecordInactive(field="partner", label=_("Partner"), value=partner.name)
    return partner


def _check_open_items(*, partner: Partner, account: str, amount: Decimal, lines: list[tuple[int, Decimal]]) -> None:
    """Refuse an amount above what the partner owes on the account, a line above its document's open amount, a
    reversed document or one of another partner or account."""
    owed = (
        OpenItem.objects.filter(partner=partner, account=account, open__gt=0, reversed=False).aggregate(
            total=Sum("open")
        )["total"]
        or ZERO
    )
    if amount > owed:
        raise WriteOffExceedsOpen(field="amount", partner=partner.name, open=f"{owed:,.2f}", amount=f"{amount:,.2f}")
    items = {i.pk: i for i in OpenItem.objects.select_related("entry").filter(pk__in=[pk for pk, _a in lines])}
    for index, (item_id, line_amount) in enumerate(lines):
        item = items.get(item_id)
        key = f"lines.{index}.amount"
        if item is None or item.partner_id != partner.pk or item.account != account or item.amount <= 0:
            number = item.entry.source_number if item is not None else f"#{item_id}"
            raise AllocationMismatch(field=key, number=number, partner=partner.name)
        if item.reversed:
            raise DocumentVoid(field=key, number=item.entry.source_number)
        if line_amount > item.open:
            raise OverAllocated(field=key, number=item.entry.source_number, open=item.open, amount=line_amount)


def _line_pairs(data: WriteOffData) -> list[tuple[int, Decimal]]:
    return [(ln.item_id, round_money(ln.amount)) for ln in data.lines]


def _save_lines(write_off: WriteOff, lines: list[tuple[int, Decimal]]) -> None:
    write_off.lines.all().delete()
    WriteOffLine.objects.bulk_create(
        [WriteOffLine(write_off=write_off, item_id=item_id, amount=amount) for item_id, amount in lines]
    )


def _record(write_off: WriteOff, lines: list[tuple[int, Decimal]]) -> dict[str, object]:
    return {
        "kind": write_off.kind,
        "partner": write_off.partner_id,
        "account": write_off.account,
        "date": write_off.date.isoformat(),
        "amount": str(write_off.amount),
        "reason": write_off.reason,
        "lines": [{"item": item_id, "amount": str(amount)} for item_id, amount in lines],
    }


@retrying_atomic
def writeoff_create(*, actor: User, data: WriteOffData) -> WriteOff:
    """Save a new write-off or discount as a draft with its number."""
    partner = _clean(data)
    assert data.date is not None and data.amount is not None
    check_open(data.date)
    lines = _line_pairs(data)
    _check_open_items(partner=partner, account=data.account, amount=data.amount, lines=lines)
    write_off = WriteOff.objects.create(
        number=document_number_next(prefix=WRITE_OFF_PREFIX, on=data.date),
        kind=data.kind,
        date=data.date,
        partner=partner,
        account=data.account,
        amount=data.amount,
        reason=data.reason,
        created_by=actor,
    )
    _save_lines(write_off, lines)
    audit_record(actor=actor, action="write_off.created", target=write_off, after=_record(write_off, lines))
    return write_off


def _locked(write_off: WriteOff) -> WriteOff:
    return WriteOff.objects.select_for_update(of=("self",)).select_related("partner").get(pk=write_off.pk)


def _refuse(write_off: WriteOff) -> WriteOffNotEditable:
    return WriteOffNotEditable(number=write_off.number, status=write_off.get_status_display())


@retrying_atomic
def writeoff_update(*, actor: User, write_off: WriteOff, data: WriteOffData) -> WriteOff:
    """Change a draft or rejected write-off (a rejected one becomes a draft again)."""
    write_off = _locked(write_off)
    if write_off.status not in EDITABLE:
        raise _refuse(write_off)
    partner = _clean(data)
    assert data.date is not None and data.amount is not None
    check_open(data.date)
    lines = _line_pairs(data)
    _check_open_items(partner=partner, account=data.account, amount=data.amount, lines=lines)
    before = _record(write_off, [(ln.item_id, ln.amount) for ln in write_off.lines.order_by("pk")])
    write_off.kind, write_off.date, write_off.partner = data.kind, data.date, partner
    write_off.account, write_off.amount, write_off.reason = data.account, data.amount, data.reason
    write_off.status = WriteOffStatus.DRAFT
    write_off.save(update_fields=["kind", "date", "partner", "account", "amount", "reason", "status"])
    _save_lines(write_off, lines)
    audit_record(
        actor=actor, action="write_off.changed", target=write_off, before=before, after=_record(write_off, lines)
    )
    return write_off


def writeoff_facts(write_off: WriteOff) -> dict[str, Fact]:
    """What the approval rules test: every write-off ("always"), and its amount ("total above")."""
    detail = _("%(kind)s of %(amount)s for %(partner)s: %(reason)s") % {
        "kind": write_off.get_kind_display(),
        "amount": f"{write_off.amount:,.2f}",
        "partner": write_off.partner.name,
        "reason": write_off.reason,
    }
    return {"always": Fact(True, str(detail)), "total_above": Fact(write_off.amount, str(detail))}


def _lines_of(write_off: WriteOff) -> list[tuple[int, Decimal]]:
    return [(ln.item_id, ln.amount) for ln in write_off.lines.order_by("pk")]


def _post(write_off: WriteOff, *, actor: User) -> None:
    """Lower the partner's account by the amount and settle the named documents (or the oldest first)."""
    check_open(write_off.date)
    balance_lock(partner_id=write_off.partner_id)
    lines = _lines_of(write_off)
    _check_open_items(partner=write_off.partner, account=write_off.account, amount=write_off.amount, lines=lines)
    entry = partner_entry_post(
        partner=write_off.partner,
        account=write_off.account,
        amount=-write_off.amount,
        day=write_off.date,
        due_date=write_off.date,
        source=_source(write_off),
        actor=actor,
        memo=f"{write_off.get_kind_display()}: {write_off.reason}",
    )
    shares = [Share(item_id, amount) for item_id, amount in lines] if lines else None
    made = items_allocate(credit_id=entry.pk, shares=shares, source=_source(write_off), day=write_off.date, actor=actor)
    write_off.status, write_off.posted_at = WriteOffStatus.POSTED, timezone.now()
    write_off.save(update_fields=["status", "posted_at"])
    audit_record(
        actor=actor,
        action="write_off.posted",
        target=write_off,
        after={
            "status": write_off.status,
            "amount": str(write_off.amount),
            "allocations": [{"item": a.debit_id, "amount": str(a.amount)} for a in made],
        },
    )


@retrying_atomic
def writeoff_submit(*, actor: User, write_off: WriteOff) -> ApprovalOutcome:
    """Submit a draft (or a rejected write-off) for approval; approved at once (no rule applies) it is posted."""
    write_off = _locked(write_off)
    if write_off.status not in EDITABLE:
        raise _refuse(write_off)
    check_open(write_off.date)
    _check_open_items(
        partner=write_off.partner, account=write_off.account, amount=write_off.amount, lines=_lines_of(write_off)
    )
    write_off.status = WriteOffStatus.SUBMITTED
    write_off.save(update_fields=["status"])
    audit_record(actor=actor, action="write_off.submitted", target=write_off, after={"status": write_off.status})
    outcome = approval_request(
        actor=actor, document_type=WRITE_OFF, document=write_off, facts=writeoff_facts(write_off)
    )
    if outcome.approved:
        _post(write_off, actor=actor)
    return outcome


@retrying_atomic
def writeoff_approve(*, actor: User, write_off: WriteOff, comment: str = "") -> ApprovalOutcome:
    """Approve the waiting steps the actor's roles allow; the last approval posts the write-off."""
    write_off = _locked(write_off)
    if write_off.status != WriteOffStatus.SUBMITTED:
        raise ApprovalNotPending(number=write_off.number)
    outcome = approval_decide(actor=actor, document_type=WRITE_OFF, document=write_off, approve=True, comment=comment)
    if outcome.approved:
        _post(write_off, actor=actor)
    return outcome


@retrying_atomic
def writeoff_reject(*, actor: User, write_off: WriteOff, reason: str) -> WriteOff:
    """Reject a submitted write-off with a reason: it can be changed and submitted again."""
    write_off = _locked(write_off)
    if write_off.status != WriteOffStatus.SUBMITTED:
        raise ApprovalNotPending(number=write_off.number)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.one("reason", _("Say why the write-off is rejected."))
    approval_decide(actor=actor, document_type=WRITE_OFF, document=write_off, approve=False, comment=reason)
    write_off.status = WriteOffStatus.REJECTED
    write_off.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="write_off.rejected",
        target=write_off,
        after={"status": write_off.status, "reason": reason[:300]},
    )
    return write_off
