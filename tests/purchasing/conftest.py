"""Fixtures for purchasing: a supplier, products, a warehouse, and short ways to order, receive and return."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt, PurchaseReturn
from jxc.purchasing.services.orders import (
    OrderData,
    OrderLineData,
    purchase_order_approve,
    purchase_order_create,
    purchase_order_submit,
)
from jxc.purchasing.services.receipts import (
    ReceiptData,
    ReceiptLineData,
    purchase_receipt_create,
    purchase_receipt_post,
)
from jxc.purchasing.services.returns import ReturnData, ReturnLineData, purchase_return_create, purchase_return_post

DAY = date(2026, 11, 2)
D = Decimal


class Buy:
    """Purchasing the way a purchaser does it, with short calls through the services."""

    def __init__(self, owner: Any, supplier: Any, warehouse: Any) -> None:
        self.owner = owner
        self.supplier = supplier
        self.warehouse = warehouse

    def order_data(self, *lines: OrderLineData, supplier: Any = None, **header: Any) -> OrderData:
        header.setdefault("date", DAY)
        header.setdefault("prices_include_tax", False)
        return OrderData(
            supplier_id=(supplier or self.supplier).pk, warehouse_id=self.warehouse.pk, lines=list(lines), **header
        )

    def order(self, *lines: OrderLineData, actor: Any = None, **header: Any) -> PurchaseOrder:
        return purchase_order_create(actor=actor or self.owner, data=self.order_data(*lines, **header))

    def approved_order(self, *lines: OrderLineData, **header: Any) -> PurchaseOrder:
        order = self.order(*lines, **header)
        outcome = purchase_order_submit(actor=self.owner, order=order)
        if not outcome.approved:
            purchase_order_approve(actor=self.owner, order=order)
        order.refresh_from_db()
        return order

    def receipt_data(self, *lines: ReceiptLineData, supplier: Any = None, **header: Any) -> ReceiptData:
        header.setdefault("date", DAY)
        header.setdefault("prices_include_tax", False)
        return ReceiptData(
            supplier_id=(supplier or self.supplier).pk, warehouse_id=self.warehouse.pk, lines=list(lines), **header
        )

    def receive(self, *lines: ReceiptLineData, post: bool = True, **header: Any) -> PurchaseReceipt:
        receipt = purchase_receipt_create(actor=self.owner, data=self.receipt_data(*lines, **header))
        return purchase_receipt_post(actor=self.owner, receipt=receipt) if post else receipt

    def against(self, order: PurchaseOrder, **quantities: Any) -> list[ReceiptLineData]:
        """Receipt lines for every order line still open (or as given: line position → (received, rejected))."""
        lines = []
        for line in order.lines.all():
            given = quantities.get(f"l{line.position}")
            if given is None:
                received, rejected = line.unit_quantity - line.received_quantity / line.factor, D(0)
            else:
                received, rejected = (D(given), D(0)) if not isinstance(given, tuple) else (D(given[0]), D(given[1]))
            if received <= 0:
                continue
            lines.append(
                ReceiptLineData(
                    product_id=line.product_id,
                    order_line_id=line.pk,
                    received_quantity=received,
                    rejected_quantity=rejected,
                    reject_reason="破损" if rejected else "",
                )
            )
        return lines

    def give_back(
        self, *lines: ReturnLineData, receipt: Any = None, post: bool = True, **header: Any
    ) -> PurchaseReturn:
        header.setdefault("date", DAY)
        data = ReturnData(
            supplier_id=self.supplier.pk,
            warehouse_id=self.warehouse.pk,
            receipt_id=getattr(receipt, "pk", None),
            lines=list(lines),
            **header,
        )
        purchase_return = purchase_return_create(actor=self.owner, data=data)
        return purchase_return_post(actor=self.owner, purchase_return=purchase_return) if post else purchase_return


@pytest.fixture
def supplier(make_partner: Callable[..., Any]) -> Any:
    return make_partner("华南食品批发", is_customer=False, is_supplier=True, payment_terms_days=30, lead_time_days=5)


@pytest.fixture
def warehouse(make_warehouse: Callable[..., Any]) -> Any:
    return make_warehouse()


@pytest.fixture
def buy(owner: Any, supplier: Any, warehouse: Any) -> Buy:
    return Buy(owner, supplier, warehouse)


def line(product: Any, quantity: Any, price: Any = None, **fields: Any) -> OrderLineData:
    return OrderLineData(
        product_id=product.pk, quantity=D(str(quantity)), price=None if price is None else D(str(price)), **fields
    )


@pytest.fixture
def company(db: Any) -> Any:
    """The company record, with its settings editable in the test."""
    from jxc.accounts.models import Company

    found = Company.objects.order_by("pk").first()
    return found or Company.objects.create(name="测试商贸有限公司")
