"""API: counter sales (门店收银): check out in one call, and look up a scanned code with its price."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from jxc.catalog.selectors import product_find_by_code
from jxc.core.api import ErrorOut, require
from jxc.core.errors import NotFound, RecordInactive, ValidationFailed
from jxc.core.numbers import ZERO
from jxc.partners.models import Partner, PriceLevel
from jxc.sales.models import SalesShipment
from jxc.sales.selectors.prices import sale_price
from jxc.sales.services.counter import WALK_IN_CODE, CounterLineData, CounterSaleData, counter_sale_post

router = Router(tags=["counter sales"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ADD = "sales.add_salesshipment"
POST = "sales.post_salesshipment"


class CounterLineIn(Schema):
    """A product in one of its units (empty: the base unit); an empty price takes the price level's."""

    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    price: Decimal | None = None
    discount_pct: Decimal = ZERO


class CounterSaleIn(Schema):
    """A checkout. `payment_method`: cash, wechat, alipay or card (recorded, not processed). `cash_given` only
    for cash (empty: exact). No `customer_id`: the walk-in customer (散客). Prices are with tax."""

    warehouse_id: int
    payment_method: str
    lines: list[CounterLineIn]
    customer_id: int | None = None
    price_level: str = ""
    cash_given: Decimal | None = None
    notes: str = ""


class CounterLineOut(Schema):
    product_id: int
    sku: str
    product: str
    unit_id: int
    unit: str
    quantity: Decimal
    price: Decimal
    discount_pct: Decimal
    total: Decimal


class CounterSaleOut(Schema):
    id: int
    number: str
    date: date
    customer_id: int
    customer: str
    warehouse_id: int
    payment_method: str
    total: Decimal
    paid: Decimal
    cash_given: Decimal
    change: Decimal
    receipt_url: str
    lines: list[CounterLineOut]


class LookupParams(Schema):
    code: str
    price_level: str = ""
    customer_id: int | None = None


class CounterLookupOut(Schema):
    product_id: int
    sku: str
    name: str
    unit_id: int
    unit: str
    factor: Decimal
    price: Decimal
    price_source: str
    tax_rate: Decimal


def counter_sale_out(shipment: SalesShipment) -> dict[str, Any]:
    """A posted counter sale: its number, money and lines, and where its receipt prints."""
    return {
        "id": shipment.pk,
        "number": shipment.number,
        "date": shipment.date,
        "customer_id": shipment.customer_id,
        "customer": shipment.customer.name,
        "warehouse_id": shipment.warehouse_id,
        "payment_method": shipment.payment_method,
        "total": shipment.total,
        "paid": shipment.paid,
        "cash_given": shipment.cash_given,
        "change": shipment.change,
        "receipt_url": reverse("sales:counter_receipt", args=[shipment.pk]),
        "lines": [
            {
                "product_id": line.product_id,
                "sku": line.product.sku,
                "product": line.product.name,
                "unit_id": line.unit_id,
                "unit": line.unit.name,
                "quantity": line.unit_quantity,
                "price": line.price,
                "discount_pct": line.discount_pct,
                "total": line.total,
            }
            for line in shipment.lines.select_related("product", "unit").order_by("position", "pk")
        ],
    }


@router.post(
    "/counter-sales",
    response={201: CounterSaleOut, **ERRORS},
    summary="Check out a counter sale",
)
def counter_sales_create(request: HttpRequest, payload: CounterSaleIn) -> Status[dict[str, Any]]:
    """Ship the goods, raise the receivable and record the payment in one transaction. Nothing is written when
    anything is refused: 409 `insufficient_stock` (`data.items` lists what is short), 409 `payment_short`
    (cash given below the total), 422 `validation_error`."""
    user = require(request, ADD, POST)
    data = CounterSaleData(
        warehouse_id=payload.warehouse_id,
        payment_method=payload.payment_method,
        lines=[
            CounterLineData(
                product_id=ln.product_id,
                quantity=ln.quantity,
                unit_id=ln.unit_id,
                price=ln.price,
                discount_pct=ln.discount_pct,
            )
            for ln in payload.lines
        ],
        customer_id=payload.customer_id,
        price_level=payload.price_level,
        cash_given=payload.cash_given,
        notes=payload.notes,
    )
    shipment = counter_sale_post(actor=user, data=data)
    shipment = SalesShipment.objects.select_related("customer").get(pk=shipment.pk)
    return Status(201, counter_sale_out(shipment))


@router.get(
    "/counter-sales/lookup",
    response={200: CounterLookupOut, **ERRORS},
    summary="Look up a scanned code",
)
def counter_sales_lookup(request: HttpRequest, params: Query[LookupParams]) -> dict[str, Any]:
    """The product a barcode or SKU names, the unit it scans as, and its price with tax for the customer (none:
    the walk-in customer) at `price_level` (empty: the customer's prices)."""
    require(request, ADD, POST)
    hit = product_find_by_code(code=params.code)
    if hit is None:
        raise NotFound(field="code", code_value=params.code)
    if not hit.product.active:
        raise RecordInactive(field="code", label=hit.product.sku, value=hit.product.name)
    if params.customer_id:
        customer = Partner.objects.filter(pk=params.customer_id, is_customer=True).first()
        if customer is None:
            raise NotFound(field="customer_id")
    else:
        customer = Partner.objects.filter(code=WALK_IN_CODE).first()
    level = params.price_level
    if level and level not in PriceLevel.values:
        raise ValidationFailed.one("price_level", _("Choose a price level."))
    price, source = sale_price(
        customer=customer,
        product=hit.product,
        factor=hit.factor,
        tax_rate=hit.product.tax_rate,
        include_tax=True,
        level=level,
    )
    return {
        "product_id": hit.product.pk,
        "sku": hit.product.sku,
        "name": hit.product.name,
        "unit_id": hit.unit.pk,
        "unit": hit.unit.name,
        "factor": hit.factor,
        "price": price,
        "price_source": source,
        "tax_rate": hit.product.tax_rate,
    }
