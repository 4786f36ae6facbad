"""The columns of the sales order list and of an order's lines, with what they show: one definition for the pages and
Excel. Money columns are sales prices (hidden from users who may not see them, see `can_view_prices`); cost and
gross profit columns are cost data (view_cost)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column, visible_columns
from jxc.sales.choices import OrderStatus
from jxc.sales.models import SalesOrder, SalesOrderLine
from jxc.sales.selectors.documents import can_view_prices, line_progress

STATUS_BADGES = {
    OrderStatus.DRAFT: "badge-muted",
    OrderStatus.SUBMITTED: "badge-warning",
    OrderStatus.APPROVED: "badge-info",
    OrderStatus.PARTIAL: "badge-info",
    OrderStatus.DONE: "badge-success",
    OrderStatus.CLOSED: "badge-muted",
    OrderStatus.VOID: "badge-danger",
}

PRICE_SOURCES = {
    "agreed": _("agreed price"),
    "last_sale": _("last price sold"),
    "wholesale": _("wholesale price"),
    "retail": _("retail price"),
    "typed": _("typed"),
}

# Columns that show what the customer pays: left out for users who may not see sales prices.
PRICE_KEYS = frozenset({"total", "price", "price_source", "tax_rate", "discount_pct", "amount", "tax", "freight"})


def columns_for(columns: Sequence[Column], user: Any) -> list[Column]:
    """The columns this user may see: sales prices with `can_view_prices`, cost and profit with view_cost."""
    shown = visible_columns(columns, user)
    if can_view_prices(user):
        return shown
    return [c for c in shown if c.key not in PRICE_KEYS]


def source_label(source: str) -> str:
    """Where a line's price came from, as a person reads it."""
    return str(PRICE_SOURCES.get(source, source))


def status_badge(order: SalesOrder) -> SafeString:
    """The status as a coloured badge (the HTML list; Excel gets the plain label)."""
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_BADGES.get(OrderStatus(order.status), ""),
        order.status,
        order.get_status_display(),
    )


def shipped_pct(order: SalesOrder) -> Decimal | None:
    """The share shipped in percent, whole (63), from the search's `shipped_share`."""
    share = getattr(order, "shipped_share", None)
    return None if share is None else Decimal(round(share * 100))


def _status_label(order: SalesOrder) -> str:
    return order.get_status_display()


def _person(user: Any) -> str:
    return str(user) if user is not None else ""


def _columns(*, html: bool) -> tuple[Column, ...]:
    status: Callable[[SalesOrder], str] = status_badge if html else _status_label
    columns = [
        Column("number", _("Number"), sort="number"),
        Column("date", _("Date"), kind="date", sort="date", width=12),
        Column("customer", _("Customer"), get=lambda o: o.customer.name, sort="customer__name", width=24),
        Column("warehouse", _("Warehouse"), get=lambda o: o.warehouse.name, sort="warehouse__name"),
        Column("salesperson", _("Salesperson"), get=lambda o: _person(o.salesperson), sort="salesperson__username"),
        Column("status", _("Status"), get=status, sort="status", width=10),
        Column("delivery_date", _("Delivery date"), kind="date", sort="delivery_date", width=12),
        Column("line_count", _("Line count"), kind="int", sort="line_count", width=8),
        Column("total", _("Total"), kind="money", sort="total"),
        Column("shipped", _("Shipped (%)"), kind="rate", get=shipped_pct, sort="shipped_share", width=10),
    ]
    if not html:
        columns += [
            Column("customer_reference", _("Customer's reference")),
            Column("created_by", _("Prepared by"), get=lambda o: str(o.created_by)),
            Column("notes", _("Notes"), width=30),
        ]
    return tuple(columns)


ORDER_COLUMNS = _columns(html=True)
ORDER_EXPORT_COLUMNS = _columns(html=False)


def _progress(line: SalesOrderLine, key: str) -> Decimal:
    return line_progress(line)[key]


def _profit(line: SalesOrderLine, key: str) -> Decimal | None:
    """A figure of the line's gross profit, attached by the page as `line.profit` (LineProfit)."""
    profit = getattr(line, "profit", None)
    return getattr(profit, key) if profit is not None else None


LINE_COLUMNS = (
    Column("position", _("Line"), kind="int", width=6),
    Column("sku", _("SKU"), get=lambda ln: ln.product.sku),
    Column("product", _("Product"), get=lambda ln: ln.product.name, width=30),
    Column("spec", _("Specification"), get=lambda ln: ln.product.spec),
    Column("unit", _("Unit"), get=lambda ln: ln.unit.name, width=8),
    Column("unit_quantity", _("Ordered"), kind="quantity"),
    Column("shipped", _("Shipped"), kind="quantity", get=lambda ln: _progress(ln, "shipped")),
    Column("remaining", _("Still to ship"), kind="quantity", get=lambda ln: _progress(ln, "remaining")),
    Column("price", _("Unit price"), kind="price"),
    Column("price_source", _("Price from"), get=lambda ln: source_label(ln.price_source)),
    Column("tax_rate", _("Tax rate"), kind="rate", width=8),
    Column("discount_pct", _("Discount"), kind="rate", width=8),
    Column("amount", _("Amount without tax"), kind="money"),
    Column("tax", _("Tax"), kind="money"),
    Column("total", _("Total"), kind="money"),
    Column("unit_cost", _("Unit cost"), kind="price", cost=True, get=lambda ln: _profit(ln, "unit_cost")),
    Column("gross_profit", _("Gross profit"), kind="money", cost=True, get=lambda ln: _profit(ln, "profit")),
    Column("margin", _("Margin (%)"), kind="rate", cost=True, get=lambda ln: _profit(ln, "margin"), width=8),
    Column("notes", _("Notes"), width=20),
)
