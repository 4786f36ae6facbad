"""The price to propose on a sales line: agreed with the customer, else the last sold to them, else their level.

One row read per line (the customer's prices for the product); no history is scanned."""

from __future__ import annotations

from decimal import Decimal

from jxc.accounts.selectors import include_tax_default
from jxc.catalog.models import Product
from jxc.core.numbers import round_price
from jxc.partners.models import Partner, PriceLevel
from jxc.sales.models import CustomerPrice

HUNDRED = Decimal(100)


def _restate(price: Decimal, *, tax_rate: Decimal, given_with_tax: bool, want_with_tax: bool) -> Decimal:
    if given_with_tax == want_with_tax:
        return price
    factor = (HUNDRED + tax_rate) / HUNDRED
    return price * factor if want_with_tax else price / factor


def sale_price(
    *, customer: Partner | None, product: Product, factor: Decimal, tax_rate: Decimal, include_tax: bool
) -> tuple[Decimal, str]:
    """The price of one `factor` unit and where it came from: agreed, last_sale, wholesale or retail.

    Product and agreed prices are per base unit, stated as the company states prices (with or without tax).
    """
    company_with_tax = include_tax_default(None)
    if customer is not None:
        known = CustomerPrice.objects.filter(customer=customer, product=product).first()
        if known is not None and known.price is not None:
            base = _restate(known.price, tax_rate=tax_rate, given_with_tax=company_with_tax, want_with_tax=include_tax)
            return round_price(base * factor), "agreed"
        if known is not None and known.last_price is not None:
            base = _restate(known.last_price, tax_rate=tax_rate, given_with_tax=False, want_with_tax=include_tax)
            return round_price(base * factor), "last_sale"
    level = customer.price_level if customer is not None else PriceLevel.RETAIL
    if level in (PriceLevel.WHOLESALE, PriceLevel.VIP) and product.wholesale_price:
        base, source = product.wholesale_price, "wholesale"
    else:
        base, source = product.retail_price, "retail"
    base = _restate(base, tax_rate=tax_rate, given_with_tax=company_with_tax, want_with_tax=include_tax)
    return round_price(base * factor), source
