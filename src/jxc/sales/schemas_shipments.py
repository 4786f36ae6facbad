"""API shapes of shipments (销售出库): entry, picking, packing, shipping and delivery tracking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

PRICE = "Sales prices and amounts: present only for users who may see them (view_cost or view_customerprice)"
PRICE_IN = (
    "Only from users who may see prices (ignored otherwise: the order line's, the draft's, or the proposed price)"
)
COST = "Cost of goods sold (moving average, set when shipped): present only for users with view_cost"


class ShipmentFilters(Schema):
    """The filters of the shipment list and its export."""

    q: str = Field("", description="The number, the customer, the tracking number, an order number or a product")
    status: str = Field("", description="draft, posted or reversed")
    delivery_status: str = Field(
        "", description="not_shipped, shipped, in_transit, out_for_delivery, delivered or exception"
    )
    customer_id: int | None = None
    warehouse_id: int | None = None
    channel: str = Field("", description="order, direct or counter")
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class ShipmentLineIn(Schema):
    product_id: int
    quantity: Decimal = Field(max_digits=18, decimal_places=6, description="In the line's unit")
    unit_id: int | None = Field(None, description="Default: the order line's unit, else the base unit")
    order_line_id: int | None = Field(None, description="The sales order line shipped against (approved orders)")
    price: Decimal | None = Field(None, max_digits=18, decimal_places=6, description=PRICE_IN)
    tax_rate: Decimal | None = Field(None, max_digits=5, decimal_places=2, description=PRICE_IN)
    discount_pct: Decimal | None = Field(None, max_digits=5, decimal_places=2, description=PRICE_IN)
    location_id: int | None = Field(None, description="Default: where the stock is (a line may be split)")
    lot_id: int | None = Field(None, description="Lot-tracked products; default: first expiry, first out")
    serials: list[str] = Field([], description="Serial-tracked products; empty: picked by scanning")
    notes: str = Field("", max_length=200)


class ShipmentIn(Schema):
    """A shipment as entered (PUT replaces header and lines of a draft, and picking starts again)."""

    customer_id: int
    warehouse_id: int
    date: dt.date | None = Field(None, description="Business date; default today")
    prices_include_tax: bool | None = Field(None, description="Default: as its orders state prices, else the company")
    freight: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2, description=PRICE_IN)
    other_charges: Decimal = Field(Decimal(0), max_digits=18, decimal_places=2, description=PRICE_IN)
    ship_to: str = Field("", max_length=300, description="Default: the customer's address")
    contact: str = Field("", max_length=100, description="Default: the customer's contact and phone")
    carrier: str = Field("", max_length=60)
    tracking_no: str = Field("", max_length=60)
    expected_delivery: dt.date | None = None
    notes: str = ""
    lines: list[ShipmentLineIn]


class ShipmentLineOut(Schema):
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
    quantity: Decimal = Field(description="In the line's unit")
    base_quantity: Decimal
    picked_quantity: Decimal = Field(description="Base units picked by scanning")
    picked_serials: list[str]
    location_id: int
    location: str
    lot_id: int | None
    batch_no: str
    expiry_date: dt.date | None
    serials: list[str]
    package_number: int | None
    returned: Decimal = Field(description="Base units returned since")
    price: Decimal | None = Field(None, description=PRICE)
    tax_rate: Decimal | None = Field(None, description=PRICE)
    discount_pct: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE)
    cost: Decimal | None = Field(None, description=COST)
    notes: str


class PackageOut(Schema):
    id: int
    number: int
    weight_kg: Decimal | None
    notes: str
    line_ids: list[int]


class StatusLinkOut(Schema):
    label: str = Field(description="The order (or shipment) number the link shows")
    url: str


class ShipmentSummaryOut(Schema):
    id: int
    number: str
    status: str
    date: dt.date
    customer_id: int
    customer: str
    warehouse_id: int
    warehouse: str
    channel: str
    delivery_status: str
    carrier: str
    tracking_no: str
    expected_delivery: dt.date | None
    delivered_at: dt.datetime | None
    line_count: int
    prices_include_tax: bool
    freight: Decimal | None = Field(None, description=PRICE)
    other_charges: Decimal | None = Field(None, description=PRICE)
    amount: Decimal | None = Field(None, description=PRICE)
    tax: Decimal | None = Field(None, description=PRICE)
    total: Decimal | None = Field(None, description=PRICE + "; the receivable it adds")
    cost: Decimal | None = Field(None, description=COST)
    ship_to: str
    contact: str
    notes: str
    reversal_of_id: int | None
    created_at: dt.datetime
    posted_at: dt.datetime | None


class ShipmentOut(ShipmentSummaryOut):
    reversed_by_id: int | None
    created_by: str
    posted_by: str | None
    pick_complete: bool
    packages: list[PackageOut]
    status_links: list[StatusLinkOut] = Field(description="Signed public status pages to send the customer")
    lines: list[ShipmentLineOut]


class ScanIn(Schema):
    code: str = Field(max_length=120, description="A barcode, SKU or serial number")


class PickResultOut(Schema):
    line_id: int
    product_id: int
    product: str
    location: str
    quantity: Decimal = Field(description="Base units this scan picked")
    serial: str
    line_picked: Decimal
    line_quantity: Decimal
    complete: bool = Field(description="Every line is picked in full")


class PackageIn(Schema):
    number: int = Field(description="1, 2, …: each package its own number")
    weight_kg: Decimal | None = Field(None, max_digits=18, decimal_places=3)
    notes: str = Field("", max_length=200)
    line_ids: list[int] = Field([], description="The shipment lines packed into it (each in one package at most)")


class PackagesIn(Schema):
    """The packing of a draft, replacing the earlier one (an empty list removes it)."""

    packages: list[PackageIn]


class ShipIn(Schema):
    """Shipping a draft; what is left out stays as entered on the shipment."""

    carrier: str | None = Field(None, max_length=60)
    tracking_no: str | None = Field(None, max_length=60)
    expected_delivery: dt.date | None = None


class TrackingEventIn(Schema):
    status: str = Field(description="shipped, in_transit, out_for_delivery, delivered or exception")
    occurred_at: dt.datetime | None = Field(None, description="Default: now; never in the future")
    place: str = Field("", max_length=120)
    description: str = Field("", max_length=300, description="Required for an exception")
    expected_delivery: dt.date | None = Field(None, description="A new expected delivery date, if the carrier says")


class TrackingEventOut(Schema):
    id: int
    status: str
    occurred_at: dt.datetime
    place: str
    description: str
    source: str = Field(description="page, api or system")
    created_by: str | None
    created_at: dt.datetime


class DeliveryPatch(Schema):
    """What changes of a shipped shipment's delivery (fields left out stay as they are)."""

    carrier: str | None = Field(None, max_length=60)
    tracking_no: str | None = Field(None, max_length=60)
    expected_delivery: dt.date | None = None


class DeliveryOut(Schema):
    id: int
    number: str
    delivery_status: str
    carrier: str
    tracking_no: str
    expected_delivery: dt.date | None
    delivered_at: dt.datetime | None
    late: bool


class DeliveryProblemOut(Schema):
    id: int
    number: str
    date: dt.date
    customer_id: int
    customer: str
    carrier: str
    tracking_no: str
    delivery_status: str
    expected_delivery: dt.date | None
    days_late: int | None = Field(description="Days past the expected delivery (None for an exception on time)")
