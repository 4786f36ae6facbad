"""Cash accounts (资金账户) and their journal: every payment moves an account's balance by one entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_queue, audit_record, changed, snapshot
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import round_money
from jxc.core.sequences import code_next
from jxc.finance.choices import METHOD_KIND, CashAccountKind
from jxc.finance.models import CashAccount, CashEntry
from jxc.partners.services.ledger import EntrySource

FIELDS = ("code", "name", "kind", "bank_name", "account_no", "active", "notes")
DEFAULT_NAMES = {
    CashAccountKind.CASH: "现金",
    CashAccountKind.BANK: "银行存款",
    CashAccountKind.WECHAT: "微信",
    CashAccountKind.ALIPAY: "支付宝",
    CashAccountKind.OTHER: "其他",
}


@dataclass
class CashAccountData:
    """A cash account as entered."""

    name: str
    kind: str = CashAccountKind.CASH
    code: str = ""
    bank_name: str = ""
    account_no: str = ""
    active: bool = True
    notes: str = ""


@transaction.atomic
def cash_account_save(*, actor: User | None, data: CashAccountData, account: CashAccount | None = None) -> CashAccount:
    """Create or change a cash account (its balance only moves through payments and opening balances)."""
    errors: dict[str, list[str | Promise]] = {}
    data.name = " ".join((data.name or "").split())
    data.code = (data.code or "").strip()
    if not data.name:
        errors["name"] = [_("Enter a name.")]
    if data.kind not in CashAccountKind.values:
        errors["kind"] = [_("Choose a kind.")]
    others = CashAccount.objects.exclude(pk=account.pk) if account else CashAccount.objects.all()
    if data.code and others.filter(code=data.code).exists():
        errors["code"] = [_("Another account has this code.")]
    if errors:
        raise ValidationFailed(errors)
    before = None
    if account is None:
        account = CashAccount(code=data.code or code_next(series="ZH", width=3))
    else:  # compare with the row as stored, not with the caller's (possibly stale) copy
        account = CashAccount.objects.select_for_update(of=("self",)).get(pk=account.pk)
        before = snapshot(account, exclude=("balance",))
        account.code = data.code or account.code
    for name in FIELDS[1:]:
        setattr(account, name, getattr(data, name))
    account.save()
    after = snapshot(account, exclude=("balance",))
    if before is None:
        audit_record(actor=actor, action="cash_account.created", target=account, after=after)
    elif after != before:
        old, new = changed(before, after)
        audit_record(actor=actor, action="cash_account.changed", target=account, before=old, after=new)
    return account


def cash_account_for_method(*, method: str) -> CashAccount:
    """The first active account of the kind a payment method lands in; made with a default name if none exists."""
    kind = METHOD_KIND.get(method, CashAccountKind.OTHER)  # type: ignore[call-overload]
    account = CashAccount.objects.filter(kind=kind, active=True).order_by("pk").first()
    if account is None:
        account = cash_account_save(actor=None, data=CashAccountData(name=DEFAULT_NAMES[kind], kind=kind))
    return account


def cash_entry_post(
    *, account: CashAccount, amount: Decimal, day: date, source: EntrySource, actor: User | None, memo: str = ""
) -> CashEntry:
    """Move the account's balance by `amount` (+ in, − out) with one journal entry, in the caller's transaction."""
    existing = CashEntry.objects.filter(
        source_type=source.type, source_id=source.id, phase=source.phase, account=account
    ).first()
    if existing is not None:
        return existing
    audit_queue()
    locked = CashAccount.objects.select_for_update(of=("self",)).get(pk=account.pk)
    amount = round_money(amount)
    locked.balance += amount
    locked.save(update_fields=["balance"])
    account.balance = locked.balance
    return CashEntry.objects.create(
        account=locked,
        date=day,
        amount=amount,
        balance_after=locked.balance,
        source_type=source.type,
        source_id=source.id,
        source_number=source.number,
        phase=source.phase,
        memo=memo[:200],
        created_by=actor if actor is not None and actor.pk else None,
    )
