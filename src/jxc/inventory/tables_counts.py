"""The columns of the stock count list and of a count sheet: one definition for the page, the API and Excel."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column

COUNT_COLUMNS = (
    Column("number", _("Number"), sort="number"),
    Column("date", _("Date"), kind="date", sort="date"),
    Column("warehouse__name", _("Warehouse"), sort="warehouse__name"),
    Column("status", _("Status"), get=lambda c: c.get_status_display(), sort="status"),
    Column("blind", _("Blind count"), kind="bool"),
    Column("line_count", _("Line count"), kind="int", sort="line_count"),
    Column("counted_count", _("Counted"), kind="int"),
    Column("created_by", _("Created by"), get=lambda c: str(c.created_by)),
    Column("notes", _("Notes"), width=30),
)


def _lot(line: object) -> str:
    lot = getattr(line, "lot", None)
    return lot.batch_no if lot is not None else ""


def sheet_columns(*, show_book: bool) -> tuple[Column, ...]:
    """The columns of a count sheet; book quantities and differences only where the user may see them."""
    columns = [
        Column("location__code", _("Location"), width=12),
        Column("product__sku", _("SKU")),
        Column("product__name", _("Name"), width=28),
        Column("product__spec", _("Specification")),
        Column("product__base_unit__name", _("Unit"), width=8),
        Column("lot", _("Batch"), get=_lot),
        Column("lot__expiry_date", _("Expiry date"), kind="date", width=12),
    ]
    if show_book:
        columns.append(Column("book_quantity", _("Book quantity"), kind="quantity"))
    columns.append(Column("counted_quantity", _("Counted quantity"), kind="quantity"))
    if show_book:
        columns.append(Column("difference", _("Difference"), kind="quantity", get=lambda ln: ln.difference))
        columns.append(Column("value", _("Value of the difference"), kind="money", cost=True))
    columns.append(Column("moved_during_count", _("Moved during the count"), kind="bool"))
    return tuple(columns)
