"""API: replenishment suggestions (补货建议) and draft purchase orders made from them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status

from jxc.core.api import MAX_PAGE_SIZE, ErrorOut, Page, PageParams, require
from jxc.core.numbers import round_quantity
from jxc.purchasing.schemas_suppliers import DraftOrdersOut, ReplenishmentOrdersIn, SuggestionOut
from jxc.purchasing.selectors.replenishment import DEFAULT_DAYS, MINMAX, Suggestion, replenishment_suggestions
from jxc.purchasing.services.replenishment import replenishment_orders_create

router = Router(tags=["replenishment"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = ("inventory.view_stockbalance", "purchasing.view_purchaseorder")
CREATE = "purchasing.add_purchaseorder"
Method = Literal["minmax", "rop"]


def _q(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_quantity(value)


def suggestion_out(row: Suggestion) -> dict[str, Any]:
    """A suggestion with every quantity to the 6 places quantities are stored with."""
    supplier = row.supplier
    return {
        "product_id": row.product.pk,
        "sku": row.product.sku,
        "product": row.product.name,
        "warehouse_id": row.warehouse.pk,
        "warehouse": row.warehouse.name,
        "base_unit": row.product.base_unit.name,
        "on_hand": _q(row.on_hand),
        "reserved": _q(row.reserved),
        "available": _q(row.available),
        "on_order": _q(row.on_order),
        "projected": _q(row.projected),
        "min_stock": _q(row.min_stock),
        "max_stock": _q(row.max_stock),
        "sales": _q(row.sales),
        "daily_sales": _q(row.daily_sales),
        "lead_time_days": row.lead_time_days,
        "reorder_point": _q(row.reorder_point),
        "supplier_id": supplier.pk if supplier is not None else None,
        "supplier": supplier.name if supplier is not None else None,
        "quantity": _q(row.quantity),
        "unit_id": row.unit.pk,
        "unit": row.unit.name,
        "factor": _q(row.factor),
        "unit_quantity": _q(row.unit_quantity),
        "explanation": row.explanation,
    }


@router.get("/replenishment", response={200: Page[SuggestionOut], **ERRORS}, exclude_unset=True, summary="Suggestions")
def replenishment(
    request: HttpRequest,
    params: Query[PageParams],
    method: Method = MINMAX,
    days: int = DEFAULT_DAYS,
    safety_days: int = 0,
    warehouse_id: int | None = None,
    category_id: int | None = None,
    supplier_id: int | None = None,
    q: str = "",
    only_below: bool = True,
) -> dict[str, Any]:
    """What to order per product × warehouse in the caller's warehouses: `method=minmax` (below the minimum, up
    to the maximum) or `method=rop` (reorder point from the average daily sales of the last `days` days, the
    preferred supplier's lead time and `safety_days`). Each item explains its numbers; `only_below=false` lists
    every planned product × warehouse. `supplier_id` keeps the products it is the preferred supplier of."""
    user = require(request, *VIEW)
    rows = replenishment_suggestions(
        user=user,
        method=method,
        days=max(days, 1),
        safety_days=max(safety_days, 0),
        warehouse_id=warehouse_id,
        category_id=category_id,
        supplier_id=supplier_id,
        q=q,
        only_below=only_below,
    )
    page, size = max(params.page, 1), min(max(params.page_size, 1), MAX_PAGE_SIZE)
    return {
        "items": [suggestion_out(r) for r in rows[(page - 1) * size : page * size]],
        "count": len(rows),
        "page": page,
        "page_size": size,
    }


@router.post(
    "/replenishment/orders", response={201: DraftOrdersOut, **ERRORS}, summary="Create draft orders from suggestions"
)
def replenishment_orders(request: HttpRequest, payload: ReplenishmentOrdersIn) -> Status[dict[str, Any]]:
    """One draft purchase order per preferred supplier × warehouse, at each supplier's last price; all or
    nothing: 409 `no_preferred_supplier` names every product without a preferred supplier."""
    user = require(request, *VIEW, CREATE)
    orders = replenishment_orders_create(
        actor=user,
        selections=[(item.product_id, item.warehouse_id, item.quantity) for item in payload.items],
        day=payload.date,
    )
    return Status(
        201,
        {
            "orders": [
                {
                    "id": o.pk,
                    "number": o.number,
                    "status": o.status,
                    "supplier_id": o.supplier_id,
                    "supplier": o.supplier.name,
                    "warehouse_id": o.warehouse_id,
                    "warehouse": o.warehouse.name,
                    "line_count": o.lines.count(),
                    "expected_date": o.expected_date,
                }
                for o in orders
            ]
        },
    )
