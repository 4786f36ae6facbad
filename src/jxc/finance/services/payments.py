"""Receipts of payment (收款 SK) and payments (付款 FK): cash account and partner ledger in one transaction,
allocated to documents oldest first or by hand; what is left stays a prepayment (预收/预付) to apply later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.core.db import retrying_atomic
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import round_money
from jxc.core.sequences import document_number_next
from jxc.finance.choices import (
    PAYMENT_PREFIX,
    PAYMENT_SOURCE,
    RECEIPT_PREFIX,
    Direction,
    PaymentMethod,
    PaymentStatus,
)
from jxc.finance.errors import PaymentReversed
from jxc.finance.models import CashAccount, Payment
from jxc.finance.services.cash import cash_account_for_method, cash_entry_post
from jxc.inventory.services.posting import check_open
from jxc.partners.models import Account, Allocation, OpenItem, Partner, PartnerEntry
from jxc.partners.services.allocation import Share, allocations_release, items_allocate
from jxc.partners.services.ledger import EntrySource, partner_entry_post, partner_entry_reverse
from jxc.partners.services.payments import PaymentTaken

MAX_AMOUNT = Decimal("9999999999.99")


@dataclass
class PaymentData:
    """A receipt of payment or a payment as entered; `shares` None allocates oldest first, [] keeps it all prepaid."""

    direction: str
    partner_id: int | None
    amount: Decimal | None
    cash_account_id: int | None = None
    method: str = PaymentMethod.BANK
    date: date | None = None
    reference: str = ""
    notes: str = ""
    shares: list[Share] | None = field(default=None)


def _number(direction: str, day: date) -> str:
    """The next SK (money in) or FK (money out) number of the day."""
    return document_number_next(prefix=RECEIPT_PREFIX if direction == Direction.IN else PAYMENT_PREFIX, on=day)


def _source(payment: Payment, phase: str = "post") -> EntrySource:
    return EntrySource(PAYMENT_SOURCE, payment.pk, payment.number, phase)


def _clean(data: PaymentData) -> tuple[Partner, CashAccount | None]:
    errors: dict[str, list[str | Promise]] = {}
    if data.direction not in Direction.values:
        errors["direction"] = [_("Choose receipt of payment or payment.")]
    partner = Partner.objects.filter(pk=data.partner_id).first() if data.partner_id else None
    if partner is None:
        errors["partner"] = [_("Choose a customer or supplier.")]
    elif not partner.active:
        errors["partner"] = [_("%(name)s is inactive.") % {"name": partner.name}]
    elif data.direction == Direction.IN and not partner.is_customer:
        errors["partner"] = [_("%(name)s is not a customer.") % {"name": partner.name}]
    elif data.direction == Direction.OUT and not partner.is_supplier:
        errors["partner"] = [_("%(name)s is not a supplier.") % {"name": partner.name}]
    if data.amount is None or data.amount <= 0:
        errors["amount"] = [_("Enter an amount above zero.")]
    elif data.amount > MAX_AMOUNT or data.amount != round_money(data.amount):
        errors["amount"] = [_("Enter an amount in yuan with at most two decimals.")]
    if data.method not in PaymentMethod.values:
        errors["method"] = [_("Choose a payment method.")]
    account = None
    if data.cash_account_id:
        account = CashAccount.objects.filter(pk=data.cash_account_id).first()
        if account is None or not account.active:
            errors["cash_account"] = [_("Choose an active cash account.")]
    if data.date is None:
        errors["date"] = [_("Enter a date.")]
    if data.shares is not None:
        for share in data.shares:
            if share.amount is None or share.amount <= 0:
                errors["allocations"] = [_("An allocated amount must be above zero.")]
    if errors:
        raise ValidationFailed(errors)
    assert partner is not None
    return partner, account


@retrying_atomic
def payment_post(*, actor: User, data: PaymentData) -> Payment:
    """Record a receipt of payment or a payment: cash account, partner ledger and allocations in one transaction."""
    partner, account = _clean(data)
    assert data.date is not None and data.amount is not None
    check_open(data.date)
    account = account or cash_account_for_method(method=data.method)
    payment = Payment.objects.create(
        number=_number(data.direction, data.date),
        direction=data.direction,
        date=data.date,
        partner=partner,
        cash_account=account,
        method=data.method,
        amount=data.amount,
        reference=(data.reference or "").strip()[:60],
        notes=(data.notes or "").strip()[:300],
        created_by=actor,
    )
    _post(payment, actor=actor, shares=data.shares)
    audit_record(
        actor=actor,
        action="payment.posted",
        target=payment,
        after={
            "direction": payment.direction,
            "partner": partner.pk,
            "amount": str(payment.amount),
            "cash_account": account.pk,
            "allocated": str(payment_allocated(payment=payment)),
        },
    )
    return payment


def _post(payment: Payment, *, actor: User, shares: list[Share] | None) -> None:
    sign = 1 if payment.direction == Direction.IN else -1
    memo = f"{payment.get_direction_display()} {payment.partner.name}"
    cash_entry_post(
        account=payment.cash_account, amount=sign * payment.amount, day=payment.date, source=_source(payment),
        actor=actor, memo=memo,
    )  # fmt: skip
    entry = partner_entry_post(
        partner=payment.partner,
        account=payment.account,
        amount=-payment.amount,
        day=payment.date,
        due_date=payment.date,
        source=_source(payment),
        actor=actor,
        memo=payment.reference or payment.notes,
    )
    if shares != []:
        items_allocate(credit_id=entry.pk, shares=shares, source=_source(payment), day=payment.date, actor=actor)


def payment_item(*, payment: Payment) -> OpenItem | None:
    """The payment's credit in the partner ledger (its open amount is what is not yet allocated, negative)."""
    return OpenItem.objects.filter(
        entry__source_type=PAYMENT_SOURCE, entry__source_id=payment.pk, entry__phase="post", account=payment.account
    ).first()


