"""API: purchase orders (采购订单): drafts, submit, approve or reject, unapprove, close, void; price recall."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.selectors import include_tax_default
from jxc.catalog.lines import Catalog
from jxc.catalog.models import Product
from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import Forbidden, NotFound
from jxc.core.excel import xlsx_response
from jxc.inventory.schemas_orders import CommentIn, ReasonIn, approvals_out
from jxc.purchasing.models import PurchaseOrder
from jxc.purchasing.schemas import OrderFilters, OrderIn, OrderOut, OrderSummaryOut, PriceOut
from jxc.purchasing.selectors.documents import (
    line_progress,
    may_use,
    order_lines,
    purchase_order_get_for,
    purchase_order_search,
)
from jxc.purchasing.selectors.terms import price_recall
from jxc.purchasing.services.orders import (
    OrderData,
    OrderLineData,
    purchase_order_approve,
    purchase_order_close,
    purchase_order_create,
    purchase_order_reject,
    purchase_order_submit,
    purchase_order_unapprove,
    purchase_order_update,
    purchase_order_void,
)
from jxc.purchasing.tables_orders import ORDER_EXPORT_COLUMNS, with_progress

router = Router(tags=["purchase orders"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MONEY = ("freight", "other_charges", "amount", "tax", "total")


def _summary(order: PurchaseOrder, *, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "date": order.date,
        "expected_date": order.expected_date,
        "supplier_id": order.supplier_id,
        "supplier": order.supplier.name,
        "warehouse_id": order.warehouse_id,
        "warehouse": order.warehouse.name,
        "prices_include_tax": order.prices_include_tax,
        "line_count": getattr(order, "line_count", 0),
        "supplier_reference": order.supplier_reference,
        "notes": order.notes,
        "created_at": order.created_at,
        "approved_at": order.approved_at,
    }
    if show_cost:
        out.update({name: getattr(order, name) for name in MONEY})
    return out


def order_out(order: PurchaseOrder, *, show_cost: bool) -> dict[str, Any]:
    """An order with its lines (progress per line) and its approval steps; prices only with view_cost."""
    out = _summary(order, show_cost=show_cost)
    lines = []
    for line in order_lines(order):
        progress = line_progress(line)
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
            "received": progress["received"],
            "rejected": progress["rejected"],
            "remaining": progress["remaining"],
            "expected_date": line.expected_date,
            "notes": line.notes,
        }
        if show_cost:
            item.update({name: getattr(line, name) for name in ("price", "tax_rate", "discount_pct", *MONEY[2:])})
        lines.append(item)
    out.update(
        {
            "created_by": str(order.created_by),
            "approved_by": str(order.approved_by) if order.approved_by else None,
            "close_reason": order.close_reason,
            "approvals": approvals_out(document_type=PURCHASE_ORDER, document_id=order.pk),
            "lines": lines,
        }
    )
    return out


def _get(user: Any, order_id: int) -> PurchaseOrder:
    try:
        return purchase_order_get_for(user=user, pk=order_id)
    except PurchaseOrder.DoesNotExist:
        raise NotFound() from None


def _usable(user: Any, order_id: int) -> PurchaseOrder:
    order = _get(user, order_id)
    if not may_use(user, order):
        raise Forbidden(reason="warehouse")
    return order


def _data(payload: OrderIn) -> OrderData:
    return OrderData(
        supplier_id=payload.supplier_id,
        warehouse_id=payload.warehouse_id,
        date=payload.date or timezone.localdate(),
        expected_date=payload.expected_date,
        prices_include_tax=payload.prices_include_tax,
        freight=payload.freight,
        other_charges=payload.other_charges,
        supplier_reference=payload.supplier_reference,
        notes=payload.notes,
        lines=[
            OrderLineData(
                product_id=entry.product_id,
                quantity=entry.quantity,
                unit_id=entry.unit_id,
                price=entry.price,
                tax_rate=entry.tax_rate,
                discount_pct=entry.discount_pct,
                expected_date=entry.expected_date,
                notes=entry.notes,
            )
            for entry in payload.lines
        ],
    )


def _out(user: Any, order_id: int) -> dict[str, Any]:
    return order_out(_get(user, order_id), show_cost=can_view_cost(user))


@router.get("/purchase-orders", response=Page[OrderSummaryOut], exclude_unset=True, summary="List purchase orders")
def purchase_orders(
    request: HttpRequest,
    params: Query[PageParams],
    filters: Query[OrderFilters],
) -> dict[str, Any]:
    """Newest first. `q` searches the number, the supplier and the products; `overdue=true` keeps late orders."""
    user = require(request, "purchasing.view_purchaseorder")
    show_cost = can_view_cost(user)
    found = purchase_order_search(user=user, **filters.search()).order_by("-date", "-pk")
    return paged(found, params, lambda o: _summary(o, show_cost=show_cost))


@router.get("/purchase-orders/export", summary="Export purchase orders to Excel", response={200: None})
def purchase_orders_export(
    request: HttpRequest,
    filters: Query[OrderFilters],
) -> HttpResponse:
    """The list's columns with the same filters; totals only with view_cost."""
    user = require(request, "purchasing.view_purchaseorder")
    found = purchase_order_search(user=user, **filters.search()).order_by("-date", "-pk")
    columns = visible_columns(ORDER_EXPORT_COLUMNS, user)
    return xlsx_response(
        filename="purchase-orders",
        title="purchase orders",
        columns=columns,
        rows=rows_of(with_progress(found).iterator(chunk_size=2000), columns),
    )


