"""Money and quantity arithmetic: Decimals only, money rounds half up (四舍五入) to the cent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
QUANTITY_QUANTUM = Decimal("0.000001")
PRICE_QUANTUM = Decimal("0.000001")
ZERO = Decimal("0")


def round_money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half up: 3.335 → 3.34, -3.335 → -3.34."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_quantity(value: Decimal | int | str) -> Decimal:
    """Round to the 6 places a quantity is stored with, half up."""
    return Decimal(value).quantize(QUANTITY_QUANTUM, rounding=ROUND_HALF_UP)


def round_price(value: Decimal | int | str) -> Decimal:
    """Round a unit price to 6 places, half up."""
    return Decimal(value).quantize(PRICE_QUANTUM, rounding=ROUND_HALF_UP)


def is_exact(value: Decimal, places: int) -> bool:
    """True when the value has at most `places` decimal places."""
    return value == value.quantize(Decimal(1).scaleb(-places))


def format_quantity(value: Decimal | None, places: int = 6) -> str:
    """A quantity without trailing zeros beyond the unit's step: 24.000000 → 24, 1.500000 → 1.5."""
    if value is None:
        return ""
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
