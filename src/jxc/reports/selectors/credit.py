"""Credit exposure per customer (信用占用): the list form of `jxc.sales.selectors.credit.credit_of`.

`credit_of` answers for one customer with three queries; this computes the same `Credit` for every customer of a
list with three queries in all (balances, approved-not-shipped order lines, receivables not yet due), by the
same rules: an open order line adds its total times the share not shipped yet (rounded per line), overdue is the
receivable less what falls due on or after the day (never below zero).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum

from jxc.core.numbers import ZERO, round_money
from jxc.partners.models import Account, Partner, PartnerBalance, PartnerEntry
from jxc.sales.choices import OPEN_ORDER_STATUSES
from jxc.sales.models import SalesOrderLine
from jxc.sales.selectors.credit import Credit

SORTS = ("exposure", "available", "overdue", "receivable", "name")


@dataclass(frozen=True)
class CreditRow:
    """A customer and its credit position."""

    customer: Partner
    credit: Credit

    @property
    def limit(self) -> Decimal | None:
        return self.credit.limit

    @property
    def receivable(self) -> Decimal:
        return self.credit.receivable

    @property
    def on_order(self) -> Decimal:
        return self.credit.on_order

    @property
    def exposure(self) -> Decimal:
        return self.credit.exposure

    @property
    def overdue(self) -> Decimal:
        return self.credit.overdue

    @property
    def available(self) -> Decimal | None:
        """What is left of the limit (negative: over it); None without a limit."""
        return None if self.credit.limit is None else self.credit.limit - self.credit.exposure

    @property
    def over_limit(self) -> bool:
        return self.credit.limit is not None and self.credit.exposure > self.credit.limit

    @property
    def usage(self) -> Decimal | None:
        """Exposure as a percentage of the limit (rounded half up to 0.01); None without a positive limit."""
        limit = self.credit.limit
        return None if not limit or limit <= 0 else round_money(self.credit.exposure * 100 / limit)


def credit_customers(*, q: str = "", salesperson_id: int | None = None) -> QuerySet[Partner]:
    """The customers the list is about (inactive ones too: they may still owe)."""
    customers = Partner.objects.filter(is_customer=True).select_related("salesperson")
    if q:
        customers = customers.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(mnemonic__icontains=q.upper()) | Q(phone__icontains=q)
        )
    if salesperson_id:
        customers = customers.filter(salesperson_id=salesperson_id)
    return customers


def credits_of(*, customers: QuerySet[Partner], on: date) -> dict[int, Credit]:
    """`credit_of` for many customers at once: the customer's id → its credit position on a day."""
    ids = customers.values("pk")
    balances = dict(
        PartnerBalance.objects.filter(partner_id__in=ids).values_list("partner_id", "receivable").order_by()
    )
    on_order: dict[int, Decimal] = defaultdict(lambda: ZERO)
    lines = (
        SalesOrderLine.objects.filter(order__customer_id__in=ids, order__status__in=OPEN_ORDER_STATUSES)
        .exclude(quantity=0)
        .values_list("order__customer_id", "total", "quantity", "shipped_quantity")
        .order_by()
    )
    for customer_id, total, quantity, shipped in lines:
        on_order[customer_id] += round_money(total * (quantity - shipped) / quantity)
    not_due = dict(
        PartnerEntry.objects.filter(partner_id__in=ids, account=Account.RECEIVABLE, amount__gt=0, due_date__gte=on)
        .values("partner_id")
        .annotate(total=Sum("amount"))
        .values_list("partner_id", "total")
        .order_by()
    )
    result = {}
    for customer in customers:
        receivable = balances.get(customer.pk, ZERO)
        result[customer.pk] = Credit(
            receivable=receivable,
            on_order=on_order.get(customer.pk, ZERO),
            overdue=max(receivable - not_due.get(customer.pk, ZERO), ZERO),
            limit=customer.credit_limit,
        )
    return result


def credit_exposure(
    *,
    on: date,
    q: str = "",
    salesperson_id: int | None = None,
    show: str = "active",
    sort: str = "exposure",
) -> list[CreditRow]:
    """The customers' credit positions. `show`: "active" (a limit or anything owed or on order), "over" (over the
    limit), "overdue" (something overdue), "all". Sorted by `sort` (largest first; "name" A–Z)."""
    customers = credit_customers(q=q, salesperson_id=salesperson_id)
    credits = credits_of(customers=customers, on=on)
    rows = [CreditRow(c, credits[c.pk]) for c in customers]
    if show == "active":
        rows = [r for r in rows if r.limit is not None or r.receivable or r.on_order]
    elif show == "over":
        rows = [r for r in rows if r.over_limit]
    elif show == "overdue":
        rows = [r for r in rows if r.overdue > 0]
    return sorted(rows, key=_sort_key(sort))


def _sort_key(sort: str) -> Any:
    if sort == "name":
        return lambda r: (r.customer.name, r.customer.pk)
    if sort == "available":  # the least left first; no limit last
        return lambda r: (r.available is None, r.available if r.available is not None else ZERO, r.customer.name)
    field = sort if sort in {"overdue", "receivable"} else "exposure"
    return lambda r: (-getattr(r, field), r.customer.name, r.customer.pk)


def credit_totals(rows: list[CreditRow]) -> dict[str, Decimal]:
    """The sums of the money columns (available only over the customers with a limit)."""
    return {
        "limit": sum((r.limit for r in rows if r.limit is not None), ZERO),
        "receivable": sum((r.receivable for r in rows), ZERO),
        "on_order": sum((r.on_order for r in rows), ZERO),
        "exposure": sum((r.exposure for r in rows), ZERO),
        "available": sum((r.available for r in rows if r.available is not None), ZERO),
        "overdue": sum((r.overdue for r in rows), ZERO),
    }
