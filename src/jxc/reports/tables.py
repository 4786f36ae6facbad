"""Columns of the report pages: one definition shared by the HTML table, the Excel export and the API's exports;
and the small table model the report templates draw (formatted cells, a totals row)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from jxc.core.columns import Column
from jxc.core.display import NUMERIC_KINDS, cell_html
from jxc.core.listing import ListCell, Listing, ListRow

GROUP_CHOICES = [
    ("document", gettext_lazy("By document")),
    ("product", gettext_lazy("By product")),
    ("customer", gettext_lazy("By customer")),
    ("salesperson", gettext_lazy("By salesperson")),
    ("day", gettext_lazy("By day")),
    ("month", gettext_lazy("By month")),
]

PROFIT_FIGURES = (
    Column("revenue", gettext_lazy("Revenue (without tax)"), kind="money", cost=True),
    Column("cogs", gettext_lazy("Cost of goods sold"), kind="money", cost=True),
    Column("profit", gettext_lazy("Gross profit"), kind="money", cost=True),
    Column("margin", gettext_lazy("Margin (%)"), kind="rate", cost=True, width=10),
)


def profit_columns(group: str) -> list[Column]:
    """The columns of the gross profit report for a grouping: what names the group, then the figures."""
    if group == "document":
        head = [
            Column("number", gettext_lazy("Number"), width=18),
            Column("date", gettext_lazy("Date"), kind="date", width=12),
            Column("kind", gettext_lazy("Kind"), width=16),
            Column("customer", gettext_lazy("Customer"), width=24),
        ]
    elif group == "product":
        head = [
            Column("sku", gettext_lazy("SKU")),
            Column("name", gettext_lazy("Name"), width=30),
            Column("spec", gettext_lazy("Specification")),
            Column("unit", gettext_lazy("Unit"), width=8),
            Column("quantity", gettext_lazy("Quantity sold"), kind="quantity"),
        ]
    elif group == "customer":
        head = [
            Column("code", gettext_lazy("Code")),
            Column("label", gettext_lazy("Customer"), width=24),
        ]
    elif group == "salesperson":
        head = [Column("label", gettext_lazy("Salesperson"), width=20)]
    elif group == "day":
        head = [Column("label", gettext_lazy("Date"), width=12)]
    else:
        head = [Column("label", gettext_lazy("Month"), width=10)]
    return [*head, *PROFIT_FIGURES]


CREDIT_COLUMNS = (
    Column("code", gettext_lazy("Code"), get=lambda r: r.customer.code),
    Column("name", gettext_lazy("Customer"), get=lambda r: r.customer.name, width=24),
    Column(
        "salesperson",
        gettext_lazy("Salesperson"),
        get=lambda r: str(r.customer.salesperson) if r.customer.salesperson_id else "",
    ),
    Column("terms", gettext_lazy("Payment terms (days)"), kind="int", get=lambda r: r.customer.payment_terms_days),
    Column("limit", gettext_lazy("Credit limit"), kind="money"),
    Column("receivable", gettext_lazy("Receivable"), kind="money"),
    Column("on_order", gettext_lazy("Approved, not shipped"), kind="money"),
    Column("exposure", pgettext_lazy("credit", "Exposure"), kind="money"),
    Column("available", gettext_lazy("Available credit"), kind="money"),
    Column("usage", gettext_lazy("Limit used (%)"), kind="rate", width=10),
    Column("overdue", gettext_lazy("Overdue"), kind="money"),
)


@dataclass
class Table:
    """What `reports/table.html` draws: columns, rows of formatted cells, an optional totals row."""

    columns: list[Column]
    rows: list[ListRow]
    totals: list[ListCell] | None = None
    empty_text: Any = ""
    listing: Listing | None = None


def table_rows(
    objects: Iterable[Any], columns: Sequence[Column], *, link: Callable[[Any], str] | None = None
) -> list[ListRow]:
    """Format every cell once, in Python; the first cell links to `link(obj)` when it gives one."""
    rows = []
    for obj in objects:
        url = link(obj) if link else ""
        cells = [
            ListCell(cell_html(c, obj), c.kind in NUMERIC_KINDS, bool(url) and i == 0, False)
            for i, c in enumerate(columns)
        ]
        rows.append(ListRow(obj, url, False, cells))
    return rows


def totals_values(columns: Sequence[Column], values: dict[str, Any]) -> list[Any]:
    """The totals row as plain values (for Excel): the word "Total" first, the sums under their columns."""
    return [values.get(c.key) if c.key in values else (_("Total") if i == 0 else None) for i, c in enumerate(columns)]


def totals_cells(columns: Sequence[Column], values: dict[str, Any]) -> list[ListCell]:
    """The totals row as formatted cells."""
    cells = []
    for index, column in enumerate(columns):
        if column.key in values:
            content = cell_html(Column("v", "", kind=column.kind), {"v": values[column.key]})
        else:
            content = _("Total") if index == 0 else ""
        cells.append(ListCell(content, column.kind in NUMERIC_KINDS, False, False))
    return cells
