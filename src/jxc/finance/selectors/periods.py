"""Reads of closed periods (月结): the totals saved at each period end, and balances at a past date that start from
the last snapshot instead of summing all history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum

from jxc.core.numbers import ZERO
from jxc.finance.models import CashAccount, CashEntry, CashSnapshot, PartnerSnapshot
from jxc.inventory.choices import PeriodStatus
from jxc.inventory.models import CostSnapshot, StockPeriod
from jxc.partners.models import Account, Partner, PartnerEntry


@dataclass(frozen=True)
class PeriodTotals:
    """What a closed period's snapshots add up to."""

    stock_value: Decimal = ZERO
    receivable: Decimal = ZERO
    payable: Decimal = ZERO
    cash: Decimal = ZERO


@dataclass(frozen=True)
class PeriodRow:
    """A month of the period list with its totals (None while the month is open: nothing is saved then)."""

    period: StockPeriod
    totals: PeriodTotals | None

    @property
    def is_closed(self) -> bool:
        return self.period.status == PeriodStatus.CLOSED


def finance_period_list() -> QuerySet[StockPeriod]:
    """Periods (closed and reopened months), latest first."""
    return StockPeriod.objects.select_related("closed_by").order_by("-start")


def period_totals(*, period_ids: Iterable[int]) -> dict[int, PeriodTotals]:
    """The totals of each period's snapshots: stock value, receivables, payables, cash (three queries in all)."""
    ids = list(period_ids)
    if not ids:
        return {}
    stock = dict(
        CostSnapshot.objects.filter(period_id__in=ids)
        .values("period_id")
        .annotate(v=Sum("value"))
        .order_by()
        .values_list("period_id", "v")
    )
    partners = {
        r["period_id"]: (r["r"], r["p"])
        for r in PartnerSnapshot.objects.filter(period_id__in=ids)
        .values("period_id")
        .annotate(r=Sum("receivable"), p=Sum("payable"))
        .order_by()
    }
    cash = dict(
        CashSnapshot.objects.filter(period_id__in=ids)
        .values("period_id")
        .annotate(b=Sum("balance"))
        .order_by()
        .values_list("period_id", "b")
    )
    return {
        pk: PeriodTotals(
            stock_value=stock.get(pk) or ZERO,
            receivable=partners.get(pk, (ZERO, ZERO))[0] or ZERO,
            payable=partners.get(pk, (ZERO, ZERO))[1] or ZERO,
            cash=cash.get(pk) or ZERO,
        )
        for pk in ids
    }


def period_rows(periods: Iterable[StockPeriod]) -> list[PeriodRow]:
    """The periods with the totals of the closed ones."""
    periods = list(periods)
    totals = period_totals(period_ids=[p.pk for p in periods if p.status == PeriodStatus.CLOSED])
    return [PeriodRow(p, totals.get(p.pk)) for p in periods]


def _last_closed(day: date) -> StockPeriod | None:
    return StockPeriod.objects.filter(status=PeriodStatus.CLOSED, end__lte=day).order_by("-end").first()


def partner_balance_at(*, partner: Partner, day: date) -> tuple[Decimal, Decimal]:
    """The partner's receivable and payable at the end of `day`: the last snapshot at or before it plus the entries
    dated after the snapshot (a period with no snapshot rows at all, e.g. everything zero, reads from the start)."""
    receivable, payable = ZERO, ZERO
    entries = PartnerEntry.objects.filter(partner=partner, date__lte=day)
    period = _last_closed(day)
    if period is not None and PartnerSnapshot.objects.filter(period=period).exists():
        snapshot = PartnerSnapshot.objects.filter(period=period, partner=partner).first()
        if snapshot is not None:
            receivable, payable = snapshot.receivable, snapshot.payable
        entries = entries.filter(date__gt=period.end)
    for account, total in entries.values("account").annotate(t=Sum("amount")).order_by().values_list("account", "t"):
        if account == Account.RECEIVABLE:
            receivable += total or ZERO
        else:
            payable += total or ZERO
    return receivable, payable


def cash_balance_at(*, account: CashAccount, day: date) -> Decimal:
    """A cash account's balance at the end of `day`: the last snapshot at or before it plus the entries since."""
    balance = ZERO
    entries = CashEntry.objects.filter(account=account, date__lte=day)
    period = _last_closed(day)
    if period is not None and CashSnapshot.objects.filter(period=period).exists():
        snapshot = CashSnapshot.objects.filter(period=period, account=account).first()
        balance = snapshot.balance if snapshot is not None else ZERO
        entries = entries.filter(date__gt=period.end)
    return balance + (entries.aggregate(t=Sum("amount"))["t"] or ZERO)
