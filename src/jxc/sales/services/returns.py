"""Sales returns (销售退货): goods a customer sends back, against a posted shipment or free.

Against a shipment, each line names the shipment line it returns (price, tax, discount, unit, batch and serial
numbers default to that line's) and never more than is left of it. The goods come back at the cost they left with:
the line's share of the shipment line's cost of goods sold, the last return of a shipment line taking exactly the
rest, so returning everything brings back exactly what left. A free return comes back at today's moving-average
cost. Inspection decides per line: back to stock (a location of the warehouse, default its default location),
quarantine (a location that must be named), or scrap — the goods come in at their cost and leave again at once as
a scrap issue, so the stock card shows both and stock is unchanged. Posting lowers the customer's receivable by the
amount credited; 红冲 posts the exact opposite as a new return linked to it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.selectors import include_tax_default
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Catalog, Errors, check_money, serials_error
from jxc.catalog.models import Product
from jxc.core.db import retrying_atomic, row_copy
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import ZERO, round_money, round_price
from jxc.core.pricing import line_totals
from jxc.core.sequences import document_number_next
from jxc.inventory.choices import MoveKind, PostingStatus, SerialStatus
from jxc.inventory.errors import AlreadyReversed, DocumentNotDraft, DocumentNotPosted, EmptyDocument
from jxc.inventory.models import Location, Lot, Serial, StockMove, StockPosting, Warehouse
from jxc.inventory.selectors import warehouse_for
from jxc.inventory.services.posting import Leg, Source, check_open, stock_post
from jxc.inventory.services.reversal import posting_reverse
from jxc.partners.models import Account, Partner
from jxc.partners.services.ledger import EntrySource, partner_entry_post, partner_entry_reverse
from jxc.sales.choices import RETURN_PREFIX, RETURN_SOURCE, Disposition
from jxc.sales.errors import ReturnExceedsShipment
from jxc.sales.models import SalesReturn, SalesReturnLine, SalesShipment, SalesShipmentLine
from jxc.sales.selectors.prices import sale_price
from jxc.sales.selectors.returns import returned_serials
from jxc.sales.services.orders import customer_for

COUNTED = (PostingStatus.POSTED, PostingStatus.REVERSED)
NOT_POSTED_MESSAGE = _("%(number)s is %(status)s: goods are returned only against a posted shipment.")


@dataclass
class SalesReturnLineData:
    """A returned line as entered, with what inspection decided. Against a shipment line, the unit, price, tax,
    discount, batch and serial numbers default to that line's; free, the price defaults to the proposed price."""

    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    shipment_line_id: int | None = None
    price: Decimal | None = None
    tax_rate: Decimal | None = None
    discount_pct: Decimal | None = None
    disposition: str = Disposition.RESTOCK
    location_id: int | None = None
    lot_id: int | None = None
    serials: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass
class SalesReturnData:
    """A return as entered; against a shipment, the customer and warehouse are the shipment's (0 or None: taken
    from it) and prices are stated as the shipment states them."""

    customer_id: int | None
    warehouse_id: int | None
    date: date
    shipment_id: int | None = None
    prices_include_tax: bool | None = None
    reason: str = ""
    notes: str = ""
    lines: list[SalesReturnLineData] = field(default_factory=list)


@dataclass
class _Cleaned:
    customer: Partner
    warehouse: Warehouse
    shipment: SalesShipment | None
    include_tax: bool
    lines: list[SalesReturnLine]


def _shipment(data: SalesReturnData) -> SalesShipment | None:
    """The posted shipment the return is against; its customer and warehouse become the return's."""
    if not data.shipment_id:
        return None
    shipment = SalesShipment.objects.filter(pk=data.shipment_id).first()
    if shipment is None:
        raise ValidationFailed.one("shipment_id", _("Unknown shipment."))
    if shipment.status != PostingStatus.POSTED or shipment.reversal_of_id:
        status = _("a reversal") if shipment.reversal_of_id else shipment.get_status_display()
        raise DocumentNotPosted(NOT_POSTED_MESSAGE, field="shipment_id", number=shipment.number, status=status)
    errors: Errors = {}
    if data.customer_id and data.customer_id != shipment.customer_id:
        errors["customer_id"] = [_("%(number)s was shipped to another customer.") % {"number": shipment.number}]
    if data.warehouse_id and data.warehouse_id != shipment.warehouse_id:
        errors["warehouse_id"] = [_("%(number)s was shipped from another warehouse.") % {"number": shipment.number}]
    if data.date < shipment.date:
        errors["date"] = [
            _("A return cannot be dated before its shipment %(number)s (%(date)s).")
            % {"number": shipment.number, "date": shipment.date.isoformat()}
        ]
    if errors:
        raise ValidationFailed(errors)
    data.customer_id, data.warehouse_id = shipment.customer_id, shipment.warehouse_id
    return shipment


