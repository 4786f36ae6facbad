"""Purchase receipts (采购入库): goods in against approved orders or without one, with inspection.

Only accepted quantity enters stock and the payable; rejected quantity is recorded for the supplier's quality
score and can be handed back with a return. Stock comes in at the line's amount without tax plus its share of
the freight and other charges (by value or by quantity). Posting is one transaction: stock in, payable up,
order lines received, the supplier's last prices remembered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import Company, User
from jxc.accounts.selectors import include_tax_default
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import (
    Catalog,
    Errors,
    check_charges,
    check_money,
    serials_error,
    step_error,
)
from jxc.core.db import retrying_atomic, row_copy
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import ZERO, round_price
from jxc.core.pricing import allocate, line_totals, price_restated
from jxc.core.sequences import document_number_next
from jxc.inventory.choices import MoveKind
from jxc.inventory.errors import AlreadyReversed, DocumentNotDraft, DocumentNotPosted, EmptyDocument
from jxc.inventory.models import Location, StockPosting
from jxc.inventory.selectors import warehouse_for
from jxc.inventory.services.lots import lot_for_receipt
from jxc.inventory.services.posting import Leg, Source, check_open, stock_post
from jxc.inventory.services.reversal import posting_reverse
from jxc.partners.models import Account, Partner
from jxc.partners.services.ledger import EntrySource, partner_entry_post, partner_entry_reverse
from jxc.purchasing.choices import (
    OPEN_ORDER_STATUSES,
    RECEIPT_PREFIX,
    RECEIPT_SOURCE,
    Allocation,
    PostingStatus,
)
from jxc.purchasing.errors import OrderNotOpen, OverReceipt, ReceiptHasReturns
from jxc.purchasing.models import PurchaseOrder, PurchaseOrderLine, PurchaseReceipt, PurchaseReceiptLine
from jxc.purchasing.selectors.terms import price_recall
from jxc.purchasing.services.orders import (
    order_line_net_price,
    order_progress,
    supplier_for,
    supplier_price_remember,
)

HUNDRED = Decimal(100)


@dataclass
class ReceiptLineData:
    """A received line as entered: what arrived, what inspection accepted and rejected (in the line's unit).

    `accepted_quantity` None accepts everything not rejected. Price, tax and discount default to the order
    line's, or for a line without an order to this supplier's last price.
    """

    product_id: int
    received_quantity: Decimal
    accepted_quantity: Decimal | None = None
    rejected_quantity: Decimal = ZERO
    reject_reason: str = ""
    unit_id: int | None = None
    order_line_id: int | None = None
    price: Decimal | None = None
    tax_rate: Decimal | None = None
    discount_pct: Decimal | None = None
    location_id: int | None = None
    batch_no: str = ""
    production_date: date | None = None
    expiry_date: date | None = None
    serials: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass
class ReceiptData:
    """A receipt as entered; `prices_include_tax` None states prices as its orders do (else the company setting)."""

    supplier_id: int
    warehouse_id: int
    date: date
    prices_include_tax: bool | None = None
    allocation: str = Allocation.VALUE
    freight: Decimal = ZERO
    other_charges: Decimal = ZERO
    supplier_reference: str = ""
    notes: str = ""
    lines: list[ReceiptLineData] = field(default_factory=list)


def tolerance_pct() -> Decimal:
    company = Company.objects.order_by("pk").only("receipt_tolerance_pct").first()
    return company.receipt_tolerance_pct if company is not None else ZERO


def _clean(data: ReceiptData, *, actor: User) -> tuple[Partner, Any, bool, list[PurchaseReceiptLine]]:
    errors: Errors = {}
    supplier = supplier_for(errors, data.supplier_id)
    warehouse = warehouse_for(errors, data.warehouse_id, actor=actor)
    check_charges(errors, freight=data.freight, other_charges=data.other_charges)
    if data.allocation not in Allocation.values:
        errors.setdefault("allocation", []).append(_("Choose by value or by quantity."))
    if not data.lines:
        errors.setdefault("lines", []).append(_("Add at least one line."))
    if errors or supplier is None or warehouse is None:
        raise ValidationFailed(errors)
    order_lines = {
        ln.pk: ln
        for ln in PurchaseOrderLine.objects.filter(
            pk__in={e.order_line_id for e in data.lines if e.order_line_id}
        ).select_related("order", "product")
    }
    include_tax = data.prices_include_tax
    if include_tax is None:  # as the orders state their prices, else the company setting
        include_tax = include_tax_default(next((ln.order.prices_include_tax for ln in order_lines.values()), None))
    locations = {loc.pk: loc for loc in Location.objects.filter(warehouse=warehouse, active=True)}
    default_location = next((loc for loc in locations.values() if loc.is_default), None)
    catalog = Catalog(e.product_id for e in data.lines)
    lines: list[PurchaseReceiptLine] = []
    for i, entry in enumerate(data.lines):
        line = _clean_line(
            errors, f"lines.{i}", entry, supplier, include_tax, catalog, order_lines, locations, default_location
        )
        if line is not None:
            lines.append(line)
    if errors:
        raise ValidationFailed(errors)
    _check_over_receipt(lines, [ln for ln in lines if ln.order_line_id])
    _allocate_charges(lines, data.allocation, data.freight + data.other_charges)
    return supplier, warehouse, include_tax, lines


def _clean_line(
    errors: Errors,
    prefix: str,
    entry: ReceiptLineData,
    supplier: Partner,
    include_tax: bool,
    catalog: Catalog,
    order_lines: dict[int, PurchaseOrderLine],
    locations: dict[int, Location],
    default_location: Location | None,
) -> PurchaseReceiptLine | None:
    def add(key: str, message: Any) -> None:
        errors.setdefault(f"{prefix}.{key}", []).append(message)

    order_line = order_lines.get(entry.order_line_id) if entry.order_line_id else None
    if entry.order_line_id and order_line is None:
        add("order_line_id", _("Unknown order line."))
        return None
    if order_line is not None:
        order = order_line.order
        if order.supplier_id != supplier.pk:
            add("order_line_id", _("Order %(number)s is from another supplier.") % {"number": order.number})
            return None
        if order.status not in OPEN_ORDER_STATUSES:
            raise OrderNotOpen(field=f"{prefix}.order_line_id", number=order.number, status=order.get_status_display())
        if entry.product_id != order_line.product_id:
            add("product_id", _("The product differs from the order line's."))
            return None
    unit_id = entry.unit_id or (order_line.unit_id if order_line else None)
    if order_line is not None and unit_id != order_line.unit_id:
        add("unit_id", _("Receive in the order line's unit."))
        return None
    received = catalog.resolve(
        errors,
        prefix,
        product_id=entry.product_id,
        unit_id=unit_id,
        quantity=entry.received_quantity,
        must_be_active=order_line is None,
    )
    if received is None:
        return None
    product, factor = received.product, received.factor
    rejected = entry.rejected_quantity or ZERO
    accepted = entry.accepted_quantity if entry.accepted_quantity is not None else entry.received_quantity - rejected
    if rejected < 0:
        add("rejected_quantity", _("The quantity cannot be negative."))
        return None
    if rejected > entry.received_quantity:
        add("rejected_quantity", _("You cannot reject more than was received."))
        return None
    if accepted < 0 or accepted + rejected != entry.received_quantity:
        add("accepted_quantity", _("Accepted and rejected must add up to the quantity received."))
        return None
    for name, quantity in (("accepted_quantity", accepted), ("rejected_quantity", rejected)):
        message = step_error(product, quantity, factor)
        if message:
            add(name, message)
            return None
    if rejected > 0 and not (entry.reject_reason or "").strip():
        add("reject_reason", _("Say why goods were rejected."))
        return None
    price: Decimal | None
    if order_line is not None:
        tax_rate = entry.tax_rate if entry.tax_rate is not None else order_line.tax_rate
        discount = entry.discount_pct if entry.discount_pct is not None else order_line.discount_pct
        price = (
            entry.price
            if entry.price is not None
            else price_restated(
                price=order_line.price,
                tax_rate=order_line.tax_rate,
                from_include=order_line.order.prices_include_tax,
                to_include=include_tax,
            )
        )
    else:
        tax_rate = entry.tax_rate if entry.tax_rate is not None else product.tax_rate
        discount = entry.discount_pct if entry.discount_pct is not None else ZERO
        price = entry.price
        if price is None:
            price, _source = price_recall(
                supplier_id=supplier.pk, product=product, factor=factor, tax_rate=tax_rate, include_tax=include_tax
            )
    if not check_money(errors, prefix, price=price, tax_rate=tax_rate, discount_pct=discount):
        return None
    location = locations.get(entry.location_id) if entry.location_id else default_location
    if location is None:
        add("location_id", _("Choose an active location of the receiving warehouse."))
        return None
    base = accepted * factor
    serials = [s.strip() for s in entry.serials if s.strip()]
    if product.track_serials and serials_error(base, serials):
        add("serials", serials_error(base, serials))
        return None
    batch_no = (entry.batch_no or "").strip()
    if product.track_lots and base > 0 and not batch_no:
        add("batch_no", _("%(product)s is tracked by lot: give the batch number.") % {"product": product.name})
        return None
    totals = line_totals(
        price=price, quantity=accepted, tax_rate=tax_rate, discount_pct=discount, include_tax=include_tax
    )
    return PurchaseReceiptLine(
        order_line=order_line,
        product=product,
        unit_id=received.unit_id,
        factor=factor,
        received_quantity=entry.received_quantity,
        accepted_quantity=accepted,
        rejected_quantity=rejected,
        quantity=base,
        rejected_base=rejected * factor,
        reject_reason=(entry.reject_reason or "").strip()[:200] if rejected else "",
        price=price,
        tax_rate=tax_rate,
        discount_pct=discount,
        amount=totals.amount,
        tax=totals.tax,
        total=totals.total,
        location=location,
        batch_no=batch_no if product.track_lots else "",
        production_date=entry.production_date if product.track_lots else None,
        expiry_date=entry.expiry_date if product.track_lots else None,
        serials="\n".join(serials) if product.track_serials else "",
        notes=(entry.notes or "").strip()[:200],
    )


def _check_over_receipt(lines: list[PurchaseReceiptLine], against_orders: list[PurchaseReceiptLine]) -> None:
    """Accepted so far + now ≤ ordered × (1 + tolerance) per order line, every line named in one error."""
    if not against_orders:
        return
    tolerance = tolerance_pct()
    now: dict[int, Decimal] = {}
    for line in against_orders:
        assert line.order_line_id is not None
        now[line.order_line_id] = now.get(line.order_line_id, ZERO) + line.quantity
    for line in against_orders:
        order_line = line.order_line
        assert order_line is not None
        limit = order_line.quantity * (HUNDRED + tolerance) / HUNDRED
        total = order_line.received_quantity + now[order_line.pk]
        if total > limit:
            index = lines.index(line)
            raise OverReceipt(
                field=f"lines.{index}.accepted_quantity",
                product=order_line.product.name,
                accepted=f"{(now[order_line.pk] / order_line.factor).normalize():f}",
                ordered=f"{order_line.unit_quantity.normalize():f}",
                received=f"{(order_line.received_quantity / order_line.factor).normalize():f}",
                tolerance=f"{tolerance.normalize():f}",
            )


def _allocate_charges(lines: list[PurchaseReceiptLine], allocation: str, charges: Decimal) -> None:
    """Spread freight and other charges over the accepted lines; stock value = amount + share."""
    taking = [ln for ln in lines if ln.quantity > 0]
    if charges and not taking:
        raise ValidationFailed.one("freight", _("Charges need at least one accepted line to be carried by."))
    weights = [ln.amount if allocation == Allocation.VALUE else ln.quantity for ln in taking]
    for line, share in zip(taking, allocate(charges, weights), strict=True):
        line.charges = share
    for line in lines:
        line.cost = line.amount + line.charges if line.quantity > 0 else ZERO


def _save(receipt: PurchaseReceipt, data: ReceiptData, lines: list[PurchaseReceiptLine], *, replace: bool) -> None:
    receipt.allocation = data.allocation
    receipt.freight, receipt.other_charges = data.freight, data.other_charges
    receipt.supplier_reference = data.supplier_reference.strip()[:60]
    receipt.notes = data.notes.strip()
    receipt.amount = sum((ln.amount for ln in lines), ZERO)
    receipt.tax = sum((ln.tax for ln in lines), ZERO)
    receipt.total = receipt.amount + receipt.tax + receipt.freight + receipt.other_charges
    receipt.save()
    if replace:
        receipt.lines.all().delete()
    for position, line in enumerate(lines, start=1):
        line.receipt, line.position = receipt, position
    PurchaseReceiptLine.objects.bulk_create(lines)


def receipt_state(receipt: PurchaseReceipt) -> dict[str, Any]:
    """The receipt as recorded in the audit log."""
    return {
        "number": receipt.number,
        "date": receipt.date.isoformat(),
        "status": receipt.status,
        "supplier": receipt.supplier_id,
        "warehouse": receipt.warehouse_id,
        "total": str(receipt.total),
        "lines": [
            [
                ln.order_line_id,
                ln.product_id,
                ln.unit_id,
                str(ln.received_quantity),
                str(ln.accepted_quantity),
                str(ln.rejected_quantity),
                str(ln.price),
                str(ln.cost),
            ]
            for ln in receipt.lines.all()
        ],
    }


@transaction.atomic
def purchase_receipt_create(*, actor: User, data: ReceiptData) -> PurchaseReceipt:
    """Save a new draft receipt with its number (RK + date + sequence), totals and allocated charges."""
    supplier, warehouse, include_tax, lines = _clean(data, actor=actor)
    receipt = PurchaseReceipt(
        number=document_number_next(prefix=RECEIPT_PREFIX, on=timezone.localdate()),
        date=data.date,
        supplier=supplier,
        warehouse=warehouse,
        prices_include_tax=include_tax,
        created_by=actor,
    )
    _save(receipt, data, lines, replace=False)
    audit_record(actor=actor, action="purchase_receipt.created", target=receipt, after=receipt_state(receipt))
    return receipt


@transaction.atomic
def purchase_receipt_update(*, actor: User, receipt: PurchaseReceipt, data: ReceiptData) -> PurchaseReceipt:
    """Change a draft receipt: header and lines are replaced."""
    receipt = PurchaseReceipt.objects.select_for_update(of=("self",)).get(pk=receipt.pk)
    if receipt.status != PostingStatus.DRAFT:
        raise DocumentNotDraft(number=receipt.number, status=receipt.get_status_display())
    supplier, warehouse, include_tax, lines = _clean(data, actor=actor)
    before = receipt_state(receipt)
    receipt.date, receipt.supplier, receipt.warehouse = data.date, supplier, warehouse
    receipt.prices_include_tax = include_tax
    _save(receipt, data, lines, replace=True)
    audit_record(
        actor=actor, action="purchase_receipt.changed", target=receipt, before=before, after=receipt_state(receipt)
    )
    return receipt


@transaction.atomic
def purchase_receipt_delete(*, actor: User, receipt: PurchaseReceipt) -> None:
    """Delete a draft receipt (its number is not reused)."""
    receipt = PurchaseReceipt.objects.select_for_update(of=("self",)).get(pk=receipt.pk)
    if receipt.status != PostingStatus.DRAFT:
        raise DocumentNotDraft(number=receipt.number, status=receipt.get_status_display())
    state = receipt_state(receipt)
    audit_record(actor=actor, action="purchase_receipt.deleted", target=receipt, before=state)
    receipt.delete()


def _lock_orders(receipt: PurchaseReceipt) -> tuple[list[PurchaseOrder], dict[int, PurchaseOrderLine]]:
    """Lock the orders, then their lines, that the receipt's lines come from (each in primary-key order)."""
    line_ids = sorted({ln.order_line_id for ln in receipt.lines.all() if ln.order_line_id})
    if not line_ids:
        return [], {}
    order_ids = sorted(set(PurchaseOrderLine.objects.filter(pk__in=line_ids).values_list("order_id", flat=True)))
    orders = list(PurchaseOrder.objects.select_for_update(of=("self",)).filter(pk__in=order_ids).order_by("pk"))
    lines = PurchaseOrderLine.objects.select_for_update(of=("self",)).filter(pk__in=line_ids).order_by("pk")
    return orders, {ln.pk: ln for ln in lines.select_related("product")}


def _legs(receipt: PurchaseReceipt, lines: list[PurchaseReceiptLine]) -> list[Leg]:
    legs = []
    for line in lines:
        if line.quantity <= 0:
            continue
        if line.product.track_lots:
            lot = lot_for_receipt(
                product=line.product,
                batch_no=line.batch_no,
                production_date=line.production_date,
                expiry_date=line.expiry_date,
            )
            if line.lot_id != lot.pk:
                line.lot = lot
                line.save(update_fields=["lot"])
        legs.append(
            Leg(
                product_id=line.product_id,
                warehouse_id=receipt.warehouse_id,
                location_id=line.location_id,
                quantity=line.quantity,
                unit_quantity=line.accepted_quantity,
                unit_id=line.unit_id,
                factor=line.factor,
                kind=MoveKind.PURCHASE_RECEIPT,
                value=line.cost,
                unit_price=round_price(line.cost / line.quantity),
                lot_id=line.lot_id,
                line_id=line.pk,
                serials=tuple(line.serial_list),
            )
        )
    return legs


@retrying_atomic
def purchase_receipt_post(*, actor: User, receipt: PurchaseReceipt) -> PurchaseReceipt:
    """Post a draft: accepted goods into stock at landed cost, payable up, orders received. Again: unchanged."""
    receipt = PurchaseReceipt.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=receipt.pk)
    if receipt.status != PostingStatus.DRAFT:
        return receipt  # already posted (or since reversed): idempotent
    orders, order_lines = _lock_orders(receipt)
    lines = list(receipt.lines.select_related("product"))
    if not lines:
        raise EmptyDocument()
    for order in orders:
        if order.status not in OPEN_ORDER_STATUSES:
            raise OrderNotOpen(number=order.number, status=order.get_status_display())
    for line in lines:  # the locked order lines, with what was received up to now
        if line.order_line_id:
            line.order_line = order_lines[line.order_line_id]
    _check_over_receipt(lines, [ln for ln in lines if ln.order_line_id])
    stock_post(
        source=Source(RECEIPT_SOURCE, receipt.pk, receipt.number, "post"),
        day=receipt.date,
        legs=_legs(receipt, lines),
        actor=actor,
    )
    if receipt.total:
        partner_entry_post(
            partner=receipt.supplier,
            account=Account.PAYABLE,
            amount=receipt.total,
            day=receipt.date,
            source=EntrySource(RECEIPT_SOURCE, receipt.pk, receipt.number, "post"),
            actor=actor,
            memo=str(_("Purchase receipt")),
        )
    _receive_on_orders(lines, orders, sign=1)
    for line in lines:
        if line.quantity > 0:
            supplier_price_remember(
                supplier_id=receipt.supplier_id,
                product_id=line.product_id,
                price=order_line_net_price(line),
                day=receipt.date,
            )
    receipt.status, receipt.posted_by, receipt.posted_at = PostingStatus.POSTED, actor, timezone.now()
    receipt.save(update_fields=["status", "posted_by", "posted_at"])
    audit_record(
        actor=actor,
        action="purchase_receipt.posted",
        target=receipt,
        after={"status": receipt.status, "total": str(receipt.total)},
    )
    return receipt