@router.post("/purchase-orders", response={201: OrderOut, **ERRORS}, exclude_unset=True, summary="Create a draft order")
def purchase_orders_create(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    """Saved as a draft with its number (CG + date + sequence); submit it with `/submit`."""
    user = require(request, "purchasing.add_purchaseorder", "accounts.view_cost")
    order = purchase_order_create(actor=user, data=_data(payload))
    return Status(201, _out(user, order.pk))


@router.get(
    "/purchase-orders/{order_id}", response={200: OrderOut, **ERRORS}, exclude_unset=True, summary="Get an order"
)
def purchase_orders_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    user = require(request, "purchasing.view_purchaseorder")
    return _out(user, order_id)


@router.put(
    "/purchase-orders/{order_id}", response={200: OrderOut, **ERRORS}, exclude_unset=True, summary="Replace a draft"
)
def purchase_orders_put(request: HttpRequest, order_id: int, payload: OrderIn) -> dict[str, Any]:
    """Only drafts change (409 `document_not_draft` otherwise): header and lines are replaced."""
    user = require(request, "purchasing.change_purchaseorder", "accounts.view_cost")
    purchase_order_update(actor=user, order=_usable(user, order_id), data=_data(payload))
    return _out(user, order_id)


@router.post(
    "/purchase-orders/{order_id}/submit",
    response={200: OrderOut, **ERRORS},
    exclude_unset=True,
    summary="Submit for approval",
)
def purchase_orders_submit(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Every approval rule that fires adds a step (see `approvals`); with none the order may approve at once."""
    user = require(request, "purchasing.change_purchaseorder")
    purchase_order_submit(actor=user, order=_usable(user, order_id))
    return _out(user, order_id)


@router.post(
    "/purchase-orders/{order_id}/approve",
    response={200: OrderOut, **ERRORS},
    exclude_unset=True,
    summary="Approve (审核)",
)
def purchase_orders_approve(request: HttpRequest, order_id: int, payload: CommentIn) -> dict[str, Any]:
    """Decides the waiting steps of the caller's roles; 403 `approval_role_required` names the roles needed.
    The order is `approved` when no step is left waiting."""
    user = require(request, "purchasing.view_purchaseorder")
    purchase_order_approve(actor=user, order=_usable(user, order_id), comment=payload.comment)
    return _out(user, order_id)


@router.post(
    "/purchase-orders/{order_id}/reject",
    response={200: OrderOut, **ERRORS},
    exclude_unset=True,
    summary="Reject back to draft",
)
def purchase_orders_reject(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    """The reason is required; the order goes back to draft."""
    user = require(request, "purchasing.view_purchaseorder")
    purchase_order_reject(actor=user, order=_usable(user, order_id), reason=payload.reason)
    return _out(user, order_id)


@router.post(
    "/purchase-orders/{order_id}/unapprove",
    response={200: OrderOut, **ERRORS},
    exclude_unset=True,
    summary="Unapprove (反审核)",
)
def purchase_orders_unapprove(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Back to draft while nothing was received against it (409 `order_has_receipts` otherwise)."""
    user = require(request, "purchasing.approve_purchaseorder")
    purchase_order_unapprove(actor=user, order=_usable(user, order_id))
    return _out(user, order_id)


@router.post(
    "/purchase-orders/{order_id}/close",
    response={200: OrderOut, **ERRORS},
    exclude_unset=True,
    summary="Close the remainder",
)
def purchase_orders_close(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    """What has not arrived is cancelled; no more receipts against it."""
    user = require(request, "purchasing.change_purchaseorder")
    purchase_order_close(actor=user, order=_usable(user, order_id), reason=payload.reason)
    return _out(user, order_id)


@router.post(
    "/purchase-orders/{order_id}/void", response={200: OrderOut, **ERRORS}, exclude_unset=True, summary="Void (作废)"
)
def purchase_orders_void(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    """Only while nothing was received against it."""
    user = require(request, "purchasing.change_purchaseorder")
    purchase_order_void(actor=user, order=_usable(user, order_id), reason=payload.reason)
    return _out(user, order_id)


@router.get("/purchase-prices", response={200: PriceOut, **ERRORS}, summary="The price to propose for a line")
def purchase_prices(
    request: HttpRequest,
    product_id: int,
    supplier_id: int | None = None,
    unit_id: int | None = None,
    include_tax: bool | None = None,
) -> dict[str, Any]:
    """This supplier's last price for the product (else its purchase price), in the unit, with or without tax."""
    user = require(request, "purchasing.view_purchaseorder", "accounts.view_cost")
    del user
    product = Product.objects.filter(pk=product_id).select_related("base_unit").first()
    if product is None:
        raise NotFound()
    factor = Catalog([product.pk]).factor(product, unit_id or product.base_unit_id)
    if factor is None:
        raise NotFound(field="unit_id")
    price, source = price_recall(
        supplier_id=supplier_id,
        product=product,
        factor=factor,
        tax_rate=product.tax_rate,
        include_tax=include_tax_default(include_tax),
    )
    return {"price": price, "source": source, "tax_rate": product.tax_rate}