class _Lines:
    """Checks and prices the lines of one return (the catalog, shipment lines and places loaded once)."""

    def __init__(self, data: SalesReturnData, cleaned: _Cleaned, errors: Errors) -> None:
        self.cleaned, self.errors = cleaned, errors
        self.catalog = Catalog(e.product_id for e in data.lines)
        ids = {e.shipment_line_id for e in data.lines if e.shipment_line_id}
        self.sources = {
            ln.pk: ln for ln in SalesShipmentLine.objects.filter(pk__in=ids).select_related("shipment", "lot")
        }
        self.returned = returned_serials(set(self.sources))
        self.locations = {loc.pk: loc for loc in Location.objects.filter(warehouse=cleaned.warehouse, active=True)}
        self.default_location = next((loc for loc in self.locations.values() if loc.is_default), None)
        self.taken: dict[int, Decimal] = defaultdict(lambda: ZERO)
        self.serials_taken: dict[int, set[str]] = defaultdict(set)

    def add(self, prefix: str, key: str, message: Any) -> None:
        self.errors.setdefault(f"{prefix}.{key}", []).append(message)

    def source(self, prefix: str, entry: SalesReturnLineData) -> tuple[bool, SalesShipmentLine | None]:
        """The shipment line a line returns (None: a free line); False when it is not one it may return."""
        if not entry.shipment_line_id:
            return True, None
        source = self.sources.get(entry.shipment_line_id)
        shipment = self.cleaned.shipment
        if shipment is None:
            self.add(prefix, "shipment_line_id", _("Choose the shipment first: its lines are returned against it."))
            return False, None
        if source is None or source.shipment_id != shipment.pk or source.quantity <= 0:
            self.add(prefix, "shipment_line_id", _("Choose a line of shipment %(number)s.") % {"number": shipment})
            return False, None
        if entry.product_id != source.product_id:
            self.add(prefix, "product_id", _("The product differs from the shipment line's."))
            return False, None
        return True, source

    def line(self, i: int, entry: SalesReturnLineData) -> SalesReturnLine | None:
        prefix = f"lines.{i}"
        ok, source = self.source(prefix, entry)
        if not ok:
            return None
        resolved = self.catalog.resolve(
            self.errors,
            prefix,
            product_id=entry.product_id,
            unit_id=entry.unit_id or (source.unit_id if source else None),
            quantity=entry.quantity,
            must_be_active=source is None,  # what was shipped comes back even if the product is no longer sold
        )
        if resolved is None:
            return None
        product = resolved.product
        include_tax = self.cleaned.include_tax
        if source is not None:
            self.taken[source.pk] += resolved.base
            if self.taken[source.pk] > source.returnable:
                raise ReturnExceedsShipment(
                    field=f"{prefix}.quantity",
                    product=product.name,
                    quantity=f"{(self.taken[source.pk] / resolved.factor).normalize():f}",
                    left=f"{(source.returnable / resolved.factor).normalize():f}",
                    shipment=source.shipment.number,
                )
            tax_rate = entry.tax_rate if entry.tax_rate is not None else source.tax_rate
            discount = entry.discount_pct if entry.discount_pct is not None else source.discount_pct
            price = entry.price
            if price is None:
                price = round_price(source.price * resolved.factor / source.factor)
        else:
            tax_rate = entry.tax_rate if entry.tax_rate is not None else product.tax_rate
            discount = entry.discount_pct if entry.discount_pct is not None else ZERO
            price = entry.price
            if price is None:
                price, _source = sale_price(
                    customer=self.cleaned.customer,
                    product=product,
                    factor=resolved.factor,
                    tax_rate=tax_rate,
                    include_tax=include_tax,
                )
        if not check_money(self.errors, prefix, price=price, tax_rate=tax_rate, discount_pct=discount):
            return None
        location = self.location(prefix, entry)
        lot = self.lot(prefix, entry, source, product)
        serials = self.serials(prefix, entry, source, product, resolved.base)
        if location is None or (product.track_lots and lot is None) or serials is None:
            return None
        totals = line_totals(
            price=price, quantity=entry.quantity, tax_rate=tax_rate, discount_pct=discount, include_tax=include_tax
        )
        return SalesReturnLine(
            shipment_line=source,
            product=product,
            unit_id=resolved.unit_id,
            unit_quantity=entry.quantity,
            factor=resolved.factor,
            quantity=resolved.base,
            price=price,
            tax_rate=tax_rate,
            discount_pct=discount,
            amount=totals.amount,
            tax=totals.tax,
            total=totals.total,
            disposition=entry.disposition,
            location=location,
            lot=lot,
            serials="\n".join(serials),
            notes=(entry.notes or "").strip()[:200],
        )

    def location(self, prefix: str, entry: SalesReturnLineData) -> Location | None:
        """Where inspection puts the goods: the location chosen, or (not for quarantine) the default location."""
        warehouse = self.cleaned.warehouse
        if entry.disposition not in Disposition.values:
            self.add(prefix, "disposition", _("Choose back to stock, quarantine or scrap."))
            return None
        if entry.location_id:
            location = self.locations.get(entry.location_id)
            if location is None:
                self.add(
                    prefix,
                    "location_id",
                    _("Choose an active location of %(warehouse)s.") % {"warehouse": warehouse.name},
                )
            return location
        if entry.disposition == Disposition.QUARANTINE:
            self.add(prefix, "location_id", _("Choose the quarantine location the goods go to."))
            return None
        if self.default_location is None:
            self.add(
                prefix, "location_id", _("Choose an active location of %(warehouse)s.") % {"warehouse": warehouse.name}
            )
        return self.default_location

    def lot(
        self, prefix: str, entry: SalesReturnLineData, source: SalesShipmentLine | None, product: Product
    ) -> Lot | None:
        """The batch that comes back: the shipment line's, else the one chosen (lot-tracked products only)."""
        if not product.track_lots:
            return None
        if source is not None and source.lot_id:
            if entry.lot_id and entry.lot_id != source.lot_id:
                batch = source.lot.batch_no if source.lot is not None else source.lot_id
                self.add(prefix, "lot_id", _("Batch %(batch)s was shipped on this line.") % {"batch": batch})
                return None
            return source.lot
        lot = Lot.objects.filter(pk=entry.lot_id, product=product).first() if entry.lot_id else None
        if lot is None:
            self.add(
                prefix, "lot_id", _("%(product)s is tracked by lot: choose the batch returned.") % {"product": product}
            )
        return lot

    def serials(
        self,
        prefix: str,
        entry: SalesReturnLineData,
        source: SalesShipmentLine | None,
        product: Product,
        base: Decimal,
    ) -> list[str] | None:
        """One serial number per unit; against a shipment line, among those it shipped and not returned yet (by
        default: what it shipped and is not back, when that is exactly the quantity)."""
        if not product.track_serials:
            return []
        serials = [s.strip() for s in entry.serials if s.strip()]
        if source is not None:
            open_serials = [
                s
                for s in source.serial_list
                if s not in self.returned[source.pk] and s not in self.serials_taken[source.pk]
            ]
            if not serials and len(open_serials) == base:
                serials = open_serials
            for number in serials:
                if number not in source.serial_list:
                    self.add(
                        prefix,
                        "serials",
                        _("Serial number %(serial)s was not shipped on this line.") % {"serial": number},
                    )
                    return None
                if number not in open_serials:
                    self.add(
                        prefix, "serials", _("Serial number %(serial)s was returned already.") % {"serial": number}
                    )
                    return None
            self.serials_taken[source.pk].update(serials)
        message = serials_error(base, serials)
        if message:
            self.add(prefix, "serials", message)
            return None
        if source is None:
            here = Serial.objects.filter(product=product, serial_no__in=serials, status=SerialStatus.IN_STOCK)
            in_stock = here.values_list("serial_no", flat=True).first()
            if in_stock is not None:
                self.add(
                    prefix,
                    "serials",
                    _("Serial number %(serial)s is in stock: it was not sold.") % {"serial": in_stock},
                )
                return None
        return serials


