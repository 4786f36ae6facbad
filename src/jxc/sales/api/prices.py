"""API: agreed prices (协议价): list, export, get, create or replace, change, remove."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from jxc.accounts.selectors import include_tax_default
from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import rows_of
from jxc.core.errors import NotFound
from jxc.core.excel import xlsx_response
from jxc.sales.models import CustomerPrice
from jxc.sales.schemas import CustomerPriceChange, CustomerPriceFilters, CustomerPriceIn, CustomerPriceOut
from jxc.sales.selectors.prices import customer_price_get, customer_price_list
from jxc.sales.services.prices import CustomerPriceData, customer_price_remove, customer_price_save
from jxc.sales.tables_prices import PRICE_COLUMNS

router = Router(tags=["agreed prices"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "sales.view_customerprice"
ADD = "sales.add_customerprice"
CHANGE = "sales.change_customerprice"


def price_out(row: CustomerPrice, *, with_tax: bool) -> dict[str, Any]:
    """An agreed price as the API shows it."""
    return {
        "id": row.pk,
        "customer_id": row.customer_id,
        "customer": row.customer.name,
        "product_id": row.product_id,
        "sku": row.product.sku,
        "product": row.product.name,
        "base_unit": row.product.base_unit.name,
        "price": row.price,
        "prices_include_tax": with_tax,
        "last_price": row.last_price,
        "last_price_date": row.last_price_date,
        "notes": row.notes,
        "updated_at": row.updated_at,
    }


def _get(pk: int) -> CustomerPrice:
    try:
        return customer_price_get(pk=pk)
    except CustomerPrice.DoesNotExist:
        raise NotFound() from None


@router.get("/customer-prices", response=Page[CustomerPriceOut], summary="List agreed prices")
def customer_prices(
    request: HttpRequest, params: Query[PageParams], filters: Query[CustomerPriceFilters]
) -> dict[str, Any]:
    """By customer, then product. Prices are per base unit, with or without tax as the company states prices."""
    require(request, VIEW)
    with_tax = include_tax_default(None)
    rows = customer_price_list(**filters.dict()).order_by("customer__name", "product__sku", "pk")
    return paged(rows, params, lambda r: price_out(r, with_tax=with_tax))


@router.get("/customer-prices/export", summary="Export agreed prices to Excel", response={200: None})
def customer_prices_export(request: HttpRequest, filters: Query[CustomerPriceFilters]) -> HttpResponse:
    require(request, VIEW)
    rows = customer_price_list(**filters.dict()).order_by("customer__name", "product__sku", "pk")
    return xlsx_response(
        filename="agreed-prices",
        title="agreed prices",
        columns=PRICE_COLUMNS,
        rows=rows_of(rows.iterator(chunk_size=2000), PRICE_COLUMNS),
    )


@router.post(
    "/customer-prices",
    response={200: CustomerPriceOut, 201: CustomerPriceOut, **ERRORS},
    summary="Agree a price (or replace the agreed one)",
)
def customer_prices_create(request: HttpRequest, payload: CustomerPriceIn) -> Status[dict[str, Any]]:
    """201 when the customer had no agreed price for the product, 200 when it replaced one. The customer and the
    product must be active (409 `inactive`); the price ≥ 0 (422)."""
    user = require(request, ADD)
    existed = customer_price_list(customer_id=payload.customer_id, product_id=payload.product_id).exists()
    row = customer_price_save(
        actor=user,
        data=CustomerPriceData(
            customer_id=payload.customer_id, product_id=payload.product_id, price=payload.price, notes=payload.notes
        ),
    )
    return Status(200 if existed else 201, price_out(_get(row.pk), with_tax=include_tax_default(None)))


@router.get("/customer-prices/{price_id}", response={200: CustomerPriceOut, **ERRORS}, summary="Get an agreed price")
def customer_prices_get(request: HttpRequest, price_id: int) -> dict[str, Any]:
    require(request, VIEW)
    return price_out(_get(price_id), with_tax=include_tax_default(None))


@router.put("/customer-prices/{price_id}", response={200: CustomerPriceOut, **ERRORS}, summary="Change an agreed price")
def customer_prices_put(request: HttpRequest, price_id: int, payload: CustomerPriceChange) -> dict[str, Any]:
    user = require(request, CHANGE)
    row = _get(price_id)
    customer_price_save(
        actor=user,
        data=CustomerPriceData(
            customer_id=row.customer_id, product_id=row.product_id, price=payload.price, notes=payload.notes
        ),
    )
    return price_out(_get(price_id), with_tax=include_tax_default(None))


@router.delete("/customer-prices/{price_id}", response={204: None, **ERRORS}, summary="Remove an agreed price")
def customer_prices_delete(request: HttpRequest, price_id: int) -> Status[None]:
    """The customer's lines are proposed the last price sold to them, else their price level, again."""
    user = require(request, CHANGE)
    customer_price_remove(actor=user, price=_get(price_id))
    return Status(204, None)
