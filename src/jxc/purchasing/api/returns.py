"""API: purchase returns (采购退货), against a receipt or free: drafts, post, reverse (红冲)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import Forbidden, NotFound
from jxc.core.excel import xlsx_response
from jxc.inventory.schemas_documents import ReversalEffectOut
from jxc.inventory.selectors import reversal_preview
from jxc.purchasing.api.receipts import day_not_before, effects_out
from jxc.purchasing.choices import RETURN_SOURCE
from jxc.purchasing.models import PurchaseReturn
from jxc.purchasing.schemas import PurchaseFilters, ReturnIn, ReturnOut, ReturnSummaryOut
from jxc.purchasing.selectors.documents import (
    may_use,
    purchase_return_get_for,
    purchase_return_search,
    return_lines,
    reversed_return,
)
from jxc.purchasing.services.returns import (
    ReturnData,
    ReturnLineData,
    purchase_return_create,
    purchase_return_delete,
    purchase_return_post,
    purchase_return_reverse,
    purchase_return_update,
)
from jxc.purchasing.tables_returns import RETURN_COLUMNS

router = Router(tags=["purchase returns"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MONEY = ("amount", "tax", "total")


def _summary(purchase_return: PurchaseReturn, *, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": purchase_return.pk,
        "number": purchase_return.number,
        "status": purchase_return.status,
        "date": purchase_return.date,
        "supplier_id": purchase_return.supplier_id,
        "supplier": purchase_return.supplier.name,
        "warehouse_id": purchase_return.warehouse_id,
        "warehouse": purchase_return.warehouse.name,
        "receipt_id": purchase_return.receipt_id,
        "receipt": purchase_return.receipt.number if purchase_return.receipt else None,
        "line_count": getattr(purchase_return, "line_count", 0),
        "reason": purchase_return.reason,
        "notes": purchase_return.notes,
        "reversal_of_id": purchase_return.reversal_of_id,
        "created_at": purchase_return.created_at,
        "posted_at": purchase_return.posted_at,
    }
    if show_cost:
        out.update({name: getattr(purchase_return, name) for name in MONEY})
    return out


def return_out(purchase_return: PurchaseReturn, *, show_cost: bool) -> dict[str, Any]:
    """A return with its lines; prices, amounts and the stock value that left only with view_cost."""
    out = _summary(purchase_return, show_cost=show_cost)
    reversal = reversed_return(purchase_return)
    lines = []
    for line in return_lines(purchase_return):
        item: dict[str, Any] = {
            "id": line.pk,
            "position": line.position,
            "receipt_line_id": line.receipt_line_id,
            "rejected": line.rejected,
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
            "lot_id": line.lot_id,
            "batch_no": line.lot.batch_no if line.lot else None,
            "serials": line.serial_list,
            "notes": line.notes,
        }
        if show_cost:
            item.update({name: getattr(line, name) for name in ("price", "tax_rate", *MONEY, "cost")})
        lines.append(item)
    out.update(
        {
            "reversed_by_id": reversal.pk if reversal else None,
            "created_by": str(purchase_return.created_by),
            "posted_by": str(purchase_return.posted_by) if purchase_return.posted_by else None,
            "lines": lines,
        }
    )
    return out


def _get(user: Any, return_id: int) -> PurchaseReturn:
    try:
        return purchase_return_get_for(user=user, pk=return_id)
    except PurchaseReturn.DoesNotExist:
        raise NotFound() from None


def _usable(user: Any, return_id: int) -> PurchaseReturn:
    purchase_return = _get(user, return_id)
    if not may_use(user, purchase_return):
        raise Forbidden(reason="warehouse")
    return purchase_return


def _data(payload: ReturnIn, *, show_cost: bool, keep: PurchaseReturn | None = None) -> ReturnData:
    """The service input; prices only from view_cost users (others keep a draft's prices, or get the defaults)."""
    kept: dict[tuple[int | None, int, bool], tuple[Decimal, Decimal]] = {}
    if keep is not None and not show_cost:
        kept = {(ln.receipt_line_id, ln.product_id, ln.rejected): (ln.price, ln.tax_rate) for ln in keep.lines.all()}
    lines = []
    for entry in payload.lines:
        price, tax_rate = entry.price, entry.tax_rate
        if not show_cost:
            price, tax_rate = kept.get((entry.receipt_line_id, entry.product_id, entry.rejected), (None, None))
        lines.append(
            ReturnLineData(
                product_id=entry.product_id,
                quantity=entry.quantity,
                unit_id=entry.unit_id,
                receipt_line_id=entry.receipt_line_id,
                rejected=entry.rejected,
                price=price,
                tax_rate=tax_rate,
                location_id=entry.location_id,
                lot_id=entry.lot_id,
                serials=entry.serials,
                notes=entry.notes,
            )
        )
    return ReturnData(
        supplier_id=payload.supplier_id or 0,
        warehouse_id=payload.warehouse_id or 0,
        receipt_id=payload.receipt_id,
        date=payload.date or timezone.localdate(),
        prices_include_tax=payload.prices_include_tax,
        reason=payload.reason,
        notes=payload.notes,
        lines=lines,
    )


def _out(user: Any, return_id: int) -> dict[str, Any]:
    return return_out(_get(user, return_id), show_cost=can_view_cost(user))


@router.get("/purchase-returns", response=Page[ReturnSummaryOut], exclude_unset=True, summary="List purchase returns")
def purchase_returns(
    request: HttpRequest,
    params: Query[PageParams],
    filters: Query[PurchaseFilters],
) -> dict[str, Any]:
    """Newest first. `q` searches the number, the supplier and the products."""
    user = require(request, "purchasing.view_purchasereturn")
    show_cost = can_view_cost(user)
    found = purchase_return_search(user=user, **filters.dict()).order_by("-date", "-pk")
    return paged(found, params, lambda r: _summary(r, show_cost=show_cost))


@router.get("/purchase-returns/export", summary="Export purchase returns to Excel", response={200: None})
def purchase_returns_export(
    request: HttpRequest,
    filters: Query[PurchaseFilters],
) -> HttpResponse:
    """The list's columns with the same filters; amounts only with view_cost."""
    user = require(request, "purchasing.view_purchasereturn")
    found = purchase_return_search(user=user, **filters.dict()).order_by("-date", "-pk")
    columns = visible_columns(RETURN_COLUMNS, user)
    return xlsx_response(
        filename="purchase-returns",
        title="purchase returns",
        columns=columns,
        rows=rows_of(found.iterator(chunk_size=2000), columns),
    )


@router.post(
    "/purchase-returns", response={201: ReturnOut, **ERRORS}, exclude_unset=True, summary="Create a draft return"
)
def purchase_returns_create(request: HttpRequest, payload: ReturnIn) -> Status[dict[str, Any]]:
    """Saved as a draft with its number (CT + date + sequence). More than is left of a receipt line is refused
    (409 `return_exceeds_receipt`)."""
    user = require(request, "purchasing.add_purchasereturn")
    purchase_return = purchase_return_create(actor=user, data=_data(payload, show_cost=can_view_cost(user)))
    return Status(201, _out(user, purchase_return.pk))


@router.get(
    "/purchase-returns/{return_id}", response={200: ReturnOut, **ERRORS}, exclude_unset=True, summary="Get a return"
)
def purchase_returns_get(request: HttpRequest, return_id: int) -> dict[str, Any]:
    user = require(request, "purchasing.view_purchasereturn")
    return _out(user, return_id)


@router.put(
    "/purchase-returns/{return_id}",
    response={200: ReturnOut, **ERRORS},
    exclude_unset=True,
    summary="Replace a draft",
)
def purchase_returns_put(request: HttpRequest, return_id: int, payload: ReturnIn) -> dict[str, Any]:
    user = require(request, "purchasing.change_purchasereturn")
    purchase_return = _usable(user, return_id)
    data = _data(payload, show_cost=can_view_cost(user), keep=purchase_return)
    purchase_return_update(actor=user, purchase_return=purchase_return, data=data)
    return _out(user, return_id)


@router.delete("/purchase-returns/{return_id}", response={204: None, **ERRORS}, summary="Delete a draft return")
def purchase_returns_delete(request: HttpRequest, return_id: int) -> Status[None]:
    user = require(request, "purchasing.change_purchasereturn")
    purchase_return_delete(actor=user, purchase_return=_usable(user, return_id))
    return Status(204, None)


@router.post(
    "/purchase-returns/{return_id}/post",
    response={200: ReturnOut, **ERRORS},
    exclude_unset=True,
    summary="Post a draft",
)
def purchase_returns_post(request: HttpRequest, return_id: int) -> dict[str, Any]:
    """Goods out at their receipt cost (never more than the stock's value), payable down. Again: harmless."""
    user = require(request, "purchasing.post_purchasereturn")
    purchase_return_post(actor=user, purchase_return=_usable(user, return_id))
    return _out(user, return_id)


@router.get(
    "/purchase-returns/{return_id}/reversal-preview",
    response={200: list[ReversalEffectOut], **ERRORS},
    exclude_unset=True,
    summary="What a reversal would change in stock",
)
def purchase_returns_reversal_preview(request: HttpRequest, return_id: int) -> list[dict[str, Any]]:
    user = require(request, "purchasing.view_purchasereturn")
    purchase_return = _get(user, return_id)
    return effects_out(reversal_preview(source_type=RETURN_SOURCE, source_id=purchase_return.pk), can_view_cost(user))


@router.post(
    "/purchase-returns/{return_id}/reverse",
    response={201: ReturnOut, **ERRORS},
    exclude_unset=True,
    summary="Reverse (红冲) a posted return",
)
def purchase_returns_reverse(request: HttpRequest, return_id: int, date: date | None = None) -> Status[dict[str, Any]]:
    """The goods come back at the value they left with and the payable goes back up; returns the new return."""
    user = require(request, "purchasing.post_purchasereturn")
    purchase_return = _usable(user, return_id)
    reversal = purchase_return_reverse(
        actor=user, purchase_return=purchase_return, day=day_not_before(date, purchase_return.date)
    )
    return Status(201, _out(user, reversal.pk))