def _clean(data: SalesReturnData, *, actor: User) -> _Cleaned:
    shipment = _shipment(data)
    errors: Errors = {}
    customer = customer_for(errors, data.customer_id)
    warehouse = warehouse_for(errors, data.warehouse_id, actor=actor)
    if not data.lines:
        errors.setdefault("lines", []).append(_("Add at least one line."))
    if errors or customer is None or warehouse is None:
        raise ValidationFailed(errors)
    include_tax = shipment.prices_include_tax if shipment is not None else include_tax_default(data.prices_include_tax)
    cleaned = _Cleaned(customer, warehouse, shipment, include_tax, [])
    checker = _Lines(data, cleaned, errors)
    for i, entry in enumerate(data.lines):
        line = checker.line(i, entry)
        if line is not None:
            cleaned.lines.append(line)
    if errors:
        raise ValidationFailed(errors)
    return cleaned


def _save(sales_return: SalesReturn, data: SalesReturnData, cleaned: _Cleaned, *, replace: bool) -> None:
    sales_return.date, sales_return.customer, sales_return.warehouse = data.date, cleaned.customer, cleaned.warehouse
    sales_return.shipment, sales_return.prices_include_tax = cleaned.shipment, cleaned.include_tax
    sales_return.reason = data.reason.strip()[:200]
    sales_return.notes = data.notes.strip()
    sales_return.amount = sum((ln.amount for ln in cleaned.lines), ZERO)
    sales_return.tax = sum((ln.tax for ln in cleaned.lines), ZERO)
    sales_return.total = sum((ln.total for ln in cleaned.lines), ZERO)
    sales_return.save()
    if replace:
        sales_return.lines.all().delete()
    for position, line in enumerate(cleaned.lines, start=1):
        line.sales_return, line.position = sales_return, position
    SalesReturnLine.objects.bulk_create(cleaned.lines)


