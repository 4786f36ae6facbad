"""API shapes of purchase orders, receipts and returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema

from jxc.inventory.schemas_orders import ApprovalStepOut

PRICE = "Purchase prices and amounts: present only for users with the view_cost permission"
PRICE_IN = "Needs view_cost (ignored otherwise: the order line's, the draft's, or the recalled price is used)"


class PurchaseFilters(Schema):
    """The filters of the purchase lists and their exports."""

    status: str = ""
    supplier_id: int | None = None
    warehouse_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = Field("", description="The number, the supplier, or a product (SKU, name, barcode, pinyin initials)")


class OrderFilters(PurchaseFilters):
    overdue: bool = Field(False, description="Only approved orders with goods late against their expected date")

    def search(self) -> dict[str, object]:
        """The keyword arguments of `purchase_order_search` (overdue as of today)."""
        found: dict[str, object] = self.dict(exclude={"overdue"})
        found["overdue_on"] = timezone.localdate() if self.overdue else None
        return found


class OrderLineIn(Schema):
    product_id: int
    quantity: Decimal = Field(max_digits=18, decimal_places=6, description="In the line's unit")
    unit_id: int | None = Field(None, description="Any unit of the product; leave out for the base unit")
    price: Decimal | None = Field(
        None, max_digits=18, decimal_places=6, description="Per unit; leave out to recall the supplier's last price"
    )
    tax_rate: Decimal | None = Field(None, max_digits=5, decimal_places=2, description="Default: the product's")
    discount_pct: Decimal = Field(Decimal(0), max_digits=5, decimal_places=2)
    expected_date: dt.date | None = None
    notes: str = Field("", max_length=200)


class OrderIn(Schema):
    """An order as entered (PUT replaces header and lines of a draft)."""

    supplier_id: int
    warehouse_id: int
    date: dt.date | None = Field(None, description="Order date; default today")
    expected_date: dt.date | None = None
    prices_include_tax: bool | None = Field(None, description="Default: the company setting")
    freight: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2)
    other_charges: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2)
    supplier_reference: str = Field("", max_length=60)
    notes: str = ""
    lines: list[OrderLineIn]


class OrderLineOut(Schema):
    id: int
    position: int
    product_id: int
    sku: str
    product: str
    unit_id: int
    unit: str
    quantity: Decimal = Field(description="Ordered, in the line's unit")
    factor: Decimal
    base_quantity: Decimal
    received: Decimal = Field(description="Accepted so far, in the line's unit")
    rejected: Decimal = Field(description="Rejected at inspection so far, in the line's unit")
    remaining: Decimal = Field(description="Still to come, in the line's unit (0 once closed)")
    expected_date: dt.date | None
    price: Decimal | None = Field(None, description=PRICE)
    tax_rate: Decimal | None = Field(None, description=PRICE)
    discount_pct: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE)
    notes: str


class OrderSummaryOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    expected_date: dt.date | None
    supplier_id: int
    supplier: str
    warehouse_id: int
    warehouse: str
    prices_include_tax: bool
    line_count: int
    freight: Decimal | None = Field(None, description=PRICE)
    other_charges: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE)
    supplier_reference: str
    notes: str
    created_at: dt.datetime
    approved_at: dt.datetime | None


class OrderOut(OrderSummaryOut):
    created_by: str
    approved_by: str | None
    close_reason: str
    approvals: list[ApprovalStepOut]
    lines: list[OrderLineOut]


class PriceOut(Schema):
    price: Decimal = Field(description="Per unit, with tax when include_tax")
    source: str = Field(description="last_price (this supplier's) or purchase_price (the product's)")
    tax_rate: Decimal


class ReceiptLineIn(Schema):
    product_id: int
    received_quantity: Decimal = Field(max_digits=18, decimal_places=6, description="Delivered, in the line's unit")
    rejected_quantity: Decimal = Field(Decimal(0), max_digits=18, decimal_places=6, description="Refused at inspection")
    accepted_quantity: Decimal | None = Field(
        None, max_digits=18, decimal_places=6, description="Default: received − rejected"
    )
    reject_reason: str = Field("", max_length=200, description="Required when something is rejected")
    unit_id: int | None = Field(None, description="Default: the order line's unit, else the base unit")
    order_line_id: int | None = Field(None, description="The purchase order line received against")
    price: Decimal | None = Field(None, max_digits=18, decimal_places=6, description=PRICE_IN)
    tax_rate: Decimal | None = Field(None, max_digits=5, decimal_places=2, description=PRICE_IN)
    discount_pct: Decimal | None = Field(None, max_digits=5, decimal_places=2, description=PRICE_IN)
    location_id: int | None = Field(None, description="Default: the warehouse's default location")
    batch_no: str = Field("", max_length=60, description="Lot-tracked products")
    production_date: dt.date | None = None
    expiry_date: dt.date | None = None
    serials: list[str] = Field([], description="Serial-tracked products: one per accepted base unit")
    notes: str = Field("", max_length=200)


class ReceiptIn(Schema):
    """A receipt as entered (PUT replaces header and lines of a draft)."""

    supplier_id: int
    warehouse_id: int
    date: dt.date | None = Field(None, description="Business date; default today")
    prices_include_tax: bool | None = Field(None, description="Default: the company setting")
    allocation: str = Field("value", description="How freight and other charges are spread: value or quantity")
    freight: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2)
    other_charges: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2)
    supplier_reference: str = Field("", max_length=60, description="The supplier's delivery note number")
    notes: str = ""
    lines: list[ReceiptLineIn]


class ReceiptLineOut(Schema):
    id: int
    position: int
    order_line_id: int | None
    order_number: str | None
    product_id: int
    sku: str
    product: str
    unit_id: int
    unit: str
    factor: Decimal
    received_quantity: Decimal
    accepted_quantity: Decimal
    rejected_quantity: Decimal
    reject_reason: str
    base_quantity: Decimal = Field(description="Accepted, in base units")
    returned: Decimal = Field(description="Accepted base units returned since")
    location_id: int
    location: str
    lot_id: int | None
    batch_no: str
    production_date: dt.date | None
    expiry_date: dt.date | None
    serials: list[str]
    price: Decimal | None = Field(None, description=PRICE)
    tax_rate: Decimal | None = Field(None, description=PRICE)
    discount_pct: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE)
    charges: Decimal | None = Field(None, description=PRICE + "; freight and other charges allocated to the line")
    cost: Decimal | None = Field(None, description=PRICE + "; the value the line entered stock with")
    notes: str


class ReceiptSummaryOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    supplier_id: int
    supplier: str
    warehouse_id: int
    warehouse: str
    allocation: str
    prices_include_tax: bool
    line_count: int
    freight: Decimal | None = Field(None, description=PRICE)
    other_charges: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE + "; the payable it adds")
    supplier_reference: str
    notes: str
    reversal_of_id: int | None
    created_at: dt.datetime
    posted_at: dt.datetime | None


class ReceiptOut(ReceiptSummaryOut):
    reversed_by_id: int | None
    created_by: str
    posted_by: str | None
    lines: list[ReceiptLineOut]


class ReturnLineIn(Schema):
    product_id: int
    quantity: Decimal = Field(max_digits=18, decimal_places=6, description="In the line's unit")
    unit_id: int | None = Field(None, description="Default: the receipt line's unit, else the base unit")
    receipt_line_id: int | None = Field(None, description="The receipt line the goods came with")
    rejected: bool = Field(False, description="Goods rejected at that receipt's inspection (move no stock)")
    price: Decimal | None = Field(None, max_digits=18, decimal_places=6, description=PRICE_IN)
    tax_rate: Decimal | None = Field(None, max_digits=5, decimal_places=2, description=PRICE_IN)
    location_id: int | None = None
    lot_id: int | None = Field(None, description="Lot-tracked products; default: the receipt line's lot")
    serials: list[str] = []
    notes: str = Field("", max_length=200)


class ReturnIn(Schema):
    """A return as entered; with a receipt the supplier and warehouse are the receipt's."""

    supplier_id: int | None = None
    warehouse_id: int | None = None
    receipt_id: int | None = None
    date: dt.date | None = Field(None, description="Business date; default today")
    prices_include_tax: bool | None = None
    reason: str = Field("", max_length=200)
    notes: str = ""
    lines: list[ReturnLineIn]


class ReturnLineOut(Schema):
    id: int
    position: int
    receipt_line_id: int | None
    rejected: bool
    product_id: int
    sku: str
    product: str
    unit_id: int
    unit: str
    quantity: Decimal
    factor: Decimal
    base_quantity: Decimal
    location_id: int
    location: str
    lot_id: int | None
    batch_no: str | None
    serials: list[str]
    price: Decimal | None = Field(None, description=PRICE)
    tax_rate: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE)
    cost: Decimal | None = Field(None, description=PRICE + "; the stock value that left (after posting)")
    notes: str


class ReturnSummaryOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    supplier_id: int
    supplier: str
    warehouse_id: int
    warehouse: str
    receipt_id: int | None
    receipt: str | None
    line_count: int
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE + "; the payable it takes off")
    reason: str
    notes: str
    reversal_of_id: int | None
    created_at: dt.datetime
    posted_at: dt.datetime | None


class ReturnOut(ReturnSummaryOut):
    reversed_by_id: int | None
    created_by: str
    posted_by: str | None
    lines: list[ReturnLineOut]
