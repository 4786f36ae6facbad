"""Reads of supplier terms: the price to recall when ordering, a product's suppliers, a supplier's products."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from jxc.catalog.models import Product
from jxc.core.numbers import round_price
from jxc.purchasing.models import SupplierProduct

HUNDRED = Decimal(100)


def supplier_term_get(*, supplier_id: int, product_id: int) -> SupplierProduct | None:
    """The terms of this supplier for this product, if any were recorded."""
    return SupplierProduct.objects.filter(supplier_id=supplier_id, product_id=product_id).first()


def supplier_terms_list(*, supplier_id: int | None = None, product_id: int | None = None) -> QuerySet[SupplierProduct]:
    """Terms by supplier or by product, preferred first."""
    terms = SupplierProduct.objects.select_related("supplier", "product", "product__base_unit", "unit")
    if supplier_id is not None:
        terms = terms.filter(supplier_id=supplier_id)
    if product_id is not None:
        terms = terms.filter(product_id=product_id)
    return terms.order_by("-preferred", "product__sku", "supplier__name")


def price_in_unit(*, base_price: Decimal, factor: Decimal, tax_rate: Decimal, include_tax: bool) -> Decimal:
    """A price per base unit without tax, as the price of one `factor` unit, with tax added when prices include it."""
    price = base_price * factor
    if include_tax:
        price = price * (HUNDRED + tax_rate) / HUNDRED
    return round_price(price)


def price_recall(
    *, supplier_id: int | None, product: Product, factor: Decimal, tax_rate: Decimal, include_tax: bool
) -> tuple[Decimal, str]:
    """The price to propose for a line and where it came from: this supplier's last price, else the purchase price.

    The product's purchase price is taken as a price without tax per base unit.
    """
    term = supplier_term_get(supplier_id=supplier_id, product_id=product.pk) if supplier_id else None
    if term is not None and term.last_price is not None:
        base, source = term.last_price, "last_price"
    else:
        base, source = product.purchase_price, "purchase_price"
    return price_in_unit(base_price=base, factor=factor, tax_rate=tax_rate, include_tax=include_tax), source
