"""API of finance: tax invoices (发票) issued and received, against shipments and receipts; the report "invoiced /
not yet invoiced"."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import rows_of
from jxc.core.errors import NotFound, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.finance.choices import InvoiceDirection
from jxc.finance.models import Invoice
from jxc.finance.schemas_invoices import (
    DocumentOut,
    InvoiceFilters,
    InvoiceIn,
    InvoiceOut,
    InvoiceStatusOut,
    InvoiceSummaryOut,
    VoidIn,
)
from jxc.finance.selectors.invoices import (
    InvoiceState,
    invoice_get,
    invoice_lines,
    invoice_search,
    invoice_status,
    invoice_status_totals,
    invoiceable_documents,
)
from jxc.finance.services.invoices import InvoiceData, InvoiceLineData, invoice_record, invoice_void
from jxc.finance.tables_invoices import INVOICE_EXPORT_COLUMNS, STATUS_COLUMNS
from jxc.partners.models import OpenItem

router = Router(tags=["invoices"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "finance.view_invoice"
ADD = "finance.add_invoice"
VOID = "finance.void_invoice"


def _summary(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "direction": invoice.direction,
        "number": invoice.number,
        "date": invoice.date,
        "partner_id": invoice.partner_id,
        "partner": invoice.partner.name,
        "amount": invoice.amount,
        "tax": invoice.tax,
        "void": invoice.void,
        "line_count": getattr(invoice, "line_count", 0),
        "notes": invoice.notes,
        "created_by": str(invoice.created_by),
        "created_at": invoice.created_at,
    }


def _out(invoice_id: int) -> dict[str, Any]:
    try:
        invoice = invoice_get(pk=invoice_id)
    except Invoice.DoesNotExist:
        raise NotFound() from None
    out = _summary(invoice)
    lines = []
    for line in invoice_lines(invoice):
        entry = line.item.entry
        lines.append(
            {
                "id": line.pk,
                "item_id": line.item_id,
                "document": entry.source_number,
                "document_type": entry.source_type,
                "document_id": entry.source_id,
                "document_date": line.item.date,
                "document_amount": line.item.amount,
                "amount": line.amount,
                "invoiced": line.invoiced,  # type: ignore[attr-defined]
                "left": line.left,  # type: ignore[attr-defined]
            }
        )
    out.update({"lines": lines, "line_count": len(lines)})
    return out


def _document(item: OpenItem) -> dict[str, Any]:
    return {
        "item_id": item.pk,
        "document": item.entry.source_number,
        "document_type": item.entry.source_type,
        "document_id": item.entry.source_id,
        "partner_id": item.partner_id,
        "partner": item.partner.name,
        "date": item.date,
        "amount": item.amount,
        "invoiced": item.invoiced,  # type: ignore[attr-defined]
        "left": item.left,  # type: ignore[attr-defined]
    }


def _filters(filters: InvoiceFilters) -> dict[str, Any]:
    return {
        "direction": filters.direction,
        "partner_id": filters.partner,
        "date_from": filters.start,
        "date_to": filters.end,
        "number": filters.number,
        "void": filters.void,
    }


def _direction(direction: str) -> str:
    if direction not in InvoiceDirection.values:
        raise ValidationFailed.one("direction", _("Choose issued or received."))
    return direction


@router.get("/invoices", response={200: Page[InvoiceSummaryOut], **ERRORS}, summary="List tax invoices")
def invoices(request: HttpRequest, params: Query[PageParams], filters: Query[InvoiceFilters]) -> dict[str, Any]:
    """Newest first."""
    require(request, VIEW)
    found = invoice_search(**_filters(filters)).order_by("-date", "-pk")
    return paged(found, params, _summary)


@router.get("/invoices/export", summary="Export tax invoices to Excel", response={200: None, **ERRORS})
def invoices_export(request: HttpRequest, filters: Query[InvoiceFilters]) -> HttpResponse:
    """The list's columns with the same filters."""
    require(request, VIEW)
    found = invoice_search(**_filters(filters)).order_by("-date", "-pk")
    columns = list(INVOICE_EXPORT_COLUMNS)
    return xlsx_response(
        filename="invoices", title="invoices", columns=columns, rows=rows_of(found.iterator(chunk_size=2000), columns)
    )


