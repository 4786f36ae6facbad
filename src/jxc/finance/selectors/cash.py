"""Reads of cash accounts (资金账户): the list with balances and one account's journal between two dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet

from jxc.finance.models import CashAccount, CashEntry
from jxc.finance.selectors.periods import cash_balance_at

ZERO = Decimal(0)


def cash_account_list(*, q: str = "", kind: str = "", active: bool | None = None) -> QuerySet[CashAccount]:
    """Cash accounts by code, name, bank or account number, with filters; each row carries its balance."""
    accounts = CashAccount.objects.all()
    q = q.strip()
    if q:
        accounts = accounts.filter(
            Q(code__icontains=q) | Q(name__icontains=q) | Q(bank_name__icontains=q) | Q(account_no__icontains=q)
        )
    if kind:
        accounts = accounts.filter(kind=kind)
    if active is not None:
        accounts = accounts.filter(active=active)
    return accounts


def cash_account_get(*, pk: int) -> CashAccount:
    return CashAccount.objects.get(pk=pk)


def cash_account_choices(*, current: int | None = None) -> list[tuple[int, str]]:
    """Active accounts to pick from (and the one already chosen, even if deactivated since)."""
    accounts = CashAccount.objects.filter(Q(active=True) | Q(pk=current or 0)).order_by("code")
    return [(a.pk, f"{a.name} ({a.code})") for a in accounts]


@dataclass
class JournalLine:
    """An entry of the journal with the account's balance after it, in date order."""

    entry: CashEntry
    money_in: Decimal | None
    money_out: Decimal | None
    balance: Decimal

    @property
    def date(self) -> date:
        return self.entry.date

    @property
    def number(self) -> str:
        return self.entry.source_number

    @property
    def memo(self) -> str:
        return self.entry.memo


@dataclass
class CashJournal:
    """One account's journal (日记账) between two dates: the balance before, the lines, the totals."""

    account: CashAccount
    date_from: date | None
    date_to: date | None
    opening: Decimal
    lines: list[JournalLine] = field(default_factory=list)
    total_in: Decimal = ZERO
    total_out: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + self.total_in - self.total_out


def cash_journal(*, account: CashAccount, date_from: date | None = None, date_to: date | None = None) -> CashJournal:
    """The entries dated between the two days (both included) in date order, each with the running balance from
    the opening balance (what the account held before `date_from`)."""
    entries = CashEntry.objects.filter(account=account)
    opening = ZERO
    if date_from is not None:
        opening = cash_balance_at(account=account, day=date_from - timedelta(days=1))
        entries = entries.filter(date__gte=date_from)
    if date_to is not None:
        entries = entries.filter(date__lte=date_to)
    journal = CashJournal(account=account, date_from=date_from, date_to=date_to, opening=opening)
    running = opening
    for entry in entries.select_related("created_by").order_by("date", "pk"):
        running += entry.amount
        money_in = entry.amount if entry.amount > 0 else None
        money_out = -entry.amount if entry.amount < 0 else None
        journal.total_in += money_in or ZERO
        journal.total_out += money_out or ZERO
        journal.lines.append(JournalLine(entry=entry, money_in=money_in, money_out=money_out, balance=running))
    return journal
