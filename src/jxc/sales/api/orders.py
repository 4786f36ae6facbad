"""API: sales orders (销售订单): drafts, submit, approve or reject, unapprove, close, void; the proposed price."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from jxc.accounts.approvals import SALES_ORDER
from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost, rows_of
from jxc.core.errors import Forbidden, NotFound
from jxc.core.excel import xlsx_response
from jxc.inventory.schemas_orders import CommentIn, ReasonIn, approvals_out
from jxc.sales.models import SalesOrder
from jxc.sales.schemas import SalePriceOut, SalesOrderFilters, SalesOrderIn, SalesOrderOut, SalesOrderSummaryOut
from jxc.sales.selectors.documents import (
    can_view_prices,
    line_progress,
    may_use,
    order_lines,
    order_profit,
    sales_order_get_for,
    sales_order_search,
)
from jxc.sales.selectors.prices import price_proposal
from jxc.sales.services.orders import (
    SalesLineData,
    SalesOrderData,
    sales_order_approve,
    sales_order_close,
    sales_order_create,
    sales_order_reject,
    sales_order_submit,
    sales_order_unapprove,
    sales_order_update,
    sales_order_void,
)
from jxc.sales.tables_orders import ORDER_EXPORT_COLUMNS, columns_for

router = Router(tags=["sales orders"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "sales.view_salesorder"
MONEY = ("freight", "other_charges", "amount", "tax", "total")
LINE_MONEY = ("price", "price_source", "tax_rate", "discount_pct", "amount", "tax", "total")


def _summary(order: SalesOrder, *, show_prices: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": order.pk,
        "number": order.number,
        "status": order.status,
        "date": order.date,
        "delivery_date": order.delivery_date,
        "customer_id": order.customer_id,
        "customer": order.customer.name,
        "warehouse_id": order.warehouse_id,
        "warehouse": order.warehouse.name,
        "salesperson_id": order.salesperson_id,
        "salesperson": str(order.salesperson) if order.salesperson else None,
        "prices_include_tax": order.prices_include_tax,
        "line_count": getattr(order, "line_count", 0),
        "customer_reference": order.customer_reference,
        "notes": order.notes,
        "created_at": order.created_at,
        "approved_at": order.approved_at,
    }
    if show_prices:
        out.update({name: getattr(order, name) for name in MONEY})
    return out


def order_out(order: SalesOrder, *, show_prices: bool, show_cost: bool) -> dict[str, Any]:
    """An order with its lines (what was shipped), its approval steps, and its gross profit for view_cost users."""
    out = _summary(order, show_prices=show_prices)
    lines = order_lines(order)
    out["line_count"] = len(lines)
    profit = order_profit(order, lines) if show_cost else None
    items = []
    for line in lines:
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
            "shipped": progress["shipped"],
            "remaining": progress["remaining"],
            "notes": line.notes,
        }
        if show_prices:
            item.update({name: getattr(line, name) for name in LINE_MONEY})
        if profit is not None:
            figures = profit.lines[line.pk]
            item.update(
                {
                    "unit_cost": figures.unit_cost,
                    "cost": figures.cost,
                    "gross_profit": figures.profit,
                    "margin_pct": figures.margin,
                }
            )
        items.append(item)
    out.update(
        {
            "created_by": str(order.created_by),
            "approved_by": str(order.approved_by) if order.approved_by else None,
            "close_reason": order.close_reason,
            "approvals": approvals_out(document_type=SALES_ORDER, document_id=order.pk),
            "lines": items,
        }
    )
    if profit is not None:
        out.update(
            {
                "cost": profit.cost,
                "gross_profit": profit.profit,
                "margin_pct": profit.margin,
                "profit_complete": profit.complete,
            }
        )
    return out


def _get(user: Any, order_id: int) -> SalesOrder:
    try:
        return sales_order_get_for(user=user, pk=order_id)
    except SalesOrder.DoesNotExist:
        raise NotFound() from None


def _usable(user: Any, order_id: int) -> SalesOrder:
    order = _get(user, order_id)
    if not may_use(user, order):
        raise Forbidden(reason="warehouse")
    return order


def _entering(request: HttpRequest, permission: str) -> Any:
    """The user, if they may enter orders: the permission and the right to see sales prices."""
    user = require(request, permission)
    if not can_view_prices(user):
        raise Forbidden(missing=["sales.view_customerprice"])
    return user


def _data(payload: SalesOrderIn) -> SalesOrderData:
    return SalesOrderData(
        customer_id=payload.customer_id,
        warehouse_id=payload.warehouse_id,
        date=payload.date or timezone.localdate(),
        delivery_date=payload.delivery_date,
        salesperson_id=payload.salesperson_id,
        prices_include_tax=payload.prices_include_tax,
        freight=payload.freight,
        other_charges=payload.other_charges,
        customer_reference=payload.customer_reference,
        notes=payload.notes,
        lines=[
            SalesLineData(
                product_id=entry.product_id,
                quantity=entry.quantity,
                unit_id=entry.unit_id,
                price=entry.price,
                tax_rate=entry.tax_rate,
                discount_pct=entry.discount_pct,
                notes=entry.notes,
            )
            for entry in payload.lines
        ],
    )


def _out(user: Any, order_id: int) -> dict[str, Any]:
    return order_out(_get(user, order_id), show_prices=can_view_prices(user), show_cost=can_view_cost(user))


@router.get("/sales-orders", response=Page[SalesOrderSummaryOut], exclude_unset=True, summary="List sales orders")
def sales_orders(request: HttpRequest, params: Query[PageParams], filters: Query[SalesOrderFilters]) -> dict[str, Any]:
    """Newest first. `q` searches the number, the customer, the customer's reference and the products."""
    user = require(request, VIEW)
    show_prices = can_view_prices(user)
    found = sales_order_search(user=user, **filters.dict()).order_by("-date", "-pk")
    return paged(found, params, lambda o: _summary(o, show_prices=show_prices))


