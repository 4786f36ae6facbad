"""A shipment line as entered, how it is priced, and where it is picked (the place given, or suggested).

A line against an order takes the order line's price, tax and discount (restated when the shipment states prices
the other way); a line without one takes the customer's proposed price. Where a line is picked from is the
location, batch and serial numbers given — checked to hold the goods — or the places suggested first expiry
first, the line split when one place does not hold it all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from jxc.catalog.lines import Errors, check_money, serials_error
from jxc.core.db import row_copy
from jxc.core.numbers import ZERO, round_price
from jxc.core.pricing import price_restated
from jxc.inventory.choices import SerialStatus
from jxc.inventory.errors import LotNotAllowed, LotRequired, SerialNotInStock
from jxc.inventory.models import Location, Lot, Serial, StockQuant, Warehouse
from jxc.inventory.selectors import lot_suggestions, pick_suggestions
from jxc.partners.models import Partner
from jxc.sales.errors import LotNotInStock
from jxc.sales.models import SalesOrderLine, SalesShipmentLine
from jxc.sales.selectors.prices import sale_price

SIX_PLACES = Decimal("0.000001")


@dataclass
class ShipmentLineData:
    """A line as entered, in one of the product's units. Price, tax and discount default to the order line's
    (or, without an order, to the customer's proposed price); the place defaults to the pick suggestion."""

    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    order_line_id: int | None = None
    price: Decimal | None = None
    tax_rate: Decimal | None = None
    discount_pct: Decimal | None = None
    location_id: int | None = None
    lot_id: int | None = None
    serials: list[str] = field(default_factory=list)
    notes: str = ""


def priced_line(
    errors: Errors,
    prefix: str,
    entry: ShipmentLineData,
    resolved: Any,
    customer: Partner,
    order_line: SalesOrderLine | None,
    include_tax: bool,
) -> SalesShipmentLine | None:
    """The line with its price, tax and discount (amounts are computed when it is saved); None after an error."""
    product = resolved.product
    if order_line is not None:
        tax_rate = entry.tax_rate if entry.tax_rate is not None else order_line.tax_rate
        discount = entry.discount_pct if entry.discount_pct is not None else order_line.discount_pct
        price = entry.price
        if price is None:
            ordered = price_restated(
                price=order_line.price,
                tax_rate=order_line.tax_rate,
                from_include=order_line.order.prices_include_tax,
                to_include=include_tax,
            )
            price = round_price(ordered * resolved.factor / order_line.factor)
    else:
        tax_rate = entry.tax_rate if entry.tax_rate is not None else product.tax_rate
        discount = entry.discount_pct if entry.discount_pct is not None else ZERO
        price = entry.price
        if price is None:
            price, _source = sale_price(
                customer=customer, product=product, factor=resolved.factor, tax_rate=tax_rate, include_tax=include_tax
            )
    if not check_money(errors, prefix, price=price, tax_rate=tax_rate, discount_pct=discount):
        return None
    return SalesShipmentLine(
        order_line=order_line,
        product=product,
        unit_id=resolved.unit_id,
        unit_quantity=entry.quantity,
        factor=resolved.factor,
        quantity=resolved.base,
        price=price,
        tax_rate=tax_rate,
        discount_pct=discount,
        amount=ZERO,
        tax=ZERO,
        total=ZERO,
        notes=(entry.notes or "").strip()[:200],
    )


class PickPlaces:
    """Where each line is picked: the place given (checked to hold the batch and serials) or the suggestion."""

    def __init__(self, warehouse: Warehouse, day: dt.date) -> None:
        self.warehouse, self.day = warehouse, day
        self.locations = {loc.pk: loc for loc in Location.objects.filter(warehouse=warehouse, active=True)}
        self.default = next((loc for loc in self.locations.values() if loc.is_default), None)

    def split(
        self, errors: Errors, prefix: str, line: SalesShipmentLine, entry: ShipmentLineData
    ) -> list[SalesShipmentLine]:
        product = line.product
        if entry.lot_id and not product.track_lots:
            raise LotNotAllowed(field=f"{prefix}.lot_id", product=product.name)
        if entry.serials:
            return self._by_serials(errors, prefix, line, entry.serials)
        location = None
        if entry.location_id:
            location = self.locations.get(entry.location_id)
            if location is None:
                errors.setdefault(f"{prefix}.location_id", []).append(
                    _("Choose an active location of %(warehouse)s.") % {"warehouse": self.warehouse.name}
                )
                return []
        if entry.lot_id:
            return [self._at_lot(prefix, line, entry.lot_id, location)]
        picks: list[tuple[Location, Lot | None, Decimal]]
        if location is not None:
            if not product.track_lots:
                return [row_copy(line, location=location)]
            picks = [
                (location, lot, q)
                for lot, q in lot_suggestions(product=product, location=location, quantity=line.quantity, on=self.day)
            ]
        else:
            picks = pick_suggestions(product=product, warehouse=self.warehouse, quantity=line.quantity, on=self.day)
        covered = sum((q for _loc, _lot, q in picks), ZERO)
        if covered < line.quantity:
            if product.track_lots:
                raise LotRequired(field=f"{prefix}.lot_id", product=product.name)
            picks.append((location or self.default, None, line.quantity - covered))  # type: ignore[arg-type]
        return [self._part(line, loc, lot, q) for loc, lot, q in picks]

    def _part(
        self, line: SalesShipmentLine, location: Location, lot: Lot | None, quantity: Decimal
    ) -> SalesShipmentLine:
        if quantity == line.quantity:
            return row_copy(line, location=location, lot=lot)
        unit_quantity = (quantity / line.factor).quantize(SIX_PLACES)
        return row_copy(line, location=location, lot=lot, quantity=quantity, unit_quantity=unit_quantity)

    def _at_lot(
        self, prefix: str, line: SalesShipmentLine, lot_id: int, location: Location | None
    ) -> SalesShipmentLine:
        product = line.product
        lot = Lot.objects.filter(pk=lot_id, product=product).first()
        quants = StockQuant.objects.filter(product=product, warehouse=self.warehouse, lot_id=lot_id, on_hand__gt=0)
        if location is not None:
            quants = quants.filter(location=location)
        quant = quants.filter(location__active=True).select_related("location").order_by("-on_hand", "pk").first()
        if lot is None or quant is None:
            place = f"{self.warehouse.name} {location.code}" if location else self.warehouse.name
            raise LotNotInStock(
                field=f"{prefix}.lot_id", batch=lot.batch_no if lot else lot_id, product=product.name, place=place
            )
        return row_copy(line, location=quant.location, lot=lot)

    def _by_serials(
        self, errors: Errors, prefix: str, line: SalesShipmentLine, serials: list[str]
    ) -> list[SalesShipmentLine]:
        product = line.product
        message = serials_error(line.quantity, serials) if product.track_serials else ""
        if not product.track_serials:
            message = str(_("%(product)s is not tracked by serial number.") % {"product": product.name})
        if message:
            errors.setdefault(f"{prefix}.serials", []).append(message)
            return []
        found = {
            s.serial_no: s
            for s in Serial.objects.filter(
                product=product, serial_no__in=serials, status=SerialStatus.IN_STOCK, warehouse=self.warehouse
            )
        }
        groups: dict[tuple[int, int | None], list[str]] = defaultdict(list)
        for number in serials:
            serial = found.get(number)
            if serial is None or serial.location_id not in self.locations:
                raise SerialNotInStock(
                    field=f"{prefix}.serials", serial=number, product=product.name, place=self.warehouse.name
                )
            groups[(serial.location_id, serial.lot_id)].append(number)
        parts = []
        lots = {lot.pk: lot for lot in Lot.objects.filter(pk__in={k[1] for k in groups if k[1]})}
        for (location_id, lot_id), numbers in groups.items():
            part = self._part(
                line, self.locations[location_id], lots.get(lot_id) if lot_id else None, Decimal(len(numbers))
            )
            part.serials = "\n".join(numbers)
            parts.append(part)
        return parts
