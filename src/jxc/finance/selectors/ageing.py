"""Ageing (账龄) of receivables and payables, and the lists of overdue receivables and payables falling due.

Buckets go by the DUE date of each open document: days past due = as_of − due_date. "Not yet due" is a due date
after as_of; a document due on as_of is 0 days past due and falls in the 0–30 bucket. Open credits (prepayments
预收/预付, returns and write-offs not applied yet) are a column of their own, negative, so that a partner's row adds
up to its balance on the account.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from jxc.core.numbers import ZERO
from jxc.partners.models import Account, Allocation, OpenItem, Partner

BUCKETS = ("not_due", "days_0_30", "days_31_60", "days_61_90", "over_90")


@dataclass
class AgeingRow:
    """One partner's open amounts on the account, by how long past due; `credits` is negative (or zero)."""

    partner_id: int
    partner: str = ""
    code: str = ""
    not_due: Decimal = ZERO
    days_0_30: Decimal = ZERO
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    over_90: Decimal = ZERO
    credits: Decimal = ZERO

    @property
    def overdue(self) -> Decimal:
        return self.days_0_30 + self.days_31_60 + self.days_61_90 + self.over_90

    @property
    def total(self) -> Decimal:
        return self.not_due + self.overdue + self.credits

    def add(self, other: AgeingRow) -> None:
        for name in (*BUCKETS, "credits"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Ageing:
    """The ageing of one account as of a date: a row per partner with anything open, and the totals."""

    account: str
    as_of: date
    rows: list[AgeingRow] = field(default_factory=list)
    totals: AgeingRow = field(default_factory=lambda: AgeingRow(partner_id=0))


def _bucket_filters(as_of: date, prefix: str) -> dict[str, Q]:
    """The condition on the due date (`<prefix>due_date`) of each bucket."""
    due = f"{prefix}due_date"

    def between(oldest: int, newest: int) -> Q:
        return Q(**{f"{due}__gte": as_of - timedelta(days=oldest), f"{due}__lte": as_of - timedelta(days=newest)})

    return {
        "not_due": Q(**{f"{due}__gt": as_of}),
        "days_0_30": between(30, 0),
        "days_31_60": between(60, 31),
        "days_61_90": between(90, 61),
        "over_90": Q(**{f"{due}__lt": as_of - timedelta(days=90)}),
    }


Sums = dict[int, dict[str, Any]]


def _sums(queryset: QuerySet[Any], *, group: str, value: str, as_of: date, prefix: str, debt: Q | None) -> Sums:
    """One aggregate query: per partner, Σ value of the debts per bucket and (with `debt`) Σ value of the credits."""
    buckets = _bucket_filters(as_of, prefix)
    aggregates = {
        name: Sum(value, filter=condition if debt is None else debt & condition) for name, condition in buckets.items()
    }
    if debt is not None:
        aggregates["credits"] = Sum(value, filter=~debt)
    return {row[group]: row for row in queryset.values(group).annotate(**aggregates).order_by()}


def ageing(*, account: str, as_of: date | None = None, partner_id: int | None = None) -> Ageing:
    """The ageing of receivables or payables as of a date (default today), per partner, exact to the cent.

    As of today or later: the open amounts as they stand (every posted document, so each row equals the partner's
    balance on the account), aged at `as_of`. As of a past date: the documents dated on or before it, less the
    allocations dated on or before it (and after both documents they match) that are still in force. An
    allocation undone later (a payment reversed, an allocation taken back) is not subtracted even for dates when
    it was in force: the document shows open and the payment as an unapplied credit, which leaves the partner's
    total — its balance on that date — unchanged. Two aggregate queries, whatever the number of partners.
    """
    assert account in Account.values
    today = timezone.localdate()
    as_of = as_of or today
    items = OpenItem.objects.filter(account=account)
    if partner_id is not None:
        items = items.filter(partner_id=partner_id)
    rows: dict[int, AgeingRow] = {}

    def merge(sums: Sums, sign: int) -> None:
        for partner, values in sums.items():
            row = rows.setdefault(partner, AgeingRow(partner_id=partner))
            for name in (*BUCKETS, "credits"):
                setattr(row, name, getattr(row, name) + sign * (values[name] or ZERO))

    if as_of >= today:
        open_items = items.exclude(open=0)
        merge(_sums(open_items, group="partner_id", value="open", as_of=as_of, prefix="", debt=Q(open__gt=0)), 1)
    else:
        dated = items.filter(date__lte=as_of)
        merge(_sums(dated, group="partner_id", value="amount", as_of=as_of, prefix="", debt=Q(amount__gt=0)), 1)
        allocations = Allocation.objects.filter(
            released_at__isnull=True,
            date__lte=as_of,
            debit__account=account,
            debit__date__lte=as_of,
            credit__date__lte=as_of,
        )
        if partner_id is not None:
            allocations = allocations.filter(debit__partner_id=partner_id)
        # An allocation lowers its debt's bucket and raises (towards zero) the credit's column.
        settled = _sums(
            allocations, group="debit__partner_id", value="amount", as_of=as_of, prefix="debit__", debt=None
        )
        for values in settled.values():
            values["credits"] = -sum((values[name] or ZERO for name in BUCKETS), ZERO)
        merge(settled, -1)
    result = Ageing(account=account, as_of=as_of)
    names = {
        pk: (name, code)
        for pk, name, code in Partner.objects.filter(pk__in=list(rows)).values_list("pk", "name", "code")
    }
    for row in rows.values():
        if not any(getattr(row, name) for name in (*BUCKETS, "credits")):
            continue
        row.partner, row.code = names.get(row.partner_id, ("", ""))
        result.rows.append(row)
        result.totals.add(row)
    result.rows.sort(key=lambda r: (r.partner, r.partner_id))
    return result


def due_items(
    *, account: str, as_of: date | None = None, within: int = 0, partner_id: int | None = None
) -> QuerySet[OpenItem]:
    """Open documents of the account past due on `as_of` (due before it), or with `within` > 0 also those falling
    due in the next `within` days; oldest due first. Credits (prepayments) are not documents to collect or pay."""
    assert account in Account.values
    as_of = as_of or timezone.localdate()
    if within > 0:
        condition = Q(due_date__lte=as_of + timedelta(days=within))
    else:
        condition = Q(due_date__lt=as_of)
    items = OpenItem.objects.filter(condition, account=account, open__gt=0, reversed=False)
    if partner_id is not None:
        items = items.filter(partner_id=partner_id)
    return items.select_related("entry", "partner").order_by("due_date", "date", "pk")


def days_past_due(item: OpenItem, as_of: date) -> int:
    """Days the item is past due on `as_of` (negative: days until it falls due)."""
    return (as_of - item.due_date).days
