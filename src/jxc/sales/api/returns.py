"""API: sales returns (销售退货), against a posted shipment or free: drafts, post, reverse (红冲) with a preview."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost, rows_of
from jxc.core.errors import Forbidden, NotFound, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.inventory.schemas_documents import ReversalEffectOut
from jxc.inventory.selectors import reversal_preview
from jxc.sales.choices import RETURN_SOURCE
from jxc.sales.models import SalesReturn, SalesShipment
from jxc.sales.schemas_returns import (
    ReturnableLineOut,
    SalesReturnFilters,
    SalesReturnIn,
    SalesReturnOut,
    SalesReturnSummaryOut,
)
from jxc.sales.selectors.documents import can_view_prices
from jxc.sales.selectors.returns import (
    may_use,
    return_lines,
    returnable_lines,
    reversed_return,
    sales_return_get_for,
    sales_return_search,
)
from jxc.sales.selectors.shipments import sales_shipment_get_for
from jxc.sales.services.returns import (
    SalesReturnData,
    SalesReturnLineData,
    sales_return_create,
    sales_return_delete,
    sales_return_post,
    sales_return_reverse,
    sales_return_update,
)
from jxc.sales.tables_returns import RETURN_EXPORT_COLUMNS, columns_for

router = Router(tags=["sales returns"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "sales.view_salesreturn"
ADD = "sales.add_salesreturn"
CHANGE = "sales.change_salesreturn"
POST = "sales.post_salesreturn"
MONEY = ("amount", "tax", "total")
LINE_MONEY = ("price", "tax_rate", "discount_pct", "amount", "tax", "total")


def _summary(sales_return: SalesReturn, *, show_prices: bool, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": sales_return.pk,
        "number": sales_return.number,
        "status": sales_return.status,
        "date": sales_return.date,
        "customer_id": sales_return.customer_id,
        "customer": sales_return.customer.name,
        "warehouse_id": sales_return.warehouse_id,
        "warehouse": sales_return.warehouse.name,
        "shipment_id": sales_return.shipment_id,
        "shipment": sales_return.shipment.number if sales_return.shipment else None,
        "prices_include_tax": sales_return.prices_include_tax,
        "line_count": getattr(sales_return, "line_count", 0),
        "reason": sales_return.reason,
        "notes": sales_return.notes,
        "reversal_of_id": sales_return.reversal_of_id,
        "created_at": sales_return.created_at,
        "posted_at": sales_return.posted_at,
    }
    if show_prices:
        out.update({name: getattr(sales_return, name) for name in MONEY})
    if show_cost:
        out["cost"] = sales_return.cost
    return out


def return_out(sales_return: SalesReturn, *, show_prices: bool, show_cost: bool) -> dict[str, Any]:
    """A return with its lines; what is credited only for users who see prices, the cost only with view_cost."""
    out = _summary(sales_return, show_prices=show_prices, show_cost=show_cost)
    reversal = reversed_return(sales_return)
    lines = []
    for line in return_lines(sales_return):
        item: dict[str, Any] = {
            "id": line.pk,
            "position": line.position,
            "shipment_line_id": line.shipment_line_id,
            "shipment": line.shipment_line.shipment.number if line.shipment_line else None,
            "product_id": line.product_id,
            "sku": line.product.sku,
            "product": line.product.name,
            "unit_id": line.unit_id,
            "unit": line.unit.name,
            "quantity": line.unit_quantity,
            "factor": line.factor,
            "base_quantity": line.quantity,
            "disposition": line.disposition,
            "location_id": line.location_id,
            "location": line.location.code,
            "lot_id": line.lot_id,
            "batch_no": line.lot.batch_no if line.lot else None,
            "serials": line.serial_list,
            "notes": line.notes,
        }
        if show_prices:
            item.update({name: getattr(line, name) for name in LINE_MONEY})
        if show_cost:
            item["cost"] = line.cost
        lines.append(item)
    out.update(
        {
            "line_count": len(lines),
            "reversed_by_id": reversal.pk if reversal else None,
            "created_by": str(sales_return.created_by),
            "posted_by": str(sales_return.posted_by) if sales_return.posted_by else None,
            "lines": lines,
        }
    )
    return out


def _get(user: Any, return_id: int) -> SalesReturn:
    try:
        return sales_return_get_for(user=user, pk=return_id)
    except SalesReturn.DoesNotExist:
        raise NotFound() from None


def _usable(user: Any, return_id: int) -> SalesReturn:
    sales_return = _get(user, return_id)
    if not may_use(user, sales_return):
        raise Forbidden(reason="warehouse")
    return sales_return


def _data(payload: SalesReturnIn, *, show_prices: bool, keep: SalesReturn | None = None) -> SalesReturnData:
    """The service input; prices only from users who may see them (others keep a draft's prices, or get the
    defaults: the shipment line's, else the proposed price)."""
    kept: dict[tuple[int | None, int], tuple[Decimal, Decimal, Decimal]] = {}
    if keep is not None and not show_prices:
        kept = {
            (ln.shipment_line_id, ln.product_id): (ln.price, ln.tax_rate, ln.discount_pct) for ln in keep.lines.all()
        }
    lines = []
    for entry in payload.lines:
        price, tax_rate, discount = entry.price, entry.tax_rate, entry.discount_pct
        if not show_prices:
            price, tax_rate, discount = kept.get((entry.shipment_line_id, entry.product_id), (None, None, None))
        lines.append(
            SalesReturnLineData(
                product_id=entry.product_id,
                quantity=entry.quantity,
                unit_id=entry.unit_id,
                shipment_line_id=entry.shipment_line_id,
                price=price,
                tax_rate=tax_rate,
                discount_pct=discount,
                disposition=entry.disposition,
                location_id=entry.location_id,
                lot_id=entry.lot_id,
                serials=entry.serials,
                notes=entry.notes,
            )
        )
    include_tax = payload.prices_include_tax
    if keep is not None and not show_prices:
        include_tax = keep.prices_include_tax
    return SalesReturnData(
        customer_id=payload.customer_id,
        warehouse_id=payload.warehouse_id,
        shipment_id=payload.shipment_id,
        date=payload.date or timezone.localdate(),
        prices_include_tax=include_tax,
        reason=payload.reason,
        notes=payload.notes,
        lines=lines,
    )


def _out(user: Any, return_id: int) -> dict[str, Any]:
    return return_out(_get(user, return_id), show_prices=can_view_prices(user), show_cost=can_view_cost(user))


@router.get("/sales-returns", response=Page[SalesReturnSummaryOut], exclude_unset=True, summary="List sales returns")
def sales_returns(
    request: HttpRequest,
    params: Query[PageParams],
    filters: Query[SalesReturnFilters],
) -> dict[str, Any]:
    """Newest first. `q` searches the number, the customer, the shipment, the reason, the products and serials."""
    user = require(request, VIEW)
    show_prices, show_cost = can_view_prices(user), can_view_cost(user)
    found = sales_return_search(user=user, **filters.dict()).order_by("-date", "-pk")
    return paged(found, params, lambda r: _summary(r, show_prices=show_prices, show_cost=show_cost))


@router.get("/sales-returns/export", summary="Export sales returns to Excel", response={200: None})
def sales_returns_export(request: HttpRequest, filters: Query[SalesReturnFilters]) -> HttpResponse:
    """The list's columns with the same filters; amounts only for users who see prices, the cost with view_cost."""
    user = require(request, VIEW)
    found = sales_return_search(user=user, **filters.dict()).order_by("-date", "-pk")
    columns = columns_for(RETURN_EXPORT_COLUMNS, user)
    return xlsx_response(
        filename="sales-returns",
        title="sales returns",
        columns=columns,
        rows=rows_of(found.iterator(chunk_size=2000), columns),
    )


@router.get(
    "/sales-returns/returnable",
    response={200: list[ReturnableLineOut], **ERRORS},
    exclude_unset=True,
    summary="What is left to return of a shipment",
)
def sales_returns_returnable(request: HttpRequest, shipment_id: int) -> list[dict[str, Any]]:
    """The shipment's lines with goods not returned yet, in their unit: what a return against it may name."""
    user = require(request, VIEW)
    try:
        shipment = sales_shipment_get_for(user=user, pk=shipment_id)
    except SalesShipment.DoesNotExist:
        raise NotFound() from None
    show_prices = can_view_prices(user)
    out = []
    for row in returnable_lines(shipment):
        line = row.line
        item: dict[str, Any] = {
            "shipment_line_id": line.pk,
            "product_id": line.product_id,
            "sku": line.product.sku,
            "product": line.product.name,
            "unit_id": line.unit_id,
            "unit": line.unit.name,
            "shipped": row.shipped,
            "returned": row.returned,
            "left": row.left,
            "lot_id": line.lot_id,
            "batch_no": line.lot.batch_no if line.lot else None,
            "serials": line.serial_list,
        }
        if show_prices:
            item["price"] = line.price
        out.append(item)
    return out


@router.post(
    "/sales-returns", response={201: SalesReturnOut, **ERRORS}, exclude_unset=True, summary="Create a draft return"
)
def sales_returns_create(request: HttpRequest, payload: SalesReturnIn) -> Status[dict[str, Any]]:
    """Saved as a draft with its number (XT + date + sequence). More than is left to return of a shipment line is
    refused (409 `return_exceeds_shipment`); a shipment not posted too (409 `document_not_posted`)."""
    user = require(request, ADD)
    sales_return = sales_return_create(actor=user, data=_data(payload, show_prices=can_view_prices(user)))
    return Status(201, _out(user, sales_return.pk))


@router.get(
    "/sales-returns/{return_id}", response={200: SalesReturnOut, **ERRORS}, exclude_unset=True, summary="Get a return"
)
def sales_returns_get(request: HttpRequest, return_id: int) -> dict[str, Any]:
    user = require(request, VIEW)
    return _out(user, return_id)


@router.put(
    "/sales-returns/{return_id}",
    response={200: SalesReturnOut, **ERRORS},
    exclude_unset=True,
    summary="Replace a draft",
)
def sales_returns_put(request: HttpRequest, return_id: int, payload: SalesReturnIn) -> dict[str, Any]:
    user = require(request, CHANGE)
    sales_return = _usable(user, return_id)
    data = _data(payload, show_prices=can_view_prices(user), keep=sales_return)
    sales_return_update(actor=user, sales_return=sales_return, data=data)
    return _out(user, return_id)


@router.delete("/sales-returns/{return_id}", response={204: None, **ERRORS}, summary="Delete a draft return")
def sales_returns_delete(request: HttpRequest, return_id: int) -> Status[None]:
    user = require(request, CHANGE)
    sales_return_delete(actor=user, sales_return=_usable(user, return_id))
    return Status(204, None)


@router.post(
    "/sales-returns/{return_id}/post",
    response={200: SalesReturnOut, **ERRORS},
    exclude_unset=True,
    summary="Post a draft",
)
def sales_returns_post(request: HttpRequest, return_id: int) -> dict[str, Any]:
    """The goods come back at the cost they left with (free: today's average; scrapped goods leave again), the
    receivable goes down, the shipment lines count them as returned. Again: harmless."""
    user = require(request, POST)
    sales_return_post(actor=user, sales_return=_usable(user, return_id))
    return _out(user, return_id)


@router.get(
    "/sales-returns/{return_id}/reversal-preview",
    response={200: list[ReversalEffectOut], **ERRORS},
    exclude_unset=True,
    summary="What a reversal would change in stock",
)
def sales_returns_reversal_preview(request: HttpRequest, return_id: int) -> list[dict[str, Any]]:
    """Per product and place: the change, the stock now and after; `short` marks where stock would go below zero
    (scrapped goods come back and leave again: no change)."""
    user = require(request, VIEW)
    sales_return = _get(user, return_id)
    show_cost = can_view_cost(user)
    effects = []
    for effect in reversal_preview(source_type=RETURN_SOURCE, source_id=sales_return.pk):
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
    "/sales-returns/{return_id}/reverse",
    response={201: SalesReturnOut, **ERRORS},
    exclude_unset=True,
    summary="Reverse (红冲) a posted return",
)
def sales_returns_reverse(request: HttpRequest, return_id: int, date: date | None = None) -> Status[dict[str, Any]]:
    """Posts the exact opposite as a new linked return (the goods leave at the value they came with, the receivable
    goes back up) and returns it. `?date=` dates it (default today; not before the return)."""
    user = require(request, POST)
    sales_return = _usable(user, return_id)
    if date is not None and date < sales_return.date:
        raise ValidationFailed.one(
            "date", _("The date cannot be before the document's own date (%(date)s).") % {"date": sales_return.date}
        )
    reversal = sales_return_reverse(actor=user, sales_return=sales_return, day=date)
    return Status(201, _out(user, reversal.pk))
