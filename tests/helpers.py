"""Helpers shared by the tests: real .xlsx files in and out."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook


def xlsx(*rows: list[Any]) -> bytes:
    """A one-sheet workbook holding these rows (the first is usually the header)."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_rows(content: bytes) -> list[tuple[Any, ...]]:
    """Every row of the first sheet of a workbook, header included, as plain values."""
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
