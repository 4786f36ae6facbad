"""Template filters for numbers and list cells."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jxc.core.columns import Column
from jxc.core.numbers import format_quantity

register = template.Library()


def _grouped(value: Decimal, places: int) -> str:
    return f"{value:,.{places}f}"


@register.filter
def money(value: Any) -> str:
    """12345.6 → 12,345.60"""
    if value is None or value == "":
        return ""
    return _grouped(Decimal(value), 2)


@register.filter
def price(value: Any) -> str:
    """A unit price with 2 places, more only when needed: 3.5 → 3.50, 0.104167 → 0.104167."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = f"{value:,.6f}".rstrip("0")
    whole, _dot, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


@register.filter
def qty(value: Any, places: int = 6) -> str:
    """A quantity without trailing zeros: 24.000000 → 24."""
    if value is None or value == "":
        return ""
    return format_quantity(Decimal(value), int(places))


@register.filter
def rate(value: Any) -> str:
    """13.00 → 13%"""
    if value is None or value == "":
        return ""
    return f"{format_quantity(Decimal(value), 2)}%"


@register.simple_tag
def cell(column: Column, obj: Any) -> str | SafeString:
    """A list cell rendered by the column's kind."""
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


@register.filter
def is_numeric(column: Column) -> bool:
    return column.kind in {"money", "price", "quantity", "rate", "int"}


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], listing: Any, column: Column) -> SafeString:
    """A column header that sorts the list when clicked."""
    link = listing.sort_link(column)
    if not link:
        return format_html("{}", column.label)
    return format_html('<a href="{}">{}</a>', link, column.label)


@register.filter
def sorted_state(listing: Any, column: Column) -> str:
    return str(listing.sorted_by(column))


@register.filter
def page_link(listing: Any, number: int) -> str:
    return str(listing.querystring(page=number))


@register.filter
def elided_pages(paginator: Any, number: int) -> Any:
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.simple_tag
def barcode_svg(code: str) -> SafeString:
    """The barcode drawn as inline SVG (EAN-13 when the code is a valid one, else Code 128)."""
    import io

    import barcode
    from barcode.writer import SVGWriter

    kind = "code128"
    if len(code) == 13 and code.isdigit():
        digits = [int(c) for c in code]
        check = (10 - (sum(digits[0:12:2]) + 3 * sum(digits[1:12:2])) % 10) % 10
        if check == digits[12]:
            kind = "ean13"
    try:
        symbol = barcode.get(kind, code, writer=SVGWriter())
    except Exception:  # a code the symbology cannot draw: show nothing rather than break the page
        return SafeString("")
    buffer = io.BytesIO()
    symbol.write(
        buffer, options={"module_height": 8, "font_size": 5, "text_distance": 3, "quiet_zone": 2, "compress": False}
    )
    svg = buffer.getvalue().decode()
    svg = svg[svg.find("<svg") :]
    return SafeString(f'<span class="barcode">{svg}</span>')
