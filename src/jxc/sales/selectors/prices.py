"""The price to propose on a sales line: agreed with the customer, else the last sold to them, else their level."""

from __future__ import annotations

from decimal import Decimal

from jxc.accounts.selectors import include_tax_default
from jxc.catalog.models import Product
from jxc.core.numbers import round_price
from jxc.partners.models import Partner, PriceLevel
from jxc.sales.choices import OrderStatus
from jxc.sales.models import CustomerPrice, SalesOrderLine

HUNDRED = Decimal(100)
SOLD = (OrderStatus.APPROVED, OrderStatus.PARTIAL, OrderStatus.DONE, OrderStatus.CLOSED)


def _restate(price: Decimal, *, tax_rate: Decimal, given_with_tax: bool, want_with_tax: bool) -> Decimal:
    if given_with_tax == want_with_tax:
        return price
    factor = (HUNDRED + tax_rate) / HUNDRED
    return price * factor if want_with_tax else price / factor


def last_sale_price(*, customer: Partner, product: Product) -> Decimal | None:
    """The last price sold to this customer, per base unit without tax and after discount (None if never)."""
    line = (
        SalesOrderLine.objects.filter(order__customer=customer, product=product, order__status__in=SOLD)
        .exclude(quantity=0)
        .order_by("-order__date", "-order_id", "-pk")
        .only("amount", "quantity")
        .first()
    )
    return round_price(line.amount / line.quantity) if line is not None else None


def sale_price(
    *, customer: Partner | None, product: Product, factor: Decimal, tax_rate: Decimal, include_tax: bool
) -> tuple[Decimal, str]:
    """The price of one `factor` unit and where it came from: agreed, last_sale, wholesale or retail.

    Product and agreed prices are per base unit, stated as the company states prices (with or without tax).
    """
    company_with_tax = include_tax_default(None)
    if customer is not None:
        agreed = CustomerPrice.objects.filter(customer=customer, product=product).first()
        if agreed is not None:
            base = _restate(agreed.price, tax_rate=tax_rate, given_with_tax=company_with_tax, want_with_tax=include_tax)
            return round_price(base * factor), "agreed"
        last = last_sale_price(customer=customer, product=product)
        if last is not None:
            base = _restate(last, tax_rate=tax_rate, given_with_tax=False, want_with_tax=include_tax)
            return round_price(base * factor), "last_sale"
    level = customer.price_level if customer is not None else PriceLevel.RETAIL
    if level in (PriceLevel.WHOLESALE, PriceLevel.VIP) and product.wholesale_price:
        base, source = product.wholesale_price, "wholesale"
    else:
        base, source = product.retail_price, "retail"
    base = _restate(base, tax_rate=tax_rate, given_with_tax=company_with_tax, want_with_tax=include_tax)
    return round_price(base * factor), source
