"""Fixtures for sales: a customer, a warehouse with stock, and a short way to make orders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.sales.models import SalesOrder
from jxc.sales.services.orders import SalesLineData, SalesOrderData, sales_order_create
from jxc.sales.services.shipments import ShipmentData, ShipmentLineData, sales_shipment_create

DAY = date(2026, 11, 2)
D = Decimal


class Sell:
    """Selling the way a salesperson does it, with short calls through the services."""

    def __init__(self, owner: Any, customer: Any, warehouse: Any) -> None:
        self.owner, self.customer, self.warehouse = owner, customer, warehouse

    def data(self, *lines: SalesLineData, customer: Any = None, **header: Any) -> SalesOrderData:
        header.setdefault("date", DAY)
        header.setdefault("prices_include_tax", True)
        return SalesOrderData(
            customer_id=(customer or self.customer).pk, warehouse_id=self.warehouse.pk, lines=list(lines), **header
        )

    def order(self, *lines: SalesLineData, actor: Any = None, **header: Any) -> SalesOrder:
        return sales_order_create(actor=actor or self.owner, data=self.data(*lines, **header))

    def shipment(self, *lines: ShipmentLineData, actor: Any = None, **header: Any) -> Any:
        """A draft shipment to the customer from the warehouse."""
        header.setdefault("date", DAY)
        header.setdefault("prices_include_tax", True)
        data = ShipmentData(customer_id=self.customer.pk, warehouse_id=self.warehouse.pk, lines=list(lines), **header)
        return sales_shipment_create(actor=actor or self.owner, data=data)

    def stock(self, product: Any, quantity: Any, unit_cost: Any, **line: Any) -> None:
        """Opening stock in the warehouse, at a cost per base unit (at a location, batch, serials if given)."""
        document = stock_document_create(
            actor=self.owner,
            data=DocumentData(
                kind=DocumentKind.RECEIPT,
                date=DAY,
                warehouse_id=self.warehouse.pk,
                reason=ReceiptReason.OPENING,
                lines=[LineData(product_id=product.pk, quantity=D(str(quantity)), unit_cost=D(str(unit_cost)), **line)],
            ),
        )
        stock_document_post(actor=self.owner, document=document)


def ship(product: Any, quantity: Any, price: Any = None, **fields: Any) -> ShipmentLineData:
    return ShipmentLineData(
        product_id=product.pk, quantity=D(str(quantity)), price=None if price is None else D(str(price)), **fields
    )


def sale(product: Any, quantity: Any, price: Any = None, **fields: Any) -> SalesLineData:
    return SalesLineData(
        product_id=product.pk, quantity=D(str(quantity)), price=None if price is None else D(str(price)), **fields
    )


@pytest.fixture
def customer(make_partner: Callable[..., Any]) -> Any:
    return make_partner("城东惠民超市", payment_terms_days=30, credit_limit=D("1000.00"), price_level="wholesale")


@pytest.fixture
def warehouse(make_warehouse: Callable[..., Any]) -> Any:
    return make_warehouse()


@pytest.fixture
def sell(owner: Any, customer: Any, warehouse: Any) -> Sell:
    return Sell(owner, customer, warehouse)


@pytest.fixture
def company(db: Any) -> Any:
    from jxc.accounts.models import Company

    return Company.objects.order_by("pk").first() or Company.objects.create(name="测试商贸有限公司")
