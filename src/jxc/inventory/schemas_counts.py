"""API shapes of stock counts (盘点).

Keys the caller may not see are left out, not nulled: `book_quantity` and `difference` while a blind count is
being counted (for users who cannot approve counts), `value` and `estimated_value` without view_cost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class StockCountIn(Schema):
    warehouse_id: int
    date: dt.date | None = Field(None, description="The count's business date (today when left out).")
    location_ids: list[int] = Field(default_factory=list, description="Only these locations (empty: all).")
    category_ids: list[int] = Field(default_factory=list, description="Only these categories and their children.")
    blind: bool = Field(False, description="Counters do not see the book quantities.")
    notes: str = ""


class StockCountLineOut(Schema):
    id: int
    product_id: int
    sku: str
    name: str
    spec: str
    unit: str
    location_id: int
    location: str
    lot_id: int | None
    batch_no: str | None
    expiry_date: dt.date | None
    book_quantity: Decimal | None = None
    counted_quantity: Decimal | None
    difference: Decimal | None = None
    value: Decimal | None = Field(None, description="The value posted for the difference (after posting).")
    estimated_value: Decimal | None = Field(
        None, description="Before posting: the difference at the current average cost."
    )
    moved_during_count: bool
    counted_by: str | None
    counted_at: dt.datetime | None


class StockCountOut(Schema):
    id: int
    number: str
    date: dt.date
    warehouse_id: int
    warehouse: str
    status: str
    status_label: str
    blind: bool
    notes: str
    location_ids: list[int]
    category_ids: list[int]
    line_count: int
    counted_count: int
    created_by: str
    created_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    posted_by: str | None
    posted_at: dt.datetime | None
    lines: list[StockCountLineOut] | None = None


class CountEntryIn(Schema):
    product_id: int
    location_id: int
    lot_id: int | None = None
    quantity: Decimal = Field(..., description="In the product's base unit: the total counted, or with add one more.")
    add: bool = Field(False, description="Add to what was counted (a scan) instead of setting the total.")


class CountEntriesIn(Schema):
    entries: list[CountEntryIn]


class ScanIn(Schema):
    code: str = Field(..., description="A barcode or SKU as the scanner read it.")
    location_id: int
    quantity: Decimal = Field(Decimal(1), description="How many of the barcode's unit (a box barcode: boxes).")
    lot_id: int | None = None


class ScanOut(Schema):
    line: StockCountLineOut
    added: Decimal = Field(..., description="Base units added.")
    unit: str = Field(..., description="The unit the code stands for.")
    factor: Decimal


class SubmitIn(Schema):
    uncounted_as_zero: bool = Field(False, description="Lines nobody counted were not found: count them as zero.")
