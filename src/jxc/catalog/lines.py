"""What document lines share (orders, receipts, returns, sales): checking a product, unit, quantity, price, tax."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Product, ProductUnit
from jxc.core.numbers import ZERO, is_exact

Errors = dict[str, list[str | Promise]]
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Resolved:
    """A line's product in a unit: the factor to base units and the base quantity."""

    product: Product
    unit_id: int
    factor: Decimal
    base: Decimal


class Catalog:
    """The products of a document's lines and their units, loaded once."""

    def __init__(self, product_ids: Iterable[int]) -> None:
        ids = set(product_ids)
        self.products = {p.pk: p for p in Product.objects.filter(pk__in=ids).select_related("base_unit")}
        self.factors = {(pu.product_id, pu.unit_id): pu.factor for pu in ProductUnit.objects.filter(product_id__in=ids)}

    def factor(self, product: Product, unit_id: int) -> Decimal | None:
        return Decimal(1) if unit_id == product.base_unit_id else self.factors.get((product.pk, unit_id))

    def resolve(
        self,
        errors: Errors,
        prefix: str,
        *,
        product_id: int,
        unit_id: int | None,
        quantity: Decimal | None,
        allow_zero: bool = False,
        must_be_active: bool = True,
    ) -> Resolved | None:
        """Check the product (known, active), its unit, and the quantity (> 0, in the unit's steps)."""

        def add(key: str, message: str | Promise) -> None:
            errors.setdefault(f"{prefix}.{key}", []).append(message)

        product = self.products.get(product_id)
        if product is None:
            add("product_id", _("Unknown product."))
            return None
        if must_be_active and not product.active:
            add("product_id", _("%(name)s is deactivated.") % {"name": product.name})
            return None
        unit = unit_id or product.base_unit_id
        factor = self.factor(product, unit)
        if factor is None:
            add("unit_id", _("%(product)s has no such unit.") % {"product": product.name})
            return None
        if quantity is None or quantity < 0 or (quantity == 0 and not allow_zero):
            add("quantity", _("The quantity must be greater than zero."))
            return None
        message = step_error(product, quantity, factor)
        if message:
            add("quantity", message)
            return None
        return Resolved(product=product, unit_id=unit, factor=factor, base=quantity * factor)


def step_error(product: Product, quantity: Decimal, factor: Decimal) -> str:
    """Why a quantity in a unit cannot be stored ("包 is counted in steps of 1"), or "" when it can."""
    if is_exact(quantity * factor, product.base_unit.decimals) and is_exact(quantity, 6):
        return ""
    step = Decimal(1).scaleb(-product.base_unit.decimals)
    return str(_("%(unit)s is counted in steps of %(step)s.") % {"unit": product.base_unit.name, "step": step})


def check_money(
    errors: Errors, prefix: str, *, price: Decimal | None, tax_rate: Decimal | None, discount_pct: Decimal | None
) -> bool:
    """A price ≥ 0 with at most 6 places, a tax rate and a discount between 0 and 100 %."""
    ok = True
    if price is None or price < 0 or not is_exact(price, 6):
        errors.setdefault(f"{prefix}.price", []).append(_("Enter a price of 0 or more (at most 6 decimal places)."))
        ok = False
    if tax_rate is None or not ZERO <= tax_rate < HUNDRED or not is_exact(tax_rate, 2):
        errors.setdefault(f"{prefix}.tax_rate", []).append(_("A tax rate is between 0 and 100 %."))
        ok = False
    if discount_pct is None or not ZERO <= discount_pct <= HUNDRED or not is_exact(discount_pct, 2):
        errors.setdefault(f"{prefix}.discount_pct", []).append(_("A discount is between 0 and 100 %."))
        ok = False
    return ok


def check_charges(errors: Errors, **charges: Decimal | None) -> None:
    """Freight and other charges: 0 or more, to the cent."""
    for name, value in charges.items():
        if value is None or value < 0 or not is_exact(value, 2):
            errors.setdefault(name, []).append(_("Enter an amount of 0 or more, to the cent."))


def serials_error(base: Decimal, serials: list[str]) -> str:
    """Why these serial numbers do not fit a base quantity (one different serial per unit), or "" when they do."""
    if base == base.to_integral_value() and len(serials) == base and len(set(serials)) == len(serials):
        return ""
    return str(_("Give one different serial number per unit: %(n)s needed.") % {"n": base.normalize()})
