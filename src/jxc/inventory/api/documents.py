"""API: other receipts (其他入库), other issues (其他出库) and transfers (调拨): drafts, post, receive, reverse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from jxc.catalog.models import Product
from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import Forbidden, NotFound, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.inventory.forms_documents import line_cost
from jxc.inventory.models import StockDocument
from jxc.inventory.schemas_documents import (
    LotSuggestionsOut,
    ReversalEffectOut,
    StockDocumentChange,
    StockDocumentIn,
    StockDocumentOut,
    StockDocumentSummaryOut,
)
from jxc.inventory.selectors import location_list_for, lot_suggestions, reversal_preview
from jxc.inventory.selectors.documents import (
    document_lines,
    may_receive,
    may_use,
    reversed_by,
    stock_document_get_for,
    stock_document_search,
)
from jxc.inventory.services.documents import (
    SOURCE_TYPE,
    DocumentData,
    LineData,
    stock_document_create,
    stock_document_post,
    stock_document_reverse,
    stock_document_update,
    stock_transfer_receive,
)
from jxc.inventory.tables_documents import DOCUMENT_COLUMNS, document_amount

router = Router(tags=["stock documents"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _summary(document: StockDocument, *, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": document.pk,
        "number": document.number,
        "kind": document.kind,
        "status": document.status,
        "date": document.date,
        "reason": document.reason,
        "warehouse_id": document.warehouse_id,
        "warehouse": document.warehouse.name,
        "to_warehouse_id": document.to_warehouse_id,
        "to_warehouse": document.to_warehouse.name if document.to_warehouse else None,
        "notes": document.notes,
        "reversal_of_id": document.reversal_of_id,
        "line_count": getattr(document, "line_count", 0),
        "created_at": document.created_at,
        "posted_at": document.posted_at,
        "received_at": document.received_at,
    }
    if show_cost:
        out["amount"] = document_amount(document)
    return out


def document_out(document: StockDocument, *, show_cost: bool) -> dict[str, Any]:
    """A document with its lines; costs and amounts only for users with view_cost (left out, not null)."""
    out = _summary(document, show_cost=show_cost)
    reversal = reversed_by(document)
    lines = []
    for line in document_lines(document):
        item: dict[str, Any] = {
            "id": line.pk,
            "position": line.position,
            "product_id": line.product_id,
            "sku": line.product.sku,
            "product": line.product.name,
            "unit_id": line.unit_id,
            "unit": line.unit.name,
            "quantity": line.unit_quantity,
            "factor": line.factor,
            "base_quantity": line.quantity,
            "location_id": line.location_id,
            "location": line.location.code,
            "to_location_id": line.to_location_id,
            "to_location": line.to_location.code if line.to_location else None,
            "lot_id": line.lot_id,
            "batch_no": line.lot.batch_no if line.lot else line.batch_no,
            "production_date": line.lot.production_date if line.lot else line.production_date,
            "expiry_date": line.lot.expiry_date if line.lot else line.expiry_date,
            "serials": line.serial_list,
            "notes": line.notes,
        }
        if show_cost:
            item["unit_cost"] = line.unit_cost
            item["amount"] = line.amount
        lines.append(item)
    out.update(
        {
            "reversed_by_id": reversal.pk if reversal else None,
            "created_by": str(document.created_by),
            "posted_by": str(document.posted_by) if document.posted_by else None,
            "received_by": str(document.received_by) if document.received_by else None,
            "lines": lines,
        }
    )
    return out


def _get(user: Any, document_id: int) -> StockDocument:
    try:
        return stock_document_get_for(user=user, pk=document_id)
    except StockDocument.DoesNotExist:
        raise NotFound() from None


def _data(
    payload: StockDocumentChange, *, kind: str, show_cost: bool, keep: StockDocument | None = None
) -> DocumentData:
    """The service input; costs only from view_cost users (others keep a draft's costs, or get purchase prices)."""
    kept = {(ln.product_id, ln.unit_id): ln.unit_cost for ln in keep.lines.all()} if keep and not show_cost else {}
    base_units = dict(
        Product.objects.filter(pk__in={e.product_id for e in payload.lines}).values_list("pk", "base_unit_id")
        if kept
        else []
    )
    lines = []
    for entry in payload.lines:
        if show_cost:
            unit_cost, amount = line_cost(entry.unit_cost, entry.amount, entry.quantity), entry.amount
        elif kept:
            unit_id = entry.unit_id or base_units.get(entry.product_id)
            unit_cost, amount = kept.get((entry.product_id, unit_id or 0)), None
        else:
            unit_cost, amount = None, None
        lines.append(
            LineData(
                product_id=entry.product_id,
                quantity=entry.quantity,
                unit_id=entry.unit_id,
                unit_cost=unit_cost,
                amount=amount,
                location_id=entry.location_id,
                to_location_id=entry.to_location_id,
                lot_id=entry.lot_id,
                batch_no=entry.batch_no,
                production_date=entry.production_date,
                expiry_date=entry.expiry_date,
                serials=entry.serials,
                notes=entry.notes,
            )
        )
    return DocumentData(
        kind=kind,
        date=payload.date or timezone.localdate(),
        warehouse_id=payload.warehouse_id,
        to_warehouse_id=payload.to_warehouse_id,
        reason=payload.reason,
        notes=payload.notes,
        lines=lines,
    )


def _may_use(user: Any, document: StockDocument) -> None:
    if not may_use(user, document):
        raise Forbidden(reason="warehouse")


def _day(day: date | None, document: StockDocument) -> date | None:
    if day is not None and day < document.date:
        raise ValidationFailed.one(
            "date", _("The date cannot be before the document's own date (%(date)s).") % {"date": document.date}
        )
    return day


@router.get(
    "/stock-documents",
    response=Page[StockDocumentSummaryOut],
    exclude_unset=True,
    summary="List stock documents",
)
def stock_documents(
    request: HttpRequest,
    params: Query[PageParams],
    kind: str = "",
    status: str = "",
    warehouse_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
) -> dict[str, Any]:
    """Newest first. `q` searches the number and the products (SKU, name, barcode, pinyin initials)."""
    user = require(request, "inventory.view_stockdocument")
    show_cost = can_view_cost(user)
    found = stock_document_search(
        user=user, kind=kind, status=status, warehouse_id=warehouse_id, date_from=date_from, date_to=date_to, q=q
    ).order_by("-date", "-pk")
    return paged(found, params, lambda d: _summary(d, show_cost=show_cost))


@router.get("/stock-documents/export", summary="Export stock documents to Excel", response={200: None})
def stock_documents_export(
    request: HttpRequest,
    kind: str = "",
    status: str = "",
    warehouse_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    q: str = "",
) -> HttpResponse:
    """The list's columns; amounts only with view_cost."""
    user = require(request, "inventory.view_stockdocument")
    columns = visible_columns(DOCUMENT_COLUMNS, user)
    found = stock_document_search(
        user=user, kind=kind, status=status, warehouse_id=warehouse_id, date_from=date_from, date_to=date_to, q=q
    ).order_by("-date", "-pk")
    return xlsx_response(
        filename="stock-documents",
        title="stock documents",
        columns=columns,
        rows=rows_of(found.iterator(chunk_size=2000), columns),
    )


@router.post(
    "/stock-documents",
    response={201: StockDocumentOut, **ERRORS},
    exclude_unset=True,
    summary="Create a draft stock document",
)
def stock_documents_create(request: HttpRequest, payload: StockDocumentIn) -> Status[dict[str, Any]]:
    """Saved as a draft with its number (QR 其他入库, QC 其他出库, DB 调拨); post it with `/post`."""
    user = require(request, "inventory.add_stockdocument")
    show_cost = can_view_cost(user)
    document = stock_document_create(actor=user, data=_data(payload, kind=payload.kind, show_cost=show_cost))
    return Status(201, document_out(_get(user, document.pk), show_cost=show_cost))


@router.get(
    "/stock-documents/{document_id}",
    response={200: StockDocumentOut, **ERRORS},
    exclude_unset=True,
    summary="Get a stock document",
)
def stock_documents_get(request: HttpRequest, document_id: int) -> dict[str, Any]:
    user = require(request, "inventory.view_stockdocument")
    return document_out(_get(user, document_id), show_cost=can_view_cost(user))


@router.put(
    "/stock-documents/{document_id}",
    response={200: StockDocumentOut, **ERRORS},
    exclude_unset=True,
    summary="Replace a draft",
)
def stock_documents_put(request: HttpRequest, document_id: int, payload: StockDocumentChange) -> dict[str, Any]:
    """Only drafts change (409 `document_not_draft` otherwise): header and lines are replaced."""
    user = require(request, "inventory.change_stockdocument")
    document = _get(user, document_id)
    _may_use(user, document)
    show_cost = can_view_cost(user)
    data = _data(payload, kind=document.kind, show_cost=show_cost, keep=document)
    stock_document_update(actor=user, document=document, data=data)
    return document_out(_get(user, document_id), show_cost=show_cost)


@router.post(
    "/stock-documents/{document_id}/post",
    response={200: StockDocumentOut, **ERRORS},
    exclude_unset=True,
    summary="Post a draft",
)
def stock_documents_post(request: HttpRequest, document_id: int) -> dict[str, Any]:
    """Stock moves now (a transfer between warehouses is shipped: status `in_transit`). Posting again is harmless."""
    user = require(request, "inventory.post_stockdocument")
    document = _get(user, document_id)
    _may_use(user, document)
    stock_document_post(actor=user, document=document)
    return document_out(_get(user, document_id), show_cost=can_view_cost(user))


@router.post(
    "/stock-documents/{document_id}/receive",
    response={200: StockDocumentOut, **ERRORS},
    exclude_unset=True,
    summary="Receive a transfer in transit",
)
def stock_documents_receive(request: HttpRequest, document_id: int, date: date | None = None) -> dict[str, Any]:
    """The second step of a transfer between warehouses; `?date=` the day it arrived (default today).
    Receiving again is harmless."""
    user = require(request, "inventory.post_stockdocument")
    document = _get(user, document_id)
    if not may_receive(user, document):
        raise Forbidden(reason="warehouse")
    stock_transfer_receive(actor=user, document=document, day=_day(date, document))
    return document_out(_get(user, document_id), show_cost=can_view_cost(user))


@router.get(
    "/stock-documents/{document_id}/reversal-preview",
    response={200: list[ReversalEffectOut], **ERRORS},
    exclude_unset=True,
    summary="What a reversal would change",
)
def stock_documents_reversal_preview(request: HttpRequest, document_id: int) -> list[dict[str, Any]]:
    """Per product and place: the change, the stock now and after; `short` marks where stock would go below zero."""
    user = require(request, "inventory.view_stockdocument")
    document = _get(user, document_id)
    show_cost = can_view_cost(user)
    effects = []
    for effect in reversal_preview(source_type=SOURCE_TYPE, source_id=document.pk):
        item: dict[str, Any] = {
            "product_id": effect.product.pk,
            "sku": effect.product.sku,
            "product": effect.product.name,
            "place": effect.place,
            "change": effect.change,
            "on_hand": effect.on_hand,
            "after": effect.after,
            "short": effect.short,
        }
        if show_cost:
            item["value"] = effect.value
        effects.append(item)
    return effects


@router.post(
    "/stock-documents/{document_id}/reverse",
    response={201: StockDocumentOut, **ERRORS},
    exclude_unset=True,
    summary="Reverse (红冲) a posted document",
)
def stock_documents_reverse(request: HttpRequest, document_id: int, date: date | None = None) -> Status[dict[str, Any]]:
    """Posts the exact opposite as a new document linked to this one, and returns that new document.
    `?date=` dates the reversal (default today; not before the document)."""
    user = require(request, "inventory.post_stockdocument")
    document = _get(user, document_id)
    _may_use(user, document)
    reversal = stock_document_reverse(actor=user, document=document, day=_day(date, document))
    return Status(201, document_out(_get(user, reversal.pk), show_cost=can_view_cost(user)))


@router.get(
    "/lots/suggestions",
    response={200: LotSuggestionsOut, **ERRORS},
    summary="Lots to take, first expiry first out",
)
def lots_suggestions(
    request: HttpRequest, product_id: int, location_id: int, quantity: Decimal, on: date | None = None
) -> dict[str, Any]:
    """The unexpired lots at a location that cover a quantity (base units), earliest expiry first."""
    user = require(request, "inventory.view_stockdocument")
    location = location_list_for(user=user).filter(pk=location_id).first()
    product = Product.objects.filter(pk=product_id).first()
    if location is None or product is None:
        raise NotFound()
    picks = lot_suggestions(product=product, location=location, quantity=quantity, on=on)
    covered = sum((q for _lot, q in picks), Decimal(0))
    return {
        "items": [
            {
                "lot_id": lot.pk,
                "batch_no": lot.batch_no,
                "production_date": lot.production_date,
                "expiry_date": lot.expiry_date,
                "quantity": q,
            }
            for lot, q in picks
        ],
        "quantity": quantity,
        "covered": covered,
        "short": max(quantity - covered, Decimal(0)),
    }
