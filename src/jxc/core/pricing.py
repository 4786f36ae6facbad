"""Line and document arithmetic shared by purchasing and sales: tax, discount, totals and allocations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from jxc.core.numbers import CENT, ZERO, round_money, round_price

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineTotals:
    """A line's money: amount without tax, tax, and total with tax, each to the cent (amount + tax = total)."""

    amount: Decimal
    tax: Decimal
    total: Decimal


def line_totals(
    *, price: Decimal, quantity: Decimal, tax_rate: Decimal, discount_pct: Decimal = ZERO, include_tax: bool
) -> LineTotals:
    """Price × quantity less the discount, rounded half up to the cent once, then split into amount and tax.

    With tax included the rounded gross is the total and the tax is taken out of it (gross × r / (100 + r));
    without, the rounded net is the amount and the tax is added (amount × r / 100). Either way the cents add up.
    """
    value = round_money(price * quantity * (HUNDRED - discount_pct) / HUNDRED)
    if include_tax:
        tax = round_money(value * tax_rate / (HUNDRED + tax_rate))
        return LineTotals(amount=value - tax, tax=tax, total=value)
    tax = round_money(value * tax_rate / HUNDRED)
    return LineTotals(amount=value, tax=tax, total=value + tax)


def net_base_price(
    *, price: Decimal, factor: Decimal, tax_rate: Decimal, discount_pct: Decimal, include_tax: bool
) -> Decimal:
    """A line's price per base unit after its discount and without tax, to 6 places (from the price, not the
    rounded amount, so that stating it again with tax gives the price back)."""
    net = price * (HUNDRED - discount_pct) / HUNDRED / factor
    if include_tax:
        net = net * HUNDRED / (HUNDRED + tax_rate)
    return round_price(net)


def price_restated(*, price: Decimal, tax_rate: Decimal, from_include: bool, to_include: bool) -> Decimal:
    """A unit price stated the other way (with / without tax) when a document states prices unlike its order."""
    if from_include == to_include:
        return price
    factor = (HUNDRED + tax_rate) / HUNDRED
    return round_price(price * factor if to_include else price / factor)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split an amount over weights to the cent so that the parts add up to it exactly (largest remainder).

    Each part first gets its share rounded down to the cent; the cents left over go one each to the parts with
    the largest remainders (the earlier part on a tie). Zero weights get nothing; all-zero weights split evenly.
    """
    if not weights:
        return []
    base = [w if w > 0 else ZERO for w in weights]
    whole = sum(base, ZERO)
    if whole == 0:
        base, whole = [Decimal(1)] * len(weights), Decimal(len(weights))
    exact = [total * w / whole for w in base]
    parts = [e.quantize(CENT, rounding=ROUND_FLOOR) for e in exact]
    left = int(((total - sum(parts, ZERO)) / CENT).to_integral_value())
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += CENT
    return parts
