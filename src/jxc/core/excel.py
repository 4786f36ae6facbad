"""Excel export: real .xlsx files, streamed row by row, numbers kept exact."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jxc.core.columns import Column

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {
    "money": "#,##0.00",
    "price": "#,##0.00####",
    "quantity": "#,##0.######",
    "rate": "0.00",
    "int": "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


def _cell_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "bool" or isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, Decimal) and len(value.normalize().as_tuple().digits) > 15:
        return str(value)  # beyond what an Excel number (a double) holds exactly: keep every digit as text
    if isinstance(value, Decimal | int | float | date):
        return value
    return str(value)


def xlsx_bytes(*, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> bytes:
    """Write a one-sheet workbook: a bold header row, then the rows with number formats per column."""
    workbook = Workbook(write_only=True)
    sheet: Worksheet = workbook.create_sheet(title=title[:31] or "Sheet1")
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="E8EEF7")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for column, value in zip(columns, row, strict=True):
            cell = WriteOnlyCell(sheet, value=_cell_value(value, column.kind))
            if column.kind in FORMATS and value is not None:
                cell.number_format = FORMATS[column.kind]
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *, filename: str, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """An attachment response with the workbook; the file name gets today's date."""
    content = xlsx_bytes(title=title, columns=columns, rows=rows)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.xlsx')}"
    return response
