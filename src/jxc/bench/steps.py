"""The standard workload's steps, each through the same services the UI and API call: master data, a purchase
(order → approval → receipt in full) and a sale (order → approval with reservation → shipment in full → receipt of
payment allocated to the shipment)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from jxc.accounts.models import User
from jxc.accounts.services.company import company_setup
from jxc.catalog.models import Unit
from jxc.catalog.services.products import ProductData, product_create
from jxc.catalog.services.taxonomy import UnitData, unit_save
from jxc.core.invariants import invariants_check
from jxc.finance.choices import CashAccountKind, Direction, PaymentMethod
from jxc.finance.services.cash import CashAccountData, cash_account_save
from jxc.finance.services.payments import PaymentData, payment_post
from jxc.inventory.services.warehouses import WarehouseData, warehouse_create
from jxc.partners.models import Account, OpenItem
from jxc.partners.services.allocation import Share
from jxc.partners.services.partners import PartnerData, partner_create
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
from jxc.sales.choices import SHIPMENT_SOURCE
from jxc.sales.models import SalesShipment
from jxc.sales.services.orders import (
    SalesLineData,
    SalesOrderData,
    sales_order_approve,
    sales_order_create,
    sales_order_submit,
)
from jxc.sales.services.shipments import ShipmentData, ShipmentLineData, sales_shipment_create, sales_shipment_post

NO_TAX = Decimal(0)
OWNER_PASSWORD = "bench-Pass-2026"


def check_figures() -> dict[str, Any]:
    """`jxc check` as a benchmark reports it: the number of violations, the first 20, and how long it took."""
    started = time.perf_counter()
    _ran, violations = invariants_check()
    return {
        "violations": len(violations),
        "details": [str(v) for v in violations[:20]],
        "seconds": round(time.perf_counter() - started, 2),
    }


def owner_ready() -> User:
    """Migrate the (fresh) database and set the company up; the owner runs the workload."""
    call_command("migrate", interactive=False, verbosity=0)
    first = company_setup(owner_password=OWNER_PASSWORD)
    return first.owner or User.objects.get(username="owner")


@dataclass(frozen=True)
class Books:
    """Who posts, where, and the ids the workload's codes stand for."""

    owner_id: int
    warehouse_id: int
    cash_account_id: int
    products: dict[str, int]
    partners: dict[str, int]
    day: date

    @property
    def owner(self) -> User:
        return User.objects.get(pk=self.owner_id)


def master_data(scenario: dict[str, Any], owner: User) -> Books:
    """The warehouse, products, suppliers, customers and a bank account, each made through its service."""
    unit = Unit.objects.filter(name="件").first() or unit_save(actor=owner, data=UnitData(name="件"))
    code = scenario["warehouse"]
    warehouse = warehouse_create(actor=owner, data=WarehouseData(code=code, name=code))
    products = {
        p["code"]: product_create(
            actor=owner,
            data=ProductData(
                sku=p["code"],
                name=p["name"],
                base_unit_id=unit.pk,
                purchase_price=Decimal(p["standard_cost"]),
                retail_price=Decimal(p["list_price"]),
                wholesale_price=Decimal(p["list_price"]),
                tax_rate=NO_TAX,
            ),
        ).pk
        for p in scenario["products"]
    }
    partners = {}
    for role, rows in (("supplier", scenario["suppliers"]), ("customer", scenario["customers"])):
        for row in rows:
            data = PartnerData(
                code=row["code"], name=row["name"], is_supplier=role == "supplier", is_customer=role == "customer"
            )
            partners[row["code"]] = partner_create(actor=owner, data=data).pk
    bank = cash_account_save(actor=owner, data=CashAccountData(name="基本户", kind=CashAccountKind.BANK, code="BANK"))
    return Books(owner.pk, warehouse.pk, bank.pk, products, partners, timezone.localdate())


def purchase(books: Books, owner: User, document: dict[str, Any]) -> None:
    """Order from the supplier, approve, receive everything into the warehouse at the line prices."""
    order = purchase_order_create(
        actor=owner,
        data=OrderData(
            supplier_id=books.partners[document["party"]],
            warehouse_id=books.warehouse_id,
            date=books.day,
            prices_include_tax=False,
            supplier_reference=document["number"],
            lines=[
                OrderLineData(
                    product_id=books.products[line["product"]],
                    quantity=Decimal(line["quantity"]),
                    price=Decimal(line["unit_price"]),
                    tax_rate=NO_TAX,
                )
                for line in document["lines"]
            ],
        ),
    )
    if not purchase_order_submit(actor=owner, order=order).approved:
        purchase_order_approve(actor=owner, order=order)
    receipt = purchase_receipt_create(
        actor=owner,
        data=ReceiptData(
            supplier_id=order.supplier_id,
            warehouse_id=books.warehouse_id,
            date=books.day,
            supplier_reference=document["number"],
            lines=[
                ReceiptLineData(product_id=line.product_id, received_quantity=line.quantity, order_line_id=line.pk)
                for line in order.lines.order_by("position", "pk")
            ],
        ),
    )
    purchase_receipt_post(actor=owner, receipt=receipt)


def sale(books: Books, owner: User, document: dict[str, Any]) -> SalesShipment:
    """Order for the customer, approve (reserving the stock), ship everything, receive the money for it."""
    order = sales_order_create(
        actor=owner,
        data=SalesOrderData(
            customer_id=books.partners[document["party"]],
            warehouse_id=books.warehouse_id,
            date=books.day,
            prices_include_tax=False,
            customer_reference=document["number"],
            lines=[
                SalesLineData(
                    product_id=books.products[line["product"]],
                    quantity=Decimal(line["quantity"]),
                    price=Decimal(line["unit_price"]),
                    tax_rate=NO_TAX,
                )
                for line in document["lines"]
            ],
        ),
    )
    if not sales_order_submit(actor=owner, order=order).approved:
        sales_order_approve(actor=owner, order=order)
    shipment = sales_shipment_create(
        actor=owner,
        data=ShipmentData(
            customer_id=order.customer_id,
            warehouse_id=books.warehouse_id,
            date=books.day,
            lines=[
                ShipmentLineData(product_id=line.product_id, quantity=line.quantity, order_line_id=line.pk)
                for line in order.lines.order_by("position", "pk")
            ],
        ),
    )
    shipment = sales_shipment_post(actor=owner, shipment=shipment)
    item = OpenItem.objects.get(
        account=Account.RECEIVABLE,
        entry__source_type=SHIPMENT_SOURCE,
        entry__source_id=shipment.pk,
        entry__phase="post",
    )
    payment_post(
        actor=owner,
        data=PaymentData(
            direction=Direction.IN,
            partner_id=shipment.customer_id,
            amount=shipment.total,
            cash_account_id=books.cash_account_id,
            method=PaymentMethod.BANK,
            date=books.day,
            reference=document["number"],
            shares=[Share(item_id=item.pk, amount=shipment.total)],
        ),
    )
    return shipment
