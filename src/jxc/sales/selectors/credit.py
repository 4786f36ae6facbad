"""A customer's credit: what they owe, what approved orders will add, what is overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jxc.core.numbers import round_money
from jxc.partners.models import Partner
from jxc.partners.selectors import partner_balance, receivable_overdue
from jxc.sales.choices import OPEN_ORDER_STATUSES
from jxc.sales.models import SalesOrderLine


@dataclass(frozen=True)
class Credit:
    """Exposure = open receivables + approved orders not shipped yet; compared with the limit."""

    receivable: Decimal
    on_order: Decimal
    overdue: Decimal
    limit: Decimal | None

    @property
    def exposure(self) -> Decimal:
        return self.receivable + self.on_order

    def over_with(self, amount: Decimal) -> bool:
        """Whether `amount` more would take the customer over the limit."""
        return self.limit is not None and self.exposure + amount > self.limit


def credit_of(*, customer: Partner, on: date, exclude_order_id: int | None = None) -> Credit:
    """The customer's credit position on a day (the order being reviewed left out of `on_order`)."""
    lines = SalesOrderLine.objects.filter(order__customer=customer, order__status__in=OPEN_ORDER_STATUSES)
    if exclude_order_id is not None:
        lines = lines.exclude(order_id=exclude_order_id)
    rows = lines.exclude(quantity=0).values_list("total", "quantity", "shipped_quantity")
    on_order = sum(
        (round_money(total * (quantity - shipped) / quantity) for total, quantity, shipped in rows), Decimal(0)
    )
    return Credit(
        receivable=partner_balance(partner=customer).receivable,
        on_order=on_order,
        overdue=receivable_overdue(partner=customer, on=on),
        limit=customer.credit_limit,
    )
