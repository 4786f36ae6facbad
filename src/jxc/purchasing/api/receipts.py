"""API: purchase receipts (采购入库) with inspection: drafts, post, reverse (红冲)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import Forbidden, NotFound, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.inventory.schemas_documents import ReversalEffectOut
from jxc.inventory.selectors import reversal_preview
from jxc.purchasing.choices import RECEIPT_SOURCE
from jxc.purchasing.models import PurchaseReceipt
from jxc.purchasing.schemas import PurchaseFilters, ReceiptIn, ReceiptOut, ReceiptSummaryOut
from jxc.purchasing.selectors.documents import (
    may_use,
    purchase_receipt_get_for,
    purchase_receipt_search,
    receipt_lines,
    reversed_receipt,
)
from jxc.purchasing.services.receipts import (
    ReceiptData,
    ReceiptLineData,
    purchase_receipt_create,
    purchase_receipt_delete,
    purchase_receipt_post,
    purchase_receipt_reverse,
    purchase_receipt_update,
)
from jxc.purchasing.tables_receipts import RECEIPT_COLUMNS

router = Router(tags=["purchase receipts"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MONEY = ("freight", "other_charges", "amount", "tax", "total")
LINE_MONEY = ("price", "tax_rate", "discount_pct", "amount", "tax", "total", "charges", "cost")


def _summary(receipt: PurchaseReceipt, *, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": receipt.pk,
        "number": receipt.number,
        "status": receipt.status,
        "date": receipt.date,
        "supplier_id": receipt.supplier_id,
        "supplier": receipt.supplier.name,
        "warehouse_id": receipt.warehouse_id,
        "warehouse": receipt.warehouse.name,
        "allocation": receipt.allocation,
        "prices_include_tax": receipt.prices_include_tax,
        "line_count": getattr(receipt, "line_count", 0),
        "supplier_reference": receipt.supplier_reference,
        "notes": receipt.notes,
        "reversal_of_id": receipt.reversal_of_id,
        "created_at": receipt.created_at,
        "posted_at": receipt.posted_at,
    }
    if show_cost:
        out.update({name: getattr(receipt, name) for name in MONEY})
    return out


def receipt_out(receipt: PurchaseReceipt, *, show_cost: bool) -> dict[str, Any]:
    """A receipt with its inspected lines; prices, amounts and stock values only with view_cost."""
    out = _summary(receipt, show_cost=show_cost)
    reversal = reversed_receipt(receipt)
    lines = []
    for line in receipt_lines(receipt):
        item: dict[str, Any] = {
            "id": line.pk,
            "position": line.position,
            "order_line_id": line.order_line_id,
            "order_number": line.order_line.order.number if line.order_line else None,
            "product_id": line.product_id,
            "sku": line.product.sku,
            "product": line.product.name,
            "unit_id": line.unit_id,
            "unit": line.unit.name,
            "factor": line.factor,
            "received_quantity": line.received_quantity,
            "accepted_quantity": line.accepted_quantity,
            "rejected_quantity": line.rejected_quantity,
            "reject_reason": line.reject_reason,
            "base_quantity": line.quantity,
            "returned": line.returned_quantity,
            "location_id": line.location_id,
            "location": line.location.code,
            "lot_id": line.lot_id,
            "batch_no": line.lot.batch_no if line.lot else line.batch_no,
            "production_date": line.lot.production_date if line.lot else line.production_date,
            "expiry_date": line.lot.expiry_date if line.lot else line.expiry_date,
            "serials": line.serial_list,
            "notes": line.notes,
        }
        if show_cost:
            item.update({name: getattr(line, name) for name in LINE_MONEY})
        lines.append(item)
    out.update(
        {
            "reversed_by_id": reversal.pk if reversal else None,
            "created_by": str(receipt.created_by),
            "posted_by": str(receipt.posted_by) if receipt.posted_by else None,
            "lines": lines,
        }
    )
    return out


def _get(user: Any, receipt_id: int) -> PurchaseReceipt:
    try:
        return purchase_receipt_get_for(user=user, pk=receipt_id)
    except PurchaseReceipt.DoesNotExist:
        raise NotFound() from None


def _usable(user: Any, receipt_id: int) -> PurchaseReceipt:
    receipt = _get(user, receipt_id)
    if not may_use(user, receipt):
        raise Forbidden(reason="warehouse")
    return receipt


def _data(payload: ReceiptIn, *, show_cost: bool, keep: PurchaseReceipt | None = None) -> ReceiptData:
    """The service input; prices only from view_cost users (others keep a draft's prices, or get the defaults)."""
    kept: dict[tuple[int | None, int], tuple[Decimal, Decimal, Decimal]] = {}
    if keep is not None and not show_cost:
        kept = {(ln.order_line_id, ln.product_id): (ln.price, ln.tax_rate, ln.discount_pct) for ln in keep.lines.all()}
    lines = []
    for entry in payload.lines:
        price, tax_rate, discount = entry.price, entry.tax_rate, entry.discount_pct
        if not show_cost:
            price, tax_rate, discount = kept.get((entry.order_line_id, entry.product_id), (None, None, None))
        lines.append(
            ReceiptLineData(
                product_id=entry.product_id,
                received_quantity=entry.received_quantity,
                accepted_quantity=entry.accepted_quantity,
                rejected_quantity=entry.rejected_quantity,
                reject_reason=entry.reject_reason,
                unit_id=entry.unit_id,
                order_line_id=entry.order_line_id,
                price=price,
                tax_rate=tax_rate,
                discount_pct=discount,
                location_id=entry.location_id,
                batch_no=entry.batch_no,
                production_date=entry.production_date,
                expiry_date=entry.expiry_date,
                serials=entry.serials,
                notes=entry.notes,
            )
        )
    charges = (payload.freight, payload.other_charges)
    if not show_cost:  # charges are money: kept from the draft, none on a new receipt
        charges = (keep.freight, keep.other_charges) if keep is not None else (Decimal(0), Decimal(0))
    return ReceiptData(
        supplier_id=payload.supplier_id,
        warehouse_id=payload.warehouse_id,
        date=payload.date or timezone.localdate(),
        prices_include_tax=payload.prices_include_tax,
        allocation=payload.allocation,
        freight=charges[0],
        other_charges=charges[1],
        supplier_reference=payload.supplier_reference,
        notes=payload.notes,
        lines=lines,
    )


def day_not_before(day: date | None, document_date: date) -> date | None:
    """A reversal date, refused when it falls before the document's own date."""
    if day is not None and day < document_date:
        raise ValidationFailed.one(
            "date", _("The date cannot be before the document's own date (%(date)s).") % {"date": document_date}
        )
    return day


def _out(user: Any, receipt_id: int) -> dict[str, Any]:
    return receipt_out(_get(user, receipt_id), show_cost=can_view_cost(user))


@router.get(
    "/purchase-receipts", response=Page[ReceiptSummaryOut], exclude_unset=True, summary="List purchase receipts"
)
def purchase_receipts(
    request: HttpRequest,
    params: Query[PageParams],
    filters: Query[PurchaseFilters],
) -> dict[str, Any]:
    """Newest first. `q` searches the number, the supplier and the products."""
    user = require(request, "purchasing.view_purchasereceipt")
    show_cost = can_view_cost(user)
    found = purchase_receipt_search(user=user, **filters.dict()).order_by("-date", "-pk")
    return paged(found, params, lambda r: _summary(r, show_cost=show_cost))


@router.get("/purchase-receipts/export", summary="Export purchase receipts to Excel", response={200: None})
def purchase_receipts_export(
    request: HttpRequest,
    filters: Query[PurchaseFilters],
) -> HttpResponse:
    """The list's columns with the same filters; amounts only with view_cost."""
    user = require(request, "purchasing.view_purchasereceipt")
    found = purchase_receipt_search(user=user, **filters.dict()).order_by("-date", "-pk")
    columns = visible_columns(RECEIPT_COLUMNS, user)
    return xlsx_response(
        filename="purchase-receipts",
        title="purchase receipts",
        columns=columns,
        rows=rows_of(found.iterator(chunk_size=2000), columns),
    )


@router.post(
    "/purchase-receipts", response={201: ReceiptOut, **ERRORS}, exclude_unset=True, summary="Create a draft receipt"
)
def purchase_receipts_create(request: HttpRequest, payload: ReceiptIn) -> Status[dict[str, Any]]:
    """Saved as a draft with its number (RK + date + sequence); post it with `/post`. Lines against order lines
    take their unit and price; over-receipt beyond the company's tolerance is refused (409 `over_receipt`)."""
    user = require(request, "purchasing.add_purchasereceipt")
    receipt = purchase_receipt_create(actor=user, data=_data(payload, show_cost=can_view_cost(user)))
    return Status(201, _out(user, receipt.pk))


@router.get(
    "/purchase-receipts/{receipt_id}",
    response={200: ReceiptOut, **ERRORS},
    exclude_unset=True,
    summary="Get a receipt",
)
def purchase_receipts_get(request: HttpRequest, receipt_id: int) -> dict[str, Any]:
    user = require(request, "purchasing.view_purchasereceipt")
    return _out(user, receipt_id)


@router.put(
    "/purchase-receipts/{receipt_id}",
    response={200: ReceiptOut, **ERRORS},
    exclude_unset=True,
    summary="Replace a draft",
)
def purchase_receipts_put(request: HttpRequest, receipt_id: int, payload: ReceiptIn) -> dict[str, Any]:
    """Only drafts change (409 `document_not_draft` otherwise)."""
    user = require(request, "purchasing.change_purchasereceipt")
    receipt = _usable(user, receipt_id)
    data = _data(payload, show_cost=can_view_cost(user), keep=receipt)
    purchase_receipt_update(actor=user, receipt=receipt, data=data)
    return _out(user, receipt_id)


@router.delete("/purchase-receipts/{receipt_id}", response={204: None, **ERRORS}, summary="Delete a draft receipt")
def purchase_receipts_delete(request: HttpRequest, receipt_id: int) -> Status[None]:
    user = require(request, "purchasing.change_purchasereceipt")
    purchase_receipt_delete(actor=user, receipt=_usable(user, receipt_id))
    return Status(204, None)


@router.post(
    "/purchase-receipts/{receipt_id}/post",
    response={200: ReceiptOut, **ERRORS},
    exclude_unset=True,
    summary="Post a draft",
)
def purchase_receipts_post(request: HttpRequest, receipt_id: int) -> dict[str, Any]:
    """Accepted goods into stock at landed cost, payable up, orders received. Posting again is harmless."""
    user = require(request, "purchasing.post_purchasereceipt")
    purchase_receipt_post(actor=user, receipt=_usable(user, receipt_id))
    return _out(user, receipt_id)


@router.get(
    "/purchase-receipts/{receipt_id}/reversal-preview",
    response={200: list[ReversalEffectOut], **ERRORS},
    exclude_unset=True,
    summary="What a reversal would change in stock",
)
def purchase_receipts_reversal_preview(request: HttpRequest, receipt_id: int) -> list[dict[str, Any]]:
    """Per product and place: the change, the stock now and after; `short` where stock would go below zero."""
    user = require(request, "purchasing.view_purchasereceipt")
    receipt = _get(user, receipt_id)
    return effects_out(reversal_preview(source_type=RECEIPT_SOURCE, source_id=receipt.pk), can_view_cost(user))


def effects_out(effects: list[Any], show_cost: bool) -> list[dict[str, Any]]:
    """Reversal effects as API data; their value only with view_cost."""
    out = []
    for effect in effects:
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
        out.append(item)
    return out


@router.post(
    "/purchase-receipts/{receipt_id}/reverse",
    response={201: ReceiptOut, **ERRORS},
    exclude_unset=True,
    summary="Reverse (红冲) a posted receipt",
)
def purchase_receipts_reverse(
    request: HttpRequest, receipt_id: int, date: date | None = None
) -> Status[dict[str, Any]]:
    """Posts the exact opposite (stock out, payable down, order quantities back) as a new linked receipt, and
    returns it. `?date=` dates the reversal (default today; not before the receipt)."""
    user = require(request, "purchasing.post_purchasereceipt")
    receipt = _usable(user, receipt_id)
    reversal = purchase_receipt_reverse(actor=user, receipt=receipt, day=day_not_before(date, receipt.date))
    return Status(201, _out(user, reversal.pk))
