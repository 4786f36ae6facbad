"""A month and a half of trade, hand-computed, for the profit reports (prices without tax, 13 % tax):

| document | date | customer | salesperson | lines (amount / cost) |
|---|---|---|---|---|
| opening stock | 10-01 | | | 面 A 100 × 2.00, 水 B 50 × 5.00 |
| SH1 against an order of bob | 10-15 | 城西 (no salesperson) | bob (the order's) | A 10 × 3.00: 30.00 / 20.00 |
| SH2 direct | 11-02 | 城东 (alice) | alice (the customer's) | B 5 × 8.00: 40.00 / 25.00; A 4 × 3.50: 14.00 / 8.00 |
| counter sale | 11-03 | walk-in | (none) | A 2 × 5.65 with tax: 10.00 / 4.00 |
| SH3 direct | 11-04 | 城东 | alice | A 3 × 3.00: 9.00 / 6.00 |
| RT1 against SH2 | 11-05 | 城东 | alice | B 2 × 8.00: −16.00 / −10.00 |
| SH3's 红冲 | 11-06 | 城东 | alice | A −3: −9.00 / −6.00 |

Totals: revenue 78.00, cost 47.00, profit 31.00, margin 39.74 %.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest

from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.sales.choices import PaymentMethod
from jxc.sales.services.counter import CounterLineData, CounterSaleData, counter_sale_post
from jxc.sales.services.orders import SalesLineData, SalesOrderData, sales_order_create, sales_order_submit
from jxc.sales.services.returns import SalesReturnData, SalesReturnLineData, sales_return_create, sales_return_post
from jxc.sales.services.shipments import (
    ShipmentData,
    ShipmentLineData,
    sales_shipment_create,
    sales_shipment_post,
    sales_shipment_reverse,
)

D = Decimal
START, END = date(2026, 10, 1), date(2026, 11, 30)


@dataclass
class Trade:
    owner: Any
    warehouse: Any
    noodles: Any  # product A, cost 2.00
    water: Any  # product B, cost 5.00
    east: Any  # 城东, salesperson alice
    west: Any  # 城西, no salesperson
    alice: Any
    bob: Any
    sh1: Any
    sh2: Any
    counter: Any
    sh3: Any
    rt1: Any
    sh3_reversal: Any


def _stock(owner: Any, warehouse: Any, product: Any, quantity: int, unit_cost: str, day: date) -> None:
    document = stock_document_create(
        actor=owner,
        data=DocumentData(
            kind=DocumentKind.RECEIPT,
            date=day,
            warehouse_id=warehouse.pk,
            reason=ReceiptReason.OPENING,
            lines=[LineData(product_id=product.pk, quantity=D(quantity), unit_cost=D(unit_cost))],
        ),
    )
    stock_document_post(actor=owner, document=document)


def ship(
    owner: Any, warehouse: Any, customer: Any, day: date, *lines: ShipmentLineData, include_tax: bool = False
) -> Any:
    """A posted shipment."""
    data = ShipmentData(
        customer_id=customer.pk,
        warehouse_id=warehouse.pk,
        date=day,
        prices_include_tax=include_tax,
        lines=list(lines),
    )
    return sales_shipment_post(actor=owner, shipment=sales_shipment_create(actor=owner, data=data))


def line(product: Any, quantity: Any, price: Any = None, **fields: Any) -> ShipmentLineData:
    return ShipmentLineData(
        product_id=product.pk, quantity=D(str(quantity)), price=None if price is None else D(price), **fields
    )


def counter_sale(owner: Any, warehouse: Any, day: date, *lines: CounterLineData) -> Any:
    """A counter sale on `day` (the counter always sells today)."""
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        return counter_sale_post(
            actor=owner,
            data=CounterSaleData(warehouse_id=warehouse.pk, payment_method=PaymentMethod.CASH, lines=list(lines)),
        )


def give_back(owner: Any, shipment: Any, day: date, *lines: SalesReturnLineData, **header: Any) -> Any:
    """A posted return against a shipment."""
    data = SalesReturnData(
        customer_id=shipment.customer_id,
        warehouse_id=shipment.warehouse_id,
        shipment_id=shipment.pk,
        date=day,
        prices_include_tax=False,
        lines=list(lines),
        **header,
    )
    return sales_return_post(actor=owner, sales_return=sales_return_create(actor=owner, data=data))


@pytest.fixture
def trade(
    owner: Any,
    make_user: Callable[..., Any],
    make_partner: Callable[..., Any],
    make_warehouse: Callable[..., Any],
    make_product: Callable[..., Any],
) -> Trade:
    alice, bob = make_user("alice", "sales"), make_user("bob", "sales")
    east = make_partner("城东惠民超市", salesperson_id=alice.pk, payment_terms_days=30)
    west = make_partner("城西便利店", payment_terms_days=30)
    warehouse = make_warehouse()
    noodles = make_product(sku="A-NOODLE", name="方便面", tax_rate=D(13))
    water = make_product(sku="B-WATER", name="矿泉水", tax_rate=D(13))
    _stock(owner, warehouse, noodles, 100, "2.00", START)
    _stock(owner, warehouse, water, 50, "5.00", START)

    order = sales_order_create(
        actor=owner,
        data=SalesOrderData(
            customer_id=west.pk,
            warehouse_id=warehouse.pk,
            date=date(2026, 10, 14),
            salesperson_id=bob.pk,
            prices_include_tax=False,
            lines=[SalesLineData(product_id=noodles.pk, quantity=D(10), price=D("3.00"))],
        ),
    )
    sales_order_submit(actor=owner, order=order)
    sh1 = ship(owner, warehouse, west, date(2026, 10, 15), line(noodles, 10, order_line_id=order.lines.get().pk))
    sh2 = ship(owner, warehouse, east, date(2026, 11, 2), line(water, 5, "8.00"), line(noodles, 4, "3.50"))
    counter = counter_sale(owner, warehouse, date(2026, 11, 3), CounterLineData(noodles.pk, D(2), price=D("5.65")))
    sh3 = ship(owner, warehouse, east, date(2026, 11, 4), line(noodles, 3, "3.00"))
    water_line = sh2.lines.get(product=water)
    rt1 = give_back(
        owner,
        sh2,
        date(2026, 11, 5),
        SalesReturnLineData(product_id=water.pk, quantity=D(2), shipment_line_id=water_line.pk),
    )
    sh3_reversal = sales_shipment_reverse(actor=owner, shipment=sh3, day=date(2026, 11, 6))
    sh3.refresh_from_db()
    return Trade(owner, warehouse, noodles, water, east, west, alice, bob, sh1, sh2, counter, sh3, rt1, sh3_reversal)
