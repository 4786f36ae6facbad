"""API: customer classes (客户分类) with their reasons and RFM figures, and a customer's purchase history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from jxc.core.api import MAX_PAGE_SIZE, ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import can_view_cost
from jxc.core.errors import Forbidden, NotFound, ValidationFailed
from jxc.partners.models import CustomerClass, Partner
from jxc.sales.models import SalesShipmentLine
from jxc.sales.selectors.customers import (
    CustomerRfm,
    customer_classes,
    customer_classes_filtered,
    customer_classes_sorted,
    customer_history,
    customer_rfm,
)
from jxc.sales.selectors.documents import PRICE_PERMISSIONS, can_view_prices
from jxc.sales.services.customers import customer_classes_refresh

router = Router(tags=["customers"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "sales.view_salesshipment"
REFRESH = "partners.change_partner"
COST = "Present only for users with the view_cost permission"


class CustomerClassOut(Schema):
    customer_id: int
    code: str
    name: str
    active: bool
    customer_class: str = Field(description="new, regular, key or dormant: computed on `on`")
    class_label: str
    reason: str = Field(description="Why, with the figures, in the request's language")
    recorded_class: str = Field(description="The class recorded on the customer by the last refresh (or by hand)")
    recorded_reason: str
    recorded_on: dt.date | None = Field(description="When the recorded class was set by a refresh")
    on: dt.date
    first_date: dt.date | None
    last_date: dt.date | None
    recency_days: int | None = Field(description="Days since the last purchase (0: today)")
    frequency: int = Field(description="Shipments in the last 365 days")
    value: Decimal = Field(description="Sales without tax less returns in the last 365 days")
    rank: int | None = Field(description="By value among the customers who bought in the window (1 = most)")
    ranked: int


class HistoryLineOut(Schema):
    id: int
    date: dt.date
    shipment_id: int
    number: str
    product_id: int
    sku: str
    product: str
    unit_quantity: Decimal
    unit: str
    quantity: Decimal = Field(description="In the product's base unit")
    price: Decimal
    tax_rate: Decimal
    discount_pct: Decimal
    amount: Decimal = Field(description="Without tax")
    total: Decimal
    cost: Decimal | None = Field(None, description=COST)
    profit: Decimal | None = Field(None, description=f"amount − cost. {COST}")


class RefreshOut(Schema):
    on: dt.date
    customers: int
    changed: int = Field(description="Customers whose recorded class was written")
    classes: dict[str, int]
    moves: dict[str, int] = Field(description='"old→new": how many customers moved so')


def _user(request: HttpRequest) -> Any:
    """Customers' figures are what they pay: the shipments' view permission and the right to see sales prices."""
    user = require(request, VIEW)
    if not can_view_prices(user):
        raise Forbidden(missing=[PRICE_PERMISSIONS[-1]])
    return user


def _customer(customer_id: int) -> Partner:
    customer = Partner.objects.filter(pk=customer_id, is_customer=True).first()
    if customer is None:
        raise NotFound()
    return customer


def class_out(rfm: CustomerRfm) -> dict[str, Any]:
    customer = rfm.customer
    return {
        "customer_id": customer.pk,
        "code": customer.code,
        "name": customer.name,
        "active": customer.active,
        "customer_class": rfm.customer_class,
        "class_label": rfm.class_label,
        "reason": rfm.reason,
        "recorded_class": customer.customer_class,
        "recorded_reason": customer.customer_class_reason,
        "recorded_on": customer.customer_class_at,
        "on": rfm.on,
        "first_date": rfm.first_date,
        "last_date": rfm.last_date,
        "recency_days": rfm.recency,
        "frequency": rfm.frequency,
        "value": rfm.value,
        "rank": rfm.rank,
        "ranked": rfm.ranked,
    }


def line_out(line: SalesShipmentLine, *, show_cost: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": line.pk,
        "date": line.shipment.date,
        "shipment_id": line.shipment_id,
        "number": line.shipment.number,
        "product_id": line.product_id,
        "sku": line.product.sku,
        "product": line.product.name,
        "unit_quantity": line.unit_quantity,
        "unit": line.unit.name,
        "quantity": line.quantity,
        "price": line.price,
        "tax_rate": line.tax_rate,
        "discount_pct": line.discount_pct,
        "amount": line.amount,
        "total": line.total,
    }
    if show_cost:
        out["cost"], out["profit"] = line.cost, line.profit  # type: ignore[attr-defined]
    return out


@router.get(
    "/customers/{customer_id}/history",
    response={200: Page[HistoryLineOut], **ERRORS},
    exclude_unset=True,
    summary="Purchase history",
)
def customers_history(
    request: HttpRequest,
    customer_id: int,
    params: Query[PageParams],
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> dict[str, Any]:
    """The lines the customer bought (posted shipments; reversed ones and reversals left out), newest first,
    filtered by date range and product text (name, SKU, pinyin initials); cost and profit only with view_cost."""
    user = _user(request)
    customer = _customer(customer_id)
    show_cost = can_view_cost(user)
    lines = customer_history(customer=customer, date_from=date_from, date_to=date_to, q=q)
    return paged(lines, params, lambda ln: line_out(ln, show_cost=show_cost))


@router.get(
    "/customers/{customer_id}/class",
    response={200: CustomerClassOut, **ERRORS},
    summary="A customer's class",
)
def customers_class(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    """The class computed today with its reason and RFM figures, beside the class recorded on the customer."""
    _user(request)
    return class_out(customer_rfm(customer=_customer(customer_id), on=timezone.localdate()))


@router.get("/customer-classes", response={200: Page[CustomerClassOut], **ERRORS}, summary="Customer classes")
def customer_classes_list(
    request: HttpRequest,
    params: Query[PageParams],
    customer_class: str = "",
    q: str = "",
    active: bool | None = True,
    sort: str = "code",
) -> dict[str, Any]:
    """Every customer's class today, filtered by class (new, regular, key, dormant), text and active, sorted by
    `sort` (code, name, class, last, recency, frequency, value; `-` for descending)."""
    _user(request)
    if customer_class and customer_class not in CustomerClass.values:
        raise ValidationFailed.one("customer_class", _("Choose new, regular, key or dormant."))
    results = customer_classes_filtered(
        customer_classes(on=timezone.localdate()), customer_class=customer_class, q=q, active=active
    )
    ordered, _sort = customer_classes_sorted(results, sort)
    page, size = max(params.page, 1), min(max(params.page_size, 1), MAX_PAGE_SIZE)
    return {
        "items": [class_out(r) for r in ordered[(page - 1) * size : page * size]],
        "count": len(ordered),
        "page": page,
        "page_size": size,
    }


@router.post("/customer-classes/refresh", response={200: RefreshOut, **ERRORS}, summary="Record the classes")
def customer_classes_refresh_api(request: HttpRequest) -> dict[str, Any]:
    """Record every customer's class as computed today (only the changes are written; one audit entry).
    Needs partners.change_partner and the shipments' view permission."""
    user = require(request, REFRESH, VIEW)
    refresh = customer_classes_refresh(actor=user, on=timezone.localdate())
    return {
        "on": refresh.on,
        "customers": refresh.customers,
        "changed": refresh.changed,
        "classes": refresh.classes,
        "moves": refresh.moves,
    }