@router.get("/sales-orders/export", summary="Export sales orders to Excel", response={200: None})
def sales_orders_export(request: HttpRequest, filters: Query[SalesOrderFilters]) -> HttpResponse:
    """The list's columns with the same filters; totals only for users who may see sales prices."""
    user = require(request, VIEW)
    found = sales_order_search(user=user, **filters.dict()).order_by("-date", "-pk")
    columns = columns_for(ORDER_EXPORT_COLUMNS, user)
    return xlsx_response(
        filename="sales-orders",
        title="sales orders",
        columns=columns,
        rows=rows_of(found.iterator(chunk_size=2000), columns),
    )


@router.get("/sales-orders/price", response={200: SalePriceOut, **ERRORS}, summary="The price to propose for a line")
def sales_orders_price(
    request: HttpRequest,
    product_id: int,
    customer_id: int | None = None,
    unit_id: int | None = None,
    include_tax: bool | None = None,
) -> dict[str, Any]:
    """The price agreed with the customer, else the last price sold to them, else their price level (批发价 for
    wholesale and VIP customers, else 零售价), for one unit, with or without tax, and where it came from."""
    user = require(request, VIEW)
    if not can_view_prices(user):
        raise Forbidden(missing=["sales.view_customerprice"])
    proposal = price_proposal(product_id=product_id, customer_id=customer_id, unit_id=unit_id, include_tax=include_tax)
    return {
        "price": proposal.price,
        "source": proposal.source,
        "tax_rate": proposal.tax_rate,
        "include_tax": proposal.include_tax,
    }


@router.post(
    "/sales-orders", response={201: SalesOrderOut, **ERRORS}, exclude_unset=True, summary="Create a draft order"
)
def sales_orders_create(request: HttpRequest, payload: SalesOrderIn) -> Status[dict[str, Any]]:
    """Saved as a draft with its number (XS + date + sequence); submit it with `/submit`."""
    user = _entering(request, "sales.add_salesorder")
    order = sales_order_create(actor=user, data=_data(payload))
    return Status(201, _out(user, order.pk))


