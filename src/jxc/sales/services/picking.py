"""Picking and packing a draft shipment: every scan is checked against the pick list on the spot.

A scanned barcode or SKU adds its unit (a 箱 barcode picks 24 包) to the first line of that product still short;
a scanned serial number picks that very unit. A code that is not on the shipment, one too many, or a serial
that is not where the line picks from is refused and nothing is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Errors
from jxc.catalog.selectors import product_find_by_code
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import ZERO
from jxc.inventory.choices import PostingStatus, SerialStatus
from jxc.inventory.errors import DocumentNotDraft, SerialNotInStock
from jxc.inventory.models import Serial
from jxc.sales.errors import OverPick, ScanNotOnDocument, ScanUnknown, SerialScanRequired
from jxc.sales.models import SalesShipment, SalesShipmentLine, ShipmentPackage


@dataclass(frozen=True)
class PickResult:
    """What a scan picked: the line, how many base units, the serial number if one, and whether all is picked."""

    line: SalesShipmentLine
    quantity: Decimal
    serial: str
    complete: bool


@dataclass
class PackageData:
    """A package as entered: its number, weight and the shipment lines packed into it."""

    number: int
    weight_kg: Decimal | None = None
    notes: str = ""
    line_ids: list[int] = field(default_factory=list)


def _draft(shipment: SalesShipment) -> SalesShipment:
    shipment = SalesShipment.objects.select_for_update(of=("self",)).get(pk=shipment.pk)
    if shipment.status != PostingStatus.DRAFT:
        raise DocumentNotDraft(number=shipment.number, status=shipment.get_status_display())
    return shipment


def pick_order(shipment: SalesShipment) -> list[SalesShipmentLine]:
    """The shipment's lines in walking order: by location code, then batch expiry, then position."""
    lines = shipment.lines.select_related("product", "unit", "location", "lot", "product__base_unit")
    return sorted(
        lines,
        key=lambda ln: (
            ln.location.code,
            ln.lot.expiry_date.isoformat() if ln.lot and ln.lot.expiry_date else "9999",
            ln.position,
        ),
    )


def _complete(lines: list[SalesShipmentLine]) -> bool:
    return all(ln.picked_quantity >= ln.quantity for ln in lines)


def _pick_serial(shipment: SalesShipment, lines: list[SalesShipmentLine], serial: Serial) -> PickResult:
    code = serial.serial_no
    candidates = [ln for ln in lines if ln.product_id == serial.product_id]
    if not candidates:
        raise ScanNotOnDocument(code=code, product=serial.product.name, number=shipment.number)
    if any(code in ln.picked_serials.split() for ln in candidates):
        raise OverPick(product=serial.product.name, quantity=code)
    open_lines = [ln for ln in candidates if ln.picked_quantity < ln.quantity]
    if not open_lines:
        total = sum((ln.quantity for ln in candidates), ZERO)
        raise OverPick(product=serial.product.name, quantity=total.normalize())
    named = [ln for ln in open_lines if code in ln.serial_list]
    free = [ln for ln in open_lines if not ln.serial_list]
    line = next(iter(named or free), None)
    here = (
        line is not None
        and serial.status == SerialStatus.IN_STOCK
        and serial.warehouse_id == shipment.warehouse_id
        and serial.location_id == line.location_id
        and serial.lot_id == line.lot_id
    )
    if line is None or not here:
        place = open_lines[0].location.code
        raise SerialNotInStock(serial=code, product=serial.product.name, place=place)
    line.picked_serials = "\n".join([*line.picked_serials.split(), code])
    line.picked_quantity += 1
    line.save(update_fields=["picked_serials", "picked_quantity"])
    return PickResult(line=line, quantity=Decimal(1), serial=code, complete=_complete(lines))


@transaction.atomic
def shipment_pick_scan(*, actor: User, shipment: SalesShipment, code: str) -> PickResult:
    """Pick by scanning: the code must be on the shipment and still to pick, else it is refused."""
    shipment = _draft(shipment)
    code = (code or "").strip()
    if not code:
        raise ValidationFailed.one("code", _("Scan a barcode, SKU or serial number."))
    lines = pick_order(shipment)
    serial_products = {ln.product_id for ln in lines if ln.product.track_serials}
    serial = (
        Serial.objects.select_related("product").filter(product_id__in=serial_products, serial_no=code).first()
        if serial_products
        else None
    )
    if serial is not None:
        return _pick_serial(shipment, lines, serial)
    hit = product_find_by_code(code=code)
    if hit is None:
        raise ScanUnknown(code=code)
    candidates = [ln for ln in lines if ln.product_id == hit.product.pk]
    if not candidates:
        raise ScanNotOnDocument(code=code, product=hit.product.name, number=shipment.number)
    if hit.product.track_serials:
        raise SerialScanRequired(product=hit.product.name)
    line = next((ln for ln in candidates if ln.picked_quantity + hit.factor <= ln.quantity), None)
    if line is None:
        total = sum((ln.quantity for ln in candidates), ZERO)
        raise OverPick(product=hit.product.name, quantity=f"{total.normalize():f} {hit.product.base_unit.name}")
    line.picked_quantity += hit.factor
    line.save(update_fields=["picked_quantity"])
    return PickResult(line=line, quantity=hit.factor, serial="", complete=_complete(lines))


@transaction.atomic
def shipment_pick_reset(*, actor: User, shipment: SalesShipment) -> SalesShipment:
    """Start picking again: every line back to nothing picked."""
    shipment = _draft(shipment)
    shipment.lines.update(picked_quantity=ZERO, picked_serials="")
    audit_record(actor=actor, action="sales_shipment.pick_reset", target=shipment, after={})
    return shipment


@transaction.atomic
def shipment_pack(*, actor: User, shipment: SalesShipment, packages: list[PackageData]) -> list[ShipmentPackage]:
    """Record the packages of a draft (replacing earlier ones): numbers 1, 2, …, each line in one package at most."""
    shipment = _draft(shipment)
    line_ids = set(shipment.lines.values_list("pk", flat=True))
    errors: Errors = {}
    seen_numbers: set[int] = set()
    packed: dict[int, int] = {}
    for i, package in enumerate(packages):
        if package.number <= 0 or package.number in seen_numbers:
            errors.setdefault(f"packages.{i}.number", []).append(_("Give each package its own number from 1."))
        seen_numbers.add(package.number)
        if package.weight_kg is not None and package.weight_kg < 0:
            errors.setdefault(f"packages.{i}.weight_kg", []).append(_("The weight cannot be negative."))
        for line_id in package.line_ids:
            if line_id not in line_ids:
                errors.setdefault(f"packages.{i}.line_ids", []).append(_("Only lines of this shipment can be packed."))
            elif line_id in packed:
                errors.setdefault(f"packages.{i}.line_ids", []).append(
                    _("A line goes into one package only (it is in package %(n)s).") % {"n": packed[line_id]}
                )
            packed[line_id] = package.number
    if errors:
        raise ValidationFailed(errors)
    shipment.lines.update(package=None)
    shipment.packages.all().delete()
    saved = []
    for package in sorted(packages, key=lambda p: p.number):
        row = ShipmentPackage.objects.create(
            shipment=shipment, number=package.number, weight_kg=package.weight_kg, notes=package.notes.strip()[:200]
        )
        shipment.lines.filter(pk__in=package.line_ids).update(package=row)
        saved.append(row)
    audit_record(
        actor=actor,
        action="sales_shipment.packed",
        target=shipment,
        after={"packages": [[p.number, p.line_ids] for p in packages]},
    )
    return saved