def payment_allocated(*, payment: Payment) -> Decimal:
    """How much of the payment is allocated to documents."""
    item = payment_item(payment=payment)
    return item.open - item.amount if item is not None else Decimal(0)


@retrying_atomic
def payment_apply(*, actor: User, payment: Payment, shares: list[Share] | None, day: date | None = None) -> Payment:
    """Apply what is left of a payment (a prepayment) to documents, by hand or oldest first."""
    payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
    if payment.status != PaymentStatus.POSTED or payment.reversal_of_id:
        raise PaymentReversed(number=payment.number)
    item = payment_item(payment=payment)
    if item is None or item.open == 0:
        raise ValidationFailed.one(
            "allocations", _("Nothing of %(number)s is left to apply.") % {"number": payment.number}
        )
    made = items_allocate(
        credit_id=item.pk, shares=shares, source=_source(payment, "apply"), day=day or timezone.localdate(), actor=actor
    )
    audit_record(
        actor=actor,
        action="payment.applied",
        target=payment,
        after={"allocations": [{"item": a.debit_id, "amount": str(a.amount)} for a in made]},
    )
    return payment


@retrying_atomic
def credit_apply(*, actor: User, item_id: int, shares: list[Share] | None, day: date | None = None) -> list[Allocation]:
    """Apply any open credit of a partner (a return, a write-off, a payment) to its open documents."""
    item = OpenItem.objects.select_related("entry").filter(pk=item_id).first()
    if item is None or item.open >= 0:
        raise ValidationFailed.one("allocations", _("This entry has nothing left to apply."))
    entry = item.entry
    source = EntrySource(entry.source_type, entry.source_id, entry.source_number, "apply")
    made = items_allocate(credit_id=item.pk, shares=shares, source=source, day=day or timezone.localdate(), actor=actor)
    audit_record(
        actor=actor,
        action="partner_credit.applied",
        target_type="partners.openitem",
        target_id=str(item.pk),
        target_repr=entry.source_number,
        after={"allocations": [{"item": a.debit_id, "amount": str(a.amount)} for a in made]},
    )
    return made