def sales_return_state(sales_return: SalesReturn) -> dict[str, Any]:
    """The return as recorded in the audit log."""
    return {
        "number": sales_return.number,
        "date": sales_return.date.isoformat(),
        "status": sales_return.status,
        "customer": sales_return.customer_id,
        "warehouse": sales_return.warehouse_id,
        "shipment": sales_return.shipment_id,
        "total": str(sales_return.total),
        "lines": [
            [
                ln.shipment_line_id,
                ln.product_id,
                ln.unit_id,
                str(ln.unit_quantity),
                str(ln.price),
                ln.disposition,
                ln.location_id,
                ln.lot_id,
            ]
            for ln in sales_return.lines.all()
        ],
    }


@transaction.atomic
def sales_return_create(*, actor: User, data: SalesReturnData) -> SalesReturn:
    """Save a new draft return with its number (XT + date + sequence) and the amount credited."""
    cleaned = _clean(data, actor=actor)
    sales_return = SalesReturn(
        number=document_number_next(prefix=RETURN_PREFIX, on=timezone.localdate()), created_by=actor
    )
    _save(sales_return, data, cleaned, replace=False)
    audit_record(
        actor=actor, action="sales_return.created", target=sales_return, after=sales_return_state(sales_return)
    )
    return sales_return


def _draft(sales_return: SalesReturn) -> SalesReturn:
    sales_return = SalesReturn.objects.select_for_update(of=("self",)).get(pk=sales_return.pk)
    if sales_return.status != PostingStatus.DRAFT:
        raise DocumentNotDraft(number=sales_return.number, status=sales_return.get_status_display())
    return sales_return


@transaction.atomic
def sales_return_update(*, actor: User, sales_return: SalesReturn, data: SalesReturnData) -> SalesReturn:
    """Change a draft return: header and lines are replaced."""
    sales_return = _draft(sales_return)
    cleaned = _clean(data, actor=actor)
    before = sales_return_state(sales_return)
    _save(sales_return, data, cleaned, replace=True)
    audit_record(
        actor=actor,
        action="sales_return.changed",
        target=sales_return,
        before=before,
        after=sales_return_state(sales_return),
    )
    return sales_return


@transaction.atomic
def sales_return_delete(*, actor: User, sales_return: SalesReturn) -> None:
    """Delete a draft return (its number is not reused)."""
    sales_return = _draft(sales_return)
    audit_record(
        actor=actor, action="sales_return.deleted", target=sales_return, before=sales_return_state(sales_return)
    )
    sales_return.delete()


def _lock_sources(lines: list[SalesReturnLine]) -> dict[int, SalesShipmentLine]:
    """Lock the shipments, then the shipment lines, the lines return (each in primary-key order); a shipment reversed
    since the draft was saved refuses."""
    ids = sorted({ln.shipment_line_id for ln in lines if ln.shipment_line_id})
    if not ids:
        return {}
    shipment_ids = sorted(set(SalesShipmentLine.objects.filter(pk__in=ids).values_list("shipment_id", flat=True)))
    for shipment in SalesShipment.objects.select_for_update(of=("self",)).filter(pk__in=shipment_ids).order_by("pk"):
        if shipment.status != PostingStatus.POSTED:
            raise DocumentNotPosted(NOT_POSTED_MESSAGE, number=shipment.number, status=shipment.get_status_display())
    sources = SalesShipmentLine.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    return {s.pk: s for s in sources.select_related("shipment", "product")}


