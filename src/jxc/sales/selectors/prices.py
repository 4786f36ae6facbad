"""The price to propose on a sales line: agreed with the customer, else the last sold to them, else their level.

One row read per line (the customer's prices for the product); no history is scanned. Also the agreed prices
(协议价) as the price pages and API list them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from jxc.accounts.selectors import include_tax_default
from jxc.catalog.models import Product
from jxc.catalog.selectors import unit_factor
from jxc.core.errors import NotFound
from jxc.core.numbers import round_price
from jxc.core.pricing import price_restated
from jxc.partners.models import Partner, PriceLevel
from jxc.sales.models import CustomerPrice


def sale_price(
    *,
    customer: Partner | None,
    product: Product,
    factor: Decimal,
    tax_rate: Decimal,
    include_tax: bool,
    level: str = "",
) -> tuple[Decimal, str]:
    """The price of one `factor` unit and where it came from: agreed, last_sale, wholesale or retail.

    Product and agreed prices are per base unit, stated as the company states prices (with or without tax).
    A `level` given (the counter's price level switch) takes that level's price whatever the customer's.
    """
    company_with_tax = include_tax_default(None)

    def stated(base: Decimal, with_tax: bool) -> Decimal:  # the unit's price, rounded once
        unit_price = base * factor
        return round_price(
            price_restated(price=unit_price, tax_rate=tax_rate, from_include=with_tax, to_include=include_tax)
        )

    if customer is not None and not level:
        known = CustomerPrice.objects.filter(customer=customer, product=product).first()
        if known is not None and known.price is not None:
            return stated(known.price, company_with_tax), "agreed"
        if known is not None and known.last_price is not None:
            return stated(known.last_price, False), "last_sale"
    level = level or (customer.price_level if customer is not None else PriceLevel.RETAIL)
    if level in (PriceLevel.WHOLESALE, PriceLevel.VIP) and product.wholesale_price:
        return stated(product.wholesale_price, company_with_tax), "wholesale"
    return stated(product.retail_price, company_with_tax), "retail"


def customer_price_list(
    *, customer_id: int | None = None, product_id: int | None = None, q: str = ""
) -> QuerySet[CustomerPrice]:
    """Agreed prices (rows with a price; the last price sold alone is not one), by customer, product or a search of
    the customer and product (name, code or SKU, pinyin initials, barcode)."""
    rows = CustomerPrice.objects.filter(price__isnull=False).select_related("customer", "product__base_unit")
    if customer_id:
        rows = rows.filter(customer_id=customer_id)
    if product_id:
        rows = rows.filter(product_id=product_id)
    q = q.strip()
    if q:
        rows = rows.filter(
            Q(customer__name__icontains=q)
            | Q(customer__code__icontains=q)
            | Q(customer__mnemonic__icontains=q.upper())
            | Q(product__sku__icontains=q)
            | Q(product__name__icontains=q)
            | Q(product__mnemonic__icontains=q.upper())
            | Q(product__barcodes__code=q)
        ).distinct()
    return rows


def customer_price_get(*, pk: int) -> CustomerPrice:
    """One agreed price (CustomerPrice.DoesNotExist when there is none, or only a last price sold)."""
    return customer_price_list().get(pk=pk)


@dataclass(frozen=True)
class ProposedPrice:
    """The price proposed for one unit of a product on a customer's line, where it came from, and its basis."""

    price: Decimal
    source: str
    tax_rate: Decimal
    include_tax: bool


def price_proposal(
    *, product_id: int, customer_id: int | None = None, unit_id: int | None = None, include_tax: bool | None = None
) -> ProposedPrice:
    """What `sale_price` proposes for a line being entered (NotFound: no such product; UnitNotOfProduct)."""
    product = Product.objects.select_related("base_unit").filter(pk=product_id).first()
    if product is None:
        raise NotFound(field="product_id")
    factor = unit_factor(product=product, unit_id=unit_id or product.base_unit_id)
    customer = Partner.objects.filter(pk=customer_id, is_customer=True).first() if customer_id else None
    with_tax = include_tax_default(include_tax)
    price, source = sale_price(
        customer=customer, product=product, factor=factor, tax_rate=product.tax_rate, include_tax=with_tax
    )
    return ProposedPrice(price=price, source=source, tax_rate=product.tax_rate, include_tax=with_tax)
