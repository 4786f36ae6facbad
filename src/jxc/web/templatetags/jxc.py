"""Template filters for numbers and list cells."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from jxc.core.columns import Column
from jxc.core.display import NUMERIC_KINDS, cell_html, money, price, qty, rate

register = template.Library()


register.filter("money", money)
register.filter("price", price)
register.filter("qty", qty)
register.filter("rate", rate)


@register.simple_tag
def cell(column: Column, obj: Any) -> str | SafeString:
    """A list cell rendered by the column's kind."""
    return cell_html(column, obj)


@register.filter
def is_numeric(column: Column) -> bool:
    return column.kind in NUMERIC_KINDS


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