@retrying_atomic
def allocation_undo(*, actor: User, allocation: Allocation) -> Allocation:
    """Undo one allocation: both the document and the credit are open by its amount again."""
    allocation = Allocation.objects.select_related("debit", "credit").get(pk=allocation.pk)
    if allocation.released_at is None and (allocation.debit.reversed or allocation.credit.reversed):
        raise ValidationFailed.one(
            "allocation",
            _("%(number)s settles a reversed document with its reversal (红冲); it cannot be undone.")
            % {"number": allocation.source_number},
        )
    released = allocations_release(allocation_id=allocation.pk)
    if released:
        audit_record(
            actor=actor,
            action="allocation.undone",
            target_type="partners.allocation",
            target_id=str(allocation.pk),
            target_repr=allocation.source_number,
            after={"debit": allocation.debit_id, "credit": allocation.credit_id, "amount": str(allocation.amount)},
        )
    return released[0] if released else allocation


@retrying_atomic
def payment_reverse(*, actor: User, payment: Payment, day: date | None = None) -> Payment:
    """红冲: undo the payment's allocations, post its exact opposite on the cash account and partner ledger."""
    day = day or timezone.localdate()
    check_open(day)
    payment = (
        Payment.objects.select_for_update(of=("self",)).select_related("partner", "cash_account").get(pk=payment.pk)
    )
    if payment.status != PaymentStatus.POSTED or payment.reversal_of_id:
        raise PaymentReversed(number=payment.number)
    if day < payment.date:
        raise ValidationFailed.one(
            "date",
            _("A reversal cannot be dated before the document (%(date)s).") % {"date": payment.date.isoformat()},
        )
    item = payment_item(payment=payment)
    if item is not None:
        allocations_release(credit_id=item.pk)
    reversal = Payment.objects.create(
        number=_number(payment.direction, day),
        direction=payment.direction,
        date=day,
        partner=payment.partner,
        cash_account=payment.cash_account,
        method=payment.method,
        amount=-payment.amount,
        reference=payment.reference,
        notes=_("Reversal of %(number)s") % {"number": payment.number},
        status=PaymentStatus.POSTED,
        reversal_of=payment,
        created_by=actor,
    )
    sign = 1 if payment.direction == Direction.IN else -1
    cash_entry_post(
        account=payment.cash_account, amount=-sign * payment.amount, day=day, source=_source(reversal), actor=actor,
        memo=reversal.notes,
    )  # fmt: skip
    partner_entry_reverse(source=_source(reversal), original=_source(payment), day=day, actor=actor)
    payment.status = PaymentStatus.REVERSED
    payment.save(update_fields=["status"])
    audit_record(actor=actor, action="payment.reversed", target=payment, after={"reversal": reversal.number})
    return reversal


def payment_taken_save(taken: PaymentTaken, actor: User) -> Payment:
    """Record a payment taken with a document (a counter sale) as a receipt of payment settling that document."""
    direction = Direction.IN if taken.account == Account.RECEIVABLE else Direction.OUT
    method = taken.method if taken.method in PaymentMethod.values else PaymentMethod.OTHER
    account = cash_account_for_method(method=method)
    payment = Payment.objects.create(
        number=_number(direction, taken.day),
        direction=direction,
        date=taken.day,
        partner=taken.partner,
        cash_account=account,
        method=method,
        amount=round_money(taken.amount),
        notes=taken.memo[:300],
        taken_with_type=taken.settles.type,
        taken_with_id=taken.settles.id,
        created_by=actor,
    )
    settled = PartnerEntry.objects.filter(
        source_type=taken.settles.type,
        source_id=taken.settles.id,
        phase=taken.settles.phase,
        account=taken.account,
    ).first()
    shares = [Share(settled.pk, payment.amount)] if settled is not None else []
    _post(payment, actor=actor, shares=shares)
    audit_record(actor=actor, action="payment.posted", target=payment, after={"taken_with": taken.settles.number})
    return payment


def payments_taken_reverse(*, settles: EntrySource, day: date, actor: User) -> list[Payment]:
    """Reverse the payments taken with a document (before the document itself is reversed)."""
    taken = Payment.objects.filter(
        taken_with_type=settles.type, taken_with_id=settles.id, status=PaymentStatus.POSTED, reversal_of__isnull=True
    ).order_by("pk")
    return [payment_reverse(actor=actor, payment=p, day=day) for p in taken]
