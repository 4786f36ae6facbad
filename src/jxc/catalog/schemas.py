"""API shapes of products, units, categories and brands."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class ProductUnitIn(Schema):
    unit_id: int
    factor: Decimal = Field(description="Base units in one of this unit, e.g. 24")


class BarcodeIn(Schema):
    code: str
    unit_id: int | None = Field(None, description="Leave out for the base unit")


class ProductIn(Schema):
    sku: str
    name: str
    base_unit_id: int
    spec: str = ""
    category_id: int | None = None
    brand_id: int | None = None
    purchase_price: Decimal | None = Field(None, description="Needs the view_cost permission; ignored otherwise")
    retail_price: Decimal = Decimal(0)
    wholesale_price: Decimal = Decimal(0)
    min_price: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(13)
    min_stock: Decimal | None = None
    max_stock: Decimal | None = None
    track_lots: bool = False
    track_serials: bool = False
    shelf_life_days: int | None = None
    notes: str = ""
    units: list[ProductUnitIn] = []
    barcodes: list[BarcodeIn] = []


class ProductPatch(Schema):
    sku: str | None = None
    name: str | None = None
    base_unit_id: int | None = None
    spec: str | None = None
    category_id: int | None = None
    brand_id: int | None = None
    purchase_price: Decimal | None = None
    retail_price: Decimal | None = None
    wholesale_price: Decimal | None = None
    min_price: Decimal | None = None
    tax_rate: Decimal | None = None
    min_stock: Decimal | None = None
    max_stock: Decimal | None = None
    track_lots: bool | None = None
    track_serials: bool | None = None
    shelf_life_days: int | None = None
    notes: str | None = None
    units: list[ProductUnitIn] | None = None
    barcodes: list[BarcodeIn] | None = None


class ProductUnitOut(Schema):
    unit_id: int
    unit: str
    factor: Decimal


class BarcodeOut(Schema):
    code: str
    unit_id: int
    unit: str


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    spec: str
    mnemonic: str
    category_id: int | None
    category: str | None
    brand_id: int | None
    brand: str | None
    base_unit_id: int
    base_unit: str
    purchase_price: Decimal | None = Field(None, description="Present only for users with the view_cost permission")
    retail_price: Decimal
    wholesale_price: Decimal
    min_price: Decimal
    tax_rate: Decimal
    min_stock: Decimal | None
    max_stock: Decimal | None
    track_lots: bool
    track_serials: bool
    shelf_life_days: int | None
    notes: str
    active: bool
    units: list[ProductUnitOut]
    barcodes: list[BarcodeOut]
    created_at: datetime
    updated_at: datetime


class LookupOut(Schema):
    product: ProductOut
    unit_id: int
    unit: str
    factor: Decimal


class UnitIn(Schema):
    name: str
    decimals: int = 0


class UnitOut(Schema):
    id: int
    name: str
    decimals: int
    active: bool


class CategoryIn(Schema):
    name: str
    parent_id: int | None = None
    code: str = ""
    sort_order: int = 0


class CategoryOut(Schema):
    id: int
    name: str
    parent_id: int | None
    path: str
    code: str
    sort_order: int
    active: bool


class BrandIn(Schema):
    name: str


class BrandOut(Schema):
    id: int
    name: str
    mnemonic: str
    active: bool