def _returned_costs(source_ids: list[int]) -> dict[int, Decimal]:
    """Per shipment line, the cost its posted returns brought back so far (their reversals netted out)."""
    rows = (
        SalesReturnLine.objects.filter(shipment_line_id__in=source_ids, sales_return__status__in=COUNTED)
        .values("shipment_line_id")
        .annotate(cost=Sum("cost"))
        .values_list("shipment_line_id", "cost")
    )
    return {pk: Decimal(cost or 0) for pk, cost in rows}


def _take_from_shipments(lines: list[SalesReturnLine], sources: dict[int, SalesShipmentLine]) -> None:
    """Under the locks: no shipment line returns more than it shipped (concurrent returns included), no serial number
    comes back twice, and each line's cost is its share of the shipment line's cost — the last return of a
    shipment line taking exactly the rest of it."""
    if not sources:
        return
    costs = _returned_costs(list(sources))
    returned = returned_serials(set(sources))
    for line in lines:
        source = sources.get(line.shipment_line_id or 0)
        if source is None:
            continue
        left = source.returnable
        if line.quantity > left:
            raise ReturnExceedsShipment(
                product=source.product.name,
                quantity=f"{(line.quantity / line.factor).normalize():f}",
                left=f"{(left / line.factor).normalize():f}",
                shipment=source.shipment.number,
            )
        twice = sorted(set(line.serial_list) & returned[source.pk])
        if twice:
            raise ValidationFailed.one(
                f"lines.{line.position - 1}.serials",
                _("Serial number %(serial)s was returned already.") % {"serial": twice[0]},
            )
        returned[source.pk].update(line.serial_list)
        source.returned_quantity += line.quantity
        if source.returned_quantity == source.quantity:
            line.cost = source.cost - costs.get(source.pk, ZERO)
        else:
            line.cost = round_money(source.cost * line.quantity / source.quantity)
        costs[source.pk] = costs.get(source.pk, ZERO) + line.cost
    SalesShipmentLine.objects.bulk_update(list(sources.values()), ["returned_quantity"])


def _leg(sales_return: SalesReturn, line: SalesReturnLine, *, kind: str, sign: int, value: Decimal | None) -> Leg:
    return Leg(
        product_id=line.product_id,
        warehouse_id=sales_return.warehouse_id,
        location_id=line.location_id,
        quantity=sign * line.quantity,
        unit_quantity=sign * line.unit_quantity,
        unit_id=line.unit_id,
        factor=line.factor,
        kind=kind,
        value=value,
        lot_id=line.lot_id,
        line_id=line.pk,
        serials=tuple(line.serial_list),
        allow_expired=True,
    )


