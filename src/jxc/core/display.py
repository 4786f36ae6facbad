"""How numbers and list cells read on screen: money 12,345.60, prices 3.50 or 0.104167, quantities 24."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jxc.core.columns import Column
from jxc.core.numbers import format_quantity

NUMERIC_KINDS = frozenset({"money", "price", "quantity", "rate", "int"})


def money(value: Any) -> str:
    """12345.6 → 12,345.60"""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"


def price(value: Any) -> str:
    """A unit price with 2 places, more only when needed: 3.5 → 3.50, 0.104167 → 0.104167."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value):,.6f}".rstrip("0")
    whole, _dot, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def qty(value: Any, places: int = 6) -> str:
    """A quantity without trailing zeros: 24.000000 → 24."""
    if value is None or value == "":
        return ""
    return format_quantity(Decimal(value), int(places))


def rate(value: Any) -> str:
    """13.00 → 13%"""
    if value is None or value == "":
        return ""
    return f"{format_quantity(Decimal(value), 2)}%"


def cell_html(column: Column, obj: Any) -> str | SafeString:
    """One list cell, formatted by the column's kind (escaped by the template unless marked safe)."""
    value = column.value(obj)
    if value is None or value == "":
        return ""
    if column.kind == "money":
        return money(value)
    if column.kind == "price":
        return price(value)
    if column.kind == "quantity":
        return qty(value)
    if column.kind == "rate":
        return rate(value)
    if column.kind == "bool" or isinstance(value, bool):
        return format_html(
            '<span class="badge {}">{}</span>',
            "badge-success" if value else "badge-muted",
            _("Yes") if value else _("No"),
        )
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)
