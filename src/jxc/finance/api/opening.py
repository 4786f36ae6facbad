"""API of finance: 期初建账 — check (dry run) or import the opening-balances workbook; its template."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status, UploadedFile

from jxc.core.api import ErrorOut, require
from jxc.core.excel import XLSX_MIME
from jxc.finance.services.opening import opening_balances_check, opening_balances_import
from jxc.finance.services.opening_file import opening_template_bytes

router = Router(tags=["opening"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PERMISSION = "accounts.manage_settings"


class OpeningOut(Schema):
    """The preview of a dry run, or what an import posted (`committed` true, `documents` the stock receipts)."""

    date: dt.date
    ok: bool
    committed: bool
    fatal: str
    documents: list[str]
    sheets: dict[str, Any]
    errors: list[dict[str, Any]]


@router.post("/opening-balances", response={200: OpeningOut, **ERRORS}, summary="Import opening balances")
def opening_balances(
    request: HttpRequest, file: File[UploadedFile], date: Form[dt.date], dry_run: bool = True
) -> Status[dict[str, Any]] | dict[str, Any]:
    """期初建账 from an .xlsx with the sheets 库存 (Stock), 应收应付 (Receivables and payables) and 资金 (Cash),
    each ending with a 合计 (Total) row. `dry_run=true` (the default) returns the preview: per sheet the rows, the
    totals stated and added up, and every problem as {sheet, row, column, message, value, code}; nothing is written.
    `dry_run=false` imports all or nothing on `date` (409 `closed_period` in a closed month): rows with problems
    give 422 `validation_error` with the problems in `data.rows`, totals that do not add up 422
    `opening_totals_mismatch`, an unreadable file 422 `import_refused`."""
    user = require(request, PERMISSION)
    content = file.read()
    if not dry_run:
        return opening_balances_import(actor=user, content=content, day=date).as_dict()
    preview = opening_balances_check(actor=user, content=content, day=date)
    if preview.fatal:
        return Status(422, {"code": "import_refused", "message": preview.fatal, "data": preview.as_dict()})
    return preview.as_dict()


@router.get("/opening-balances/template", response={200: None, **ERRORS}, summary="Opening balances template")
def opening_balances_template(request: HttpRequest) -> HttpResponse:
    """The workbook to fill in: its sheets with their header rows and 合计 rows, and a sheet of notes."""
    require(request, PERMISSION)
    response = HttpResponse(opening_template_bytes(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('opening-balances-template.xlsx')}"
    return response
