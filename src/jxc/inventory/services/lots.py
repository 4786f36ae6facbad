"""Lots for receipts and the system warehouse that holds goods in transit."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from jxc.catalog.models import Product
from jxc.core.errors import ValidationFailed
from jxc.inventory.errors import LotMismatch
from jxc.inventory.models import Location, Lot, Warehouse

TRANSIT_CODE = "~TRANSIT"


def lot_for_receipt(*, product: Product, batch_no: str, production_date: date | None, expiry_date: date | None) -> Lot:
    """The lot with this batch number, created on first receipt; later receipts must agree on its dates."""
    batch_no = batch_no.strip()
    if not batch_no:
        raise ValidationFailed.one("batch_no", gettext("This field is required."))
    if expiry_date is None and production_date is not None and product.shelf_life_days:
        expiry_date = production_date + timedelta(days=product.shelf_life_days)
    lot = Lot.objects.filter(product=product, batch_no=batch_no).first()
    if lot is None:
        try:
            with transaction.atomic():
                return Lot.objects.create(
                    product=product, batch_no=batch_no, production_date=production_date, expiry_date=expiry_date
                )
        except IntegrityError:
            lot = Lot.objects.get(product=product, batch_no=batch_no)
    given = (production_date or lot.production_date, expiry_date or lot.expiry_date)
    if given != (lot.production_date, lot.expiry_date):
        raise LotMismatch(batch=batch_no, product=product.name)
    return lot


def transit_location() -> Location:
    """The location of the system warehouse for goods between the two steps of a transfer."""
    warehouse = Warehouse.objects.filter(code=TRANSIT_CODE).first()
    if warehouse is None:
        try:
            with transaction.atomic():
                warehouse = Warehouse.objects.create(
                    code=TRANSIT_CODE, name=gettext("Transit warehouse"), is_transit=True
                )
                return Location.objects.create(
                    warehouse=warehouse, code="TRANSIT", name=warehouse.name, is_default=True
                )
        except IntegrityError:
            warehouse = Warehouse.objects.get(code=TRANSIT_CODE)
    return Location.objects.get(warehouse=warehouse, is_default=True)
