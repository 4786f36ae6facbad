"""月结 for the partner ledger and the cash journal: snapshots written when a stock period closes, dropped on reopen.

Inventory owns the period (close, reopen, the closed-date check); finance registers these hooks with it when it
starts (`FinanceConfig.ready`), so they run inside the same transaction as the stock snapshots.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from jxc.core.numbers import ZERO
from jxc.finance.models import CashEntry, CashSnapshot, PartnerSnapshot
from jxc.inventory.models import StockPeriod
from jxc.inventory.services.periods import PeriodHook
from jxc.partners.models import Account, PartnerEntry


def _since(previous: StockPeriod | None, model: type[PartnerSnapshot] | type[CashSnapshot]) -> StockPeriod | None:
    """The period to start from: the previous closed one if it has snapshots of this kind, else none (all history).

    Only non-zero balances are written, so a previous period without any row (everything zero, or closed before
    these snapshots existed) is summed from the start instead: slower once, never wrong."""
    if previous is not None and model.objects.filter(period=previous).exists():
        return previous
    return None


def partner_snapshots_write(period: StockPeriod, previous: StockPeriod | None) -> None:
    """Each partner's receivable and payable at the period end: the previous snapshot plus the entries dated
    inside the period; rows only for partners with a balance."""
    start = _since(previous, PartnerSnapshot)
    balances: dict[int, list[Decimal]] = {}
    if start is not None:
        for s in PartnerSnapshot.objects.filter(period=start):
            balances[s.partner_id] = [s.receivable, s.payable]
    entries = PartnerEntry.objects.filter(date__lte=period.end)
    if start is not None:
        entries = entries.filter(date__gt=start.end)
    for r in entries.values("partner_id", "account").annotate(total=Sum("amount")).order_by():
        pair = balances.setdefault(r["partner_id"], [ZERO, ZERO])
        pair[0 if r["account"] == Account.RECEIVABLE else 1] += r["total"] or ZERO
    PartnerSnapshot.objects.bulk_create(
        [
            PartnerSnapshot(period=period, partner_id=partner_id, receivable=receivable, payable=payable)
            for partner_id, (receivable, payable) in sorted(balances.items())
            if receivable or payable
        ],
        batch_size=2000,
    )


def cash_snapshots_write(period: StockPeriod, previous: StockPeriod | None) -> None:
    """Each cash account's balance at the period end: the previous snapshot plus the entries inside the period."""
    start = _since(previous, CashSnapshot)
    balances: dict[int, Decimal] = {}
    if start is not None:
        for s in CashSnapshot.objects.filter(period=start):
            balances[s.account_id] = s.balance
    entries = CashEntry.objects.filter(date__lte=period.end)
    if start is not None:
        entries = entries.filter(date__gt=start.end)
    for r in entries.values("account_id").annotate(total=Sum("amount")).order_by():
        balances[r["account_id"]] = balances.get(r["account_id"], ZERO) + (r["total"] or ZERO)
    CashSnapshot.objects.bulk_create(
        [
            CashSnapshot(period=period, account_id=account_id, balance=balance)
            for account_id, balance in sorted(balances.items())
            if balance
        ],
        batch_size=2000,
    )


def finance_period_close(period: StockPeriod, previous: StockPeriod | None) -> None:
    """The finance part of closing a period (in the close transaction, after the stock snapshots)."""
    partner_snapshots_write(period, previous)
    cash_snapshots_write(period, previous)


def finance_period_reopen(period: StockPeriod) -> None:
    """The finance part of reopening a period: its partner and cash snapshots are dropped."""
    PartnerSnapshot.objects.filter(period=period).delete()
    CashSnapshot.objects.filter(period=period).delete()


FINANCE_PERIOD_HOOK = PeriodHook(close=finance_period_close, reopen=finance_period_reopen)
