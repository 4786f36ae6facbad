"""Fixtures for finance: a shop's books — a customer and a supplier, stock, and short ways to ship, receive, pay."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jxc.finance.choices import Direction, PaymentMethod
from jxc.finance.models import Payment
from jxc.finance.services.payments import PaymentData, payment_post
from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.partners.models import Account, OpenItem, PartnerEntry
from jxc.partners.services.allocation import Share
from jxc.purchasing.services.receipts import (
    ReceiptData,
    ReceiptLineData,
    purchase_receipt_create,
    purchase_receipt_post,
)
from jxc.sales.services.shipments import ShipmentData, ShipmentLineData, sales_shipment_create, sales_shipment_post

DAY = date(2026, 11, 2)
D = Decimal


class Books:
    """A shop's trade through the real services, short: stock, ship, receive, pay, and the items they leave."""

    def __init__(self, owner: Any, customer: Any, supplier: Any, warehouse: Any, product: Any) -> None:
        self.owner, self.customer, self.supplier = owner, customer, supplier
        self.warehouse, self.product = warehouse, product

    def stock(self, quantity: Any = 1000, unit_cost: Any = "2.00", day: date = DAY) -> None:
        """Opening stock of the product in the warehouse."""
        document = stock_document_create(
            actor=self.owner,
            data=DocumentData(
                kind=DocumentKind.RECEIPT,
                date=day,
                warehouse_id=self.warehouse.pk,
                reason=ReceiptReason.OPENING,
                lines=[LineData(product_id=self.product.pk, quantity=D(str(quantity)), unit_cost=D(str(unit_cost)))],
            ),
        )
        stock_document_post(actor=self.owner, document=document)

    def ship(self, quantity: Any, price: Any, day: date = DAY, customer: Any = None) -> Any:
        """A posted shipment (receivable raised by quantity × price, prices with tax)."""
        data = ShipmentData(
            customer_id=(customer or self.customer).pk,
            warehouse_id=self.warehouse.pk,
            date=day,
            prices_include_tax=True,
            lines=[ShipmentLineData(product_id=self.product.pk, quantity=D(str(quantity)), price=D(str(price)))],
        )
        return sales_shipment_post(actor=self.owner, shipment=sales_shipment_create(actor=self.owner, data=data))

    def receive(self, quantity: Any, price: Any, day: date = DAY) -> Any:
        """A posted purchase receipt (payable raised by quantity × price, prices with tax)."""
        data = ReceiptData(
            supplier_id=self.supplier.pk,
            warehouse_id=self.warehouse.pk,
            date=day,
            prices_include_tax=True,
            lines=[
                ReceiptLineData(product_id=self.product.pk, received_quantity=D(str(quantity)), price=D(str(price)))
            ],
        )
        return purchase_receipt_post(actor=self.owner, receipt=purchase_receipt_create(actor=self.owner, data=data))

    def pay(
        self,
        amount: Any,
        *,
        direction: str = Direction.IN,
        shares: list[tuple[Any, Any]] | None = None,
        day: date = DAY,
        method: str = PaymentMethod.BANK,
        partner: Any = None,
        actor: Any = None,
    ) -> Payment:
        """A receipt of payment from the customer (or a payment to the supplier); shares: (document, amount)."""
        partner = partner or (self.customer if direction == Direction.IN else self.supplier)
        return payment_post(
            actor=actor or self.owner,
            data=PaymentData(
                direction=direction,
                partner_id=partner.pk,
                amount=D(str(amount)),
                method=method,
                date=day,
                shares=None if shares is None else [Share(self.item(doc).pk, D(str(a))) for doc, a in shares],
            ),
        )

    def item(self, document: Any) -> OpenItem:
        """The open item a posted shipment, receipt, return or payment left in the partner ledger."""
        entry = PartnerEntry.objects.exclude(amount=0).get(
            source_type=document._meta.label_lower, source_id=document.pk, phase="post"
        )
        return OpenItem.objects.get(pk=entry.pk)

    def open(self, document: Any) -> Decimal:
        """What is still open of the document (signed: a payment's unallocated part is negative)."""
        return self.item(document).open

    def balance(self, partner: Any = None, account: str = Account.RECEIVABLE) -> Decimal:
        from jxc.partners.selectors import partner_balance

        balance = partner_balance(partner=partner or self.customer)
        return balance.receivable if account == Account.RECEIVABLE else balance.payable


@pytest.fixture
def books(
    owner: Any,
    make_partner: Callable[..., Any],
    make_warehouse: Callable[..., Any],
    make_product: Callable[..., Any],
) -> Books:
    customer = make_partner("城东惠民超市", payment_terms_days=30)
    supplier = make_partner("康师傅华东经销部", is_customer=False, is_supplier=True, payment_terms_days=30)
    return Books(owner, customer, supplier, make_warehouse(), make_product())