@router.get(
    "/invoices/documents", response={200: list[DocumentOut], **ERRORS}, summary="A partner's documents to invoice"
)
def invoices_documents(request: HttpRequest, direction: str, partner: int) -> list[dict[str, Any]]:
    """The partner's shipments (issued) or purchase receipts (received) with something left to invoice, oldest
    first: the `item_id` a line of a new invoice names."""
    require(request, VIEW)
    return [_document(d) for d in invoiceable_documents(direction=_direction(direction), partner_id=partner)]


@router.post("/invoices", response={201: InvoiceOut, **ERRORS}, summary="Record a tax invoice")
def invoices_create(request: HttpRequest, payload: InvoiceIn) -> Status[dict[str, Any]]:
    """Against documents of the partner (shipments for issued, purchase receipts for received). More than is left
    to invoice on a document is refused (422 `invoice_exceeds_document`); a number already recorded for the
    partner and direction too (409 `duplicate`); input errors are 422 `validation_error`."""
    user = require(request, ADD)
    data = InvoiceData(
        direction=payload.direction,
        partner_id=payload.partner_id,
        number=payload.number,
        date=payload.date,
        amount=payload.amount,
        tax=payload.tax,
        notes=payload.notes,
        lines=[InvoiceLineData(item_id=ln.item_id, amount=ln.amount) for ln in payload.lines],
    )
    invoice = invoice_record(actor=user, data=data)
    return Status(201, _out(invoice.pk))


@router.get("/invoices/{invoice_id}", response={200: InvoiceOut, **ERRORS}, summary="Get a tax invoice")
def invoices_get(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    require(request, VIEW)
    return _out(invoice_id)


@router.post("/invoices/{invoice_id}/void", response={200: InvoiceOut, **ERRORS}, summary="Void a tax invoice")
def invoices_void(request: HttpRequest, invoice_id: int, payload: VoidIn) -> dict[str, Any]:
    """Its lines no longer count as invoiced. Again: harmless."""
    user = require(request, VOID)
    try:
        invoice = invoice_get(pk=invoice_id)
    except Invoice.DoesNotExist:
        raise NotFound() from None
    invoice_void(actor=user, invoice=invoice, reason=payload.reason)
    return _out(invoice_id)


def _status(direction: str, partner: int | None, start: date | None, end: date | None, state: str) -> Any:
    if state not in (InvoiceState.ALL, InvoiceState.OPEN, InvoiceState.DONE):
        raise ValidationFailed.one("state", _("Choose open, done or nothing (all)."))
    return invoice_status(direction=_direction(direction), partner_id=partner, start=start, end=end, state=state)


@router.get("/invoice-status", response={200: InvoiceStatusOut, **ERRORS}, summary="Invoiced / not yet invoiced")
def invoices_status(
    request: HttpRequest,
    params: Query[PageParams],
    direction: str = "issued",
    partner: int | None = None,
    start: date | None = None,
    end: date | None = None,
    state: str = "",
) -> dict[str, Any]:
    """Per shipment (issued) or purchase receipt (received) dated in the range: amount, invoiced, left; `state`
    open = not fully invoiced, done = fully invoiced, empty = all. Oldest first; totals over all rows."""
    require(request, VIEW)
    found = _status(direction, partner, start, end, state)
    totals = invoice_status_totals(found)
    out = paged(found, params, _document)
    out["totals"] = {"count": totals.count, "amount": totals.amount, "invoiced": totals.invoiced, "left": totals.left}
    return out


@router.get("/invoice-status/export", response={200: None, **ERRORS}, summary="Export invoiced / not yet invoiced")
def invoices_status_export(
    request: HttpRequest,
    direction: str = "issued",
    partner: int | None = None,
    start: date | None = None,
    end: date | None = None,
    state: str = "",
) -> HttpResponse:
    """The report's rows and a totals row."""
    require(request, VIEW)
    found = _status(direction, partner, start, end, state)
    totals = invoice_status_totals(found)
    columns = list(STATUS_COLUMNS)
    rows = list(rows_of(found.iterator(chunk_size=2000), columns))
    rows.append([_("Total"), "", None, totals.amount, totals.invoiced, totals.left, ""])
    return xlsx_response(filename=f"invoiced-{direction}", title="invoice status", columns=columns, rows=rows)