@retrying_atomic
def sales_return_post(*, actor: User, sales_return: SalesReturn) -> SalesReturn:
    """Post a draft: the goods come back at their cost (scrapped ones leave again), the receivable goes down, the
    shipment lines count them as returned. Again: unchanged."""
    sales_return = (
        SalesReturn.objects.select_for_update(of=("self",)).select_related("customer").get(pk=sales_return.pk)
    )
    if sales_return.status != PostingStatus.DRAFT:
        return sales_return  # already posted (or since reversed): idempotent
    lines = list(sales_return.lines.select_related("product"))
    if not lines:
        raise EmptyDocument()
    _take_from_shipments(lines, _lock_sources(lines))
    against = {ln.pk for ln in lines if ln.shipment_line_id}
    legs = [
        _leg(sales_return, ln, kind=MoveKind.SALES_RETURN, sign=1, value=ln.cost if ln.pk in against else None)
        for ln in lines
    ]
    posting = stock_post(
        source=Source(RETURN_SOURCE, sales_return.pk, sales_return.number, "post"),
        day=sales_return.date,
        legs=legs,
        actor=actor,
    )
    back = {
        m.line_id: m.value
        for m in StockMove.objects.filter(posting=posting, kind=MoveKind.SALES_RETURN).only("line_id", "value")
    }
    for line in lines:
        line.cost = back.get(line.pk, ZERO)  # a free line: today's moving-average cost, as the posting valued it
    scrapped = [ln for ln in lines if ln.disposition == Disposition.SCRAP]
    if scrapped:  # a posting of its own: the goods must be in stock before they can leave again
        stock_post(
            source=Source(RETURN_SOURCE, sales_return.pk, sales_return.number, "scrap"),
            day=sales_return.date,
            legs=[_leg(sales_return, ln, kind=MoveKind.ISSUE, sign=-1, value=-ln.cost) for ln in scrapped],
            actor=actor,
        )
    SalesReturnLine.objects.bulk_update(lines, ["cost"])
    if sales_return.total:
        partner_entry_post(
            partner=sales_return.customer,
            account=Account.RECEIVABLE,
            amount=-sales_return.total,
            day=sales_return.date,
            source=EntrySource(RETURN_SOURCE, sales_return.pk, sales_return.number, "post"),
            actor=actor,
            memo=str(_("Sales return")),
        )
    sales_return.cost = sum((ln.cost for ln in lines), ZERO)
    sales_return.status, sales_return.posted_by, sales_return.posted_at = PostingStatus.POSTED, actor, timezone.now()
    sales_return.save(update_fields=["cost", "status", "posted_by", "posted_at"])
    audit_record(
        actor=actor,
        action="sales_return.posted",
        target=sales_return,
        after={
            "status": sales_return.status,
            "total": str(sales_return.total),
            "cost": str(sales_return.cost),
            "scrapped": str(sum((ln.cost for ln in scrapped), ZERO)),
        },
    )
    return sales_return


@retrying_atomic
def sales_return_reverse(*, actor: User, sales_return: SalesReturn, day: date | None = None) -> SalesReturn:
    """红冲: post the exact opposite as a new return (scrapped goods come back, then all goods leave at the value
    they came with), the receivable goes back up, and the shipment lines may be returned against again."""
    sales_return = (
        SalesReturn.objects.select_for_update(of=("self",)).select_related("customer").get(pk=sales_return.pk)
    )
    reversal = SalesReturn.objects.filter(reversal_of=sales_return).first()
    if reversal is not None:
        raise AlreadyReversed(number=sales_return.number, reversal=reversal.number)
    if sales_return.reversal_of_id is not None or sales_return.status != PostingStatus.POSTED:
        status = _("a reversal") if sales_return.reversal_of_id else sales_return.get_status_display()
        raise DocumentNotPosted(number=sales_return.number, status=status)
    day = day or max(timezone.localdate(), sales_return.date)
    check_open(day)
    lines = list(sales_return.lines.all())
    ids = sorted({ln.shipment_line_id for ln in lines if ln.shipment_line_id})
    sources = {
        s.pk: s for s in SalesShipmentLine.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    }
    reversal = row_copy(
        sales_return,
        negate=("amount", "tax", "total", "cost"),
        number=document_number_next(prefix=RETURN_PREFIX, on=timezone.localdate()),
        date=day,
        status=PostingStatus.POSTED,
        notes=str(_("Reversal of %(number)s") % {"number": sales_return.number}),
        reversal_of=sales_return,
        created_by=actor,
        posted_by=actor,
        posted_at=timezone.now(),
    )
    reversal.save()
    negated = ("unit_quantity", "quantity", "amount", "tax", "total", "cost")
    SalesReturnLine.objects.bulk_create([row_copy(line, negate=negated, sales_return=reversal) for line in lines])
    for phase in ("scrap", "post"):  # the scrapped goods come back before all of them leave
        posting = StockPosting.objects.filter(source_type=RETURN_SOURCE, source_id=sales_return.pk, phase=phase).first()
        if posting is not None:
            posting_reverse(
                posting=posting,
                source=Source(RETURN_SOURCE, reversal.pk, reversal.number, f"reverse-{phase}"),
                day=day,
                actor=actor,
            )
    partner_entry_reverse(
        source=EntrySource(RETURN_SOURCE, reversal.pk, reversal.number, "reverse-post"),
        original=EntrySource(RETURN_SOURCE, sales_return.pk, sales_return.number, "post"),
        day=day,
        actor=actor,
    )
    for line in lines:
        if line.shipment_line_id:
            sources[line.shipment_line_id].returned_quantity -= line.quantity
    SalesShipmentLine.objects.bulk_update(list(sources.values()), ["returned_quantity"])
    sales_return.status = PostingStatus.REVERSED
    sales_return.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="sales_return.reversed",
        target=sales_return,
        after={"status": sales_return.status, "reversal": reversal.number},
    )
    return reversal