def _receive_on_orders(lines: list[PurchaseReceiptLine], orders: list[PurchaseOrder], *, sign: int) -> None:
    """Add (or, for a reversal, take back) accepted and rejected base quantities on the locked order lines."""
    touched: dict[int, PurchaseOrderLine] = {}
    for line in lines:
        order_line = line.order_line
        if order_line is None:
            continue
        order_line.received_quantity += sign * abs(line.quantity)
        order_line.rejected_quantity += sign * abs(line.rejected_base)
        touched[order_line.pk] = order_line
    PurchaseOrderLine.objects.bulk_update(list(touched.values()), ["received_quantity", "rejected_quantity"])
    for order in orders:
        order_progress(order)


@retrying_atomic
def purchase_receipt_reverse(*, actor: User, receipt: PurchaseReceipt, day: date | None = None) -> PurchaseReceipt:
    """红冲: post the exact opposite (stock out at the value it came in with, payable down, orders back)."""
    receipt = PurchaseReceipt.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=receipt.pk)
    reversal = PurchaseReceipt.objects.filter(reversal_of=receipt).first()
    if reversal is not None:
        raise AlreadyReversed(number=receipt.number, reversal=reversal.number)
    if receipt.reversal_of_id is not None or receipt.status != PostingStatus.POSTED:
        status = _("a reversal") if receipt.reversal_of_id else receipt.get_status_display()
        raise DocumentNotPosted(number=receipt.number, status=status)
    returns = sorted(
        receipt.returns.filter(
            status__in=[PostingStatus.DRAFT, PostingStatus.POSTED], reversal_of__isnull=True
        ).values_list("number", flat=True)
    )
    if returns:
        raise ReceiptHasReturns(number=receipt.number, returns=", ".join(returns))
    day = day or max(timezone.localdate(), receipt.date)
    check_open(day)
    orders, order_lines = _lock_orders(receipt)
    reversal = PurchaseReceipt.objects.create(
        number=document_number_next(prefix=RECEIPT_PREFIX, on=timezone.localdate()),
        date=day,
        supplier=receipt.supplier,
        warehouse=receipt.warehouse,
        status=PostingStatus.POSTED,
        prices_include_tax=receipt.prices_include_tax,
        allocation=receipt.allocation,
        freight=-receipt.freight,
        other_charges=-receipt.other_charges,
        amount=-receipt.amount,
        tax=-receipt.tax,
        total=-receipt.total,
        supplier_reference=receipt.supplier_reference,
        notes=str(_("Reversal of %(number)s") % {"number": receipt.number}),
        reversal_of=receipt,
        created_by=actor,
        posted_by=actor,
        posted_at=timezone.now(),
    )
    lines = list(receipt.lines.all())
    negated = (
        "received_quantity",
        "accepted_quantity",
        "rejected_quantity",
        "quantity",
        "rejected_base",
        "amount",
        "tax",
        "total",
        "charges",
        "cost",
    )
    copies = [row_copy(line, negate=negated, receipt=reversal) for line in lines]
    PurchaseReceiptLine.objects.bulk_create(copies)
    posting = StockPosting.objects.filter(source_type=RECEIPT_SOURCE, source_id=receipt.pk, phase="post").first()
    if posting is not None:
        posting_reverse(
            posting=posting,
            source=Source(RECEIPT_SOURCE, reversal.pk, reversal.number, "reverse-post"),
            day=day,
            actor=actor,
        )
    partner_entry_reverse(
        source=EntrySource(RECEIPT_SOURCE, reversal.pk, reversal.number, "reverse-post"),
        original=EntrySource(RECEIPT_SOURCE, receipt.pk, receipt.number, "post"),
        day=day,
        actor=actor,
    )
    for line in lines:
        if line.order_line_id:
            line.order_line = order_lines[line.order_line_id]
    _receive_on_orders(lines, orders, sign=-1)
    receipt.status = PostingStatus.REVERSED
    receipt.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="purchase_receipt.reversed",
        target=receipt,
        after={"status": receipt.status, "reversal": reversal.number},
    )
    return reversal