@router.get(
    "/sales-orders/{order_id}", response={200: SalesOrderOut, **ERRORS}, exclude_unset=True, summary="Get an order"
)
def sales_orders_get(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """With its lines and approval steps; gross profit (at today's moving-average cost) only with view_cost."""
    user = require(request, VIEW)
    return _out(user, order_id)


@router.put(
    "/sales-orders/{order_id}", response={200: SalesOrderOut, **ERRORS}, exclude_unset=True, summary="Replace a draft"
)
def sales_orders_put(request: HttpRequest, order_id: int, payload: SalesOrderIn) -> dict[str, Any]:
    """Only drafts change (409 `document_not_draft` otherwise): header and lines are replaced."""
    user = _entering(request, "sales.change_salesorder")
    sales_order_update(actor=user, order=_usable(user, order_id), data=_data(payload))
    return _out(user, order_id)


@router.post(
    "/sales-orders/{order_id}/submit",
    response={200: SalesOrderOut, **ERRORS},
    exclude_unset=True,
    summary="Submit for review",
)
def sales_orders_submit(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Every review rule that fires (credit, discount, price below floor or cost…) adds a step; with none the
    order is approved at once and its stock reserved (409 `insufficient_stock` when it cannot be)."""
    user = require(request, "sales.change_salesorder")
    sales_order_submit(actor=user, order=_usable(user, order_id))
    return _out(user, order_id)


@router.post(
    "/sales-orders/{order_id}/approve",
    response={200: SalesOrderOut, **ERRORS},
    exclude_unset=True,
    summary="Approve (审核)",
)
def sales_orders_approve(request: HttpRequest, order_id: int, payload: CommentIn) -> dict[str, Any]:
    """Decides the waiting steps of the caller's roles; 403 `approval_role_required` names the roles needed.
    The order is `approved`, its stock reserved, when no step is left waiting."""
    user = require(request, VIEW)
    sales_order_approve(actor=user, order=_usable(user, order_id), comment=payload.comment)
    return _out(user, order_id)


@router.post(
    "/sales-orders/{order_id}/reject",
    response={200: SalesOrderOut, **ERRORS},
    exclude_unset=True,
    summary="Reject back to draft",
)
def sales_orders_reject(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    """The reason is required; the order goes back to draft."""
    user = require(request, VIEW)
    sales_order_reject(actor=user, order=_usable(user, order_id), reason=payload.reason)
    return _out(user, order_id)


@router.post(
    "/sales-orders/{order_id}/unapprove",
    response={200: SalesOrderOut, **ERRORS},
    exclude_unset=True,
    summary="Unapprove (反审核)",
)
def sales_orders_unapprove(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """Back to draft while nothing was shipped (409 `order_shipped` otherwise); its reservations are released."""
    user = require(request, "sales.approve_salesorder")
    sales_order_unapprove(actor=user, order=_usable(user, order_id))
    return _out(user, order_id)


@router.post(
    "/sales-orders/{order_id}/close",
    response={200: SalesOrderOut, **ERRORS},
    exclude_unset=True,
    summary="Close the remainder",
)
def sales_orders_close(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    """What has not been shipped is cancelled and its reservations released."""
    user = require(request, "sales.change_salesorder")
    sales_order_close(actor=user, order=_usable(user, order_id), reason=payload.reason)
    return _out(user, order_id)


@router.post(
    "/sales-orders/{order_id}/void", response={200: SalesOrderOut, **ERRORS}, exclude_unset=True, summary="Void (作废)"
)
def sales_orders_void(request: HttpRequest, order_id: int, payload: ReasonIn) -> dict[str, Any]:
    """Only while nothing was shipped; waiting reviews are cancelled and reservations released."""
    user = require(request, "sales.change_salesorder")
    sales_order_void(actor=user, order=_usable(user, order_id), reason=payload.reason)
    return _out(user, order_id)
