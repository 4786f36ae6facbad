"""The columns of a statement (对账单) and of shared statements: one definition for the page, the print view and
Excel. A statement holds no cost: only what the partner owes us or we owe them, document by document."""

from __future__ import annotations

import io
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.urls import NoReverseMatch
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jxc.core.columns import Column
from jxc.core.excel import FORMATS
from jxc.finance.choices import ReplyStatus
from jxc.finance.models import StatementShare
from jxc.finance.selectors.statements import Statement

STATUS_BADGES = {
    ReplyStatus.PENDING: "badge-muted",
    ReplyStatus.CONFIRMED: "badge-success",
    ReplyStatus.DISPUTED: "badge-danger",
}

LINE_COLUMNS = (
    Column("date", gettext_lazy("Date"), kind="date", width=12),
    Column("number", gettext_lazy("Document"), width=18),
    Column("kind", gettext_lazy("Kind"), width=16),
    Column("memo", gettext_lazy("Memo"), width=24),
    Column("debit", gettext_lazy("Increase"), kind="money", width=14),
    Column("credit", gettext_lazy("Decrease"), kind="money", width=14),
    Column("balance", gettext_lazy("Balance"), kind="money", width=16),
)


def share_badge(share: StatementShare) -> SafeString:
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_BADGES.get(ReplyStatus(share.status), ""),
        share.status,
        share.get_status_display(),
    )


def document_url(source_type: str, source_id: int, cache: dict[str, type[Model] | None]) -> str:
    """The page of the document an entry came from, or "" when it has none (found by its model label, so that
    finance needs no import of the apps that post documents)."""
    if source_type not in cache:
        try:
            cache[source_type] = apps.get_model(source_type)
        except (LookupError, ValueError):
            cache[source_type] = None
    model = cache[source_type]
    if model is None or not hasattr(model, "get_absolute_url"):
        return ""
    try:
        return str(model(pk=source_id).get_absolute_url())  # type: ignore[attr-defined]
    except NoReverseMatch:
        return ""


def statement_rows(statement: Statement) -> list[list[Any]]:
    """The table of a statement as rows of LINE_COLUMNS: opening, the entries, the totals, closing."""
    rows: list[list[Any]] = [[statement.start, "", _("Opening balance"), "", None, None, statement.opening]]
    for line in statement.lines:
        rows.append([line.date, line.number, line.kind, line.memo, line.debit, line.credit, line.balance])
    rows.append(["", "", _("Total of the period"), "", statement.total_debit, statement.total_credit, None])
    rows.append([statement.end, "", _("Closing balance"), "", None, None, statement.closing])
    return rows


def statement_xlsx(*, statement: Statement, company: str) -> bytes:
    """The statement as a workbook: company, title, partner and period on top, then the lines between the
    opening and closing rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Statement"))[:31])
    for index, column in enumerate(LINE_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    title = WriteOnlyCell(sheet, value=company)
    title.font = Font(bold=True, size=14)
    sheet.append([title])
    heading = WriteOnlyCell(sheet, value=f"{_('Statement of account')} · {statement.account_label}")
    heading.font = bold
    sheet.append([heading])
    sheet.append([_("Partner"), statement.partner.name])
    sheet.append([_("Period"), f"{statement.start:%Y-%m-%d} – {statement.end:%Y-%m-%d}"])
    sheet.append([])
    fill = PatternFill("solid", fgColor="E8EEF7")
    header = []
    for column in LINE_COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    rows = statement_rows(statement)
    for number, row in enumerate(rows):
        edge = number == 0 or number >= len(rows) - 2
        cells = []
        for column, value in zip(LINE_COLUMNS, row, strict=True):
            cell = WriteOnlyCell(sheet, value=value if value != "" else None)
            if column.kind in FORMATS and value not in (None, ""):
                cell.number_format = FORMATS[column.kind]
            if edge:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
