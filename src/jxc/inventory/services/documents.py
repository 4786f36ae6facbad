"""Other receipts (其他入库, incl. 期初 opening stock), other issues (其他出库) and transfers (调拨).

A document is saved as a draft with its number, posted through the ledger (`stock_post`), and never changed
after that: a reversal (红冲) posts the exact opposite as a new document linked to the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record
from jxc.catalog.models import Product, ProductUnit
from jxc.core.db import retrying_atomic, row_copy
from jxc.core.errors import NotFound, RecordInactive, ValidationFailed
from jxc.core.numbers import is_exact, round_money
from jxc.core.sequences import document_number_next
from jxc.inventory.choices import (
    DOCUMENT_PREFIX,
    DocumentKind,
    DocumentStatus,
    IssueReason,
    MoveKind,
    ReceiptReason,
)
from jxc.inventory.errors import (
    AlreadyReversed,
    DocumentNotDraft,
    DocumentNotPosted,
    EmptyDocument,
    LotRequired,
    SameLocation,
)
from jxc.inventory.models import Location, Lot, StockDocument, StockDocumentLine, StockPosting, Warehouse
from jxc.inventory.selectors import lot_suggestions, warehouses_of
from jxc.inventory.services.lots import lot_for_receipt, transit_location
from jxc.inventory.services.posting import Leg, Source, check_open, stock_post
from jxc.inventory.services.reversal import posting_reverse

SOURCE_TYPE = "inventory.stockdocument"


@dataclass
class LineData:
    """A document line as entered: a quantity in one of the product's units."""

    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    unit_cost: Decimal | None = None
    amount: Decimal | None = None
    location_id: int | None = None
    to_location_id: int | None = None
    lot_id: int | None = None
    batch_no: str = ""
    production_date: date | None = None
    expiry_date: date | None = None
    serials: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass
class DocumentData:
    """A document as entered."""

    kind: str
    date: date
    warehouse_id: int
    to_warehouse_id: int | None = None
    reason: str = ""
    notes: str = ""
    lines: list[LineData] = field(default_factory=list)


def _clean(data: DocumentData, *, actor: User) -> tuple[Warehouse, Warehouse | None, list[StockDocumentLine]]:
    """Check the header and every line; return the warehouses and unsaved lines (with base quantities)."""
    errors: dict[str, list[str | Promise]] = {}
    if data.kind not in DocumentKind.values:
        errors["kind"] = [_("Choose receipt, issue or transfer.")]
        raise ValidationFailed(errors)
    visible = warehouses_of(user=actor)
    warehouse = visible.filter(pk=data.warehouse_id).first()
    if warehouse is None:
        raise ValidationFailed.one("warehouse_id", _("Choose a warehouse you may use."))
    if not warehouse.active:
        raise RecordInactive(field="warehouse_id", label=_("Warehouse"), value=warehouse.name)
    to_warehouse = None
    if data.kind == DocumentKind.TRANSFER:
        to_id = data.to_warehouse_id or warehouse.pk
        to_warehouse = visible.filter(pk=to_id).first()
        if to_warehouse is None:
            raise ValidationFailed.one("to_warehouse_id", _("Choose a warehouse you may use."))
        if not to_warehouse.active:
            raise RecordInactive(field="to_warehouse_id", label=_("Warehouse"), value=to_warehouse.name)
    reasons = {DocumentKind.RECEIPT: ReceiptReason.values, DocumentKind.ISSUE: IssueReason.values}.get(data.kind)  # type: ignore[call-overload]
    if reasons is not None and data.reason not in reasons:
        errors["reason"] = [_("Choose a reason.")]
    if not data.lines:
        errors["lines"] = [_("Add at least one line.")]
    if errors:
        raise ValidationFailed(errors)
    products = {
        p.pk: p for p in Product.objects.filter(pk__in={ln.product_id for ln in data.lines}).select_related("base_unit")
    }
    factors = {
        (pu.product_id, pu.unit_id): pu.factor
        for pu in ProductUnit.objects.filter(product_id__in=products).select_related("unit")
    }
    locations = {loc.pk: loc for loc in Location.objects.filter(warehouse__in=[warehouse, to_warehouse or warehouse])}
    default = {
        w.pk: next((loc for loc in locations.values() if loc.warehouse_id == w.pk and loc.is_default), None)
        for w in (warehouse, to_warehouse or warehouse)
    }
    lines: list[StockDocumentLine] = []
    for i, entry in enumerate(data.lines):
        lines.extend(
            _clean_line(i, entry, data, warehouse, to_warehouse, products, factors, locations, default, errors)
        )
    if errors:
        raise ValidationFailed(errors)
    return warehouse, to_warehouse, lines


def _clean_line(
    i: int,
    entry: LineData,
    data: DocumentData,
    warehouse: Warehouse,
    to_warehouse: Warehouse | None,
    products: dict[int, Product],
    factors: dict[tuple[int, int], Decimal],
    locations: dict[int, Location],
    default: dict[int, Location | None],
    errors: dict[str, list[str | Promise]],
) -> list[StockDocumentLine]:
    def add(key: str, message: str | Promise) -> None:
        errors.setdefault(f"lines.{i}.{key}", []).append(message)

    product = products.get(entry.product_id)
    if product is None:
        add("product_id", _("Unknown product."))
        return []
    if not product.active:
        add("product_id", _("%(name)s is deactivated.") % {"name": product.name})
        return []
    unit_id = entry.unit_id or product.base_unit_id
    factor = Decimal(1) if unit_id == product.base_unit_id else factors.get((product.pk, unit_id))
    if factor is None:
        add("unit_id", _("%(product)s has no such unit.") % {"product": product.name})
        return []
    if entry.quantity is None or entry.quantity <= 0:
        add("quantity", _("The quantity must be greater than zero."))
        return []
    base = entry.quantity * factor
    if not is_exact(base, product.base_unit.decimals) or not is_exact(entry.quantity, 6):
        add(
            "quantity",
            _("%(unit)s is counted in steps of %(step)s.")
            % {"unit": product.base_unit.name, "step": Decimal(1).scaleb(-product.base_unit.decimals)},
        )
        return []
    location = locations.get(entry.location_id) if entry.location_id else default[warehouse.pk]
    if location is None or location.warehouse_id != warehouse.pk or not location.active:
        add("location_id", _("Choose an active location of %(warehouse)s.") % {"warehouse": warehouse.name})
        return []
    line = StockDocumentLine(
        product=product,
        unit_id=unit_id,
        unit_quantity=entry.quantity,
        factor=factor,
        quantity=base,
        location=location,
        notes=(entry.notes or "")[:200],
        serials="\n".join(s.strip() for s in entry.serials if s.strip()),
    )
    if data.kind == DocumentKind.RECEIPT:
        if (entry.unit_cost is not None and entry.unit_cost < 0) or (entry.amount is not None and entry.amount < 0):
            add("unit_cost", _("A cost cannot be negative."))
            return []
        line.unit_cost = entry.unit_cost if entry.unit_cost is not None else product.purchase_price
        line.amount = (
            round_money(entry.amount) if entry.amount is not None else round_money(line.unit_cost * entry.quantity)
        )
        if product.track_lots:
            if not (entry.batch_no or "").strip():
                add("batch_no", _("%(product)s is tracked by lot: give the batch number.") % {"product": product.name})
                return []
            line.batch_no = entry.batch_no.strip()
            line.production_date, line.expiry_date = entry.production_date, entry.expiry_date
    if data.kind == DocumentKind.TRANSFER:
        target = to_warehouse or warehouse
        to_location = locations.get(entry.to_location_id) if entry.to_location_id else default[target.pk]
        if to_location is None or to_location.warehouse_id != target.pk or not to_location.active:
            add("to_location_id", _("Choose an active location of %(warehouse)s.") % {"warehouse": target.name})
            return []
        if to_location.pk == location.pk:
            raise SameLocation(field=f"lines.{i}.to_location_id")
        line.to_location = to_location
    if product.track_serials:
        serials = line.serials.split()
        if base != base.to_integral_value() or len(serials) != base or len(set(serials)) != len(serials):
            add("serials", _("Give one different serial number per unit: %(n)s needed.") % {"n": base.normalize()})
            return []
    if data.kind != DocumentKind.RECEIPT and product.track_lots:
        return _with_lots(i, entry, line, product, location, base, errors, data.date)
    return [line]


def _with_lots(
    i: int,
    entry: LineData,
    line: StockDocumentLine,
    product: Product,
    location: Location,
    base: Decimal,
    errors: dict[str, list[str | Promise]],
    day: date,
) -> list[StockDocumentLine]:
    """A lot-tracked line going out: the chosen lot, or first-expiry-first-out lots (split into several lines)."""
    if entry.lot_id:
        lot = Lot.objects.filter(pk=entry.lot_id, product=product).first()
        if lot is None:
            errors.setdefault(f"lines.{i}.lot_id", []).append(_("Unknown batch."))
            return []
        line.lot = lot
        return [line]
    picks = lot_suggestions(product=product, location=location, quantity=base, on=day)
    if not picks or sum(q for _lot, q in picks) < base:
        raise LotRequired(field=f"lines.{i}.lot_id", product=product.name)
    lines = []
    for lot, quantity in picks:
        unit_quantity = (quantity / line.factor).quantize(Decimal("0.000001"))
        lines.append(row_copy(line, lot=lot, quantity=quantity, unit_quantity=unit_quantity))
    return lines


def _save_lines(document: StockDocument, lines: list[StockDocumentLine], *, replace: bool = False) -> None:
    if replace:
        document.lines.all().delete()
    for position, line in enumerate(lines, start=1):
        line.document = document
        line.position = position
    StockDocumentLine.objects.bulk_create(lines)


def _state(document: StockDocument) -> dict[str, Any]:
    return {
        "number": document.number,
        "kind": document.kind,
        "date": document.date.isoformat(),
        "status": document.status,
        "warehouse": document.warehouse_id,
        "to_warehouse": document.to_warehouse_id,
        "reason": document.reason,
        "lines": [
            [
                ln.product_id,
                ln.unit_id,
                str(ln.unit_quantity),
                str(ln.quantity),
                str(ln.amount or ""),
                ln.location_id,
                ln.to_location_id,
                ln.lot_id or ln.batch_no,
                ln.serials,
            ]
            for ln in document.lines.all()
        ],
    }


@transaction.atomic
def stock_document_create(*, actor: User, data: DocumentData) -> StockDocument:
    """Save a new draft with its number (QR/QC/DB + date + sequence)."""
    warehouse, to_warehouse, lines = _clean(data, actor=actor)
    document = StockDocument.objects.create(
        kind=data.kind,
        number=document_number_next(prefix=DOCUMENT_PREFIX[DocumentKind(data.kind)], on=timezone.localdate()),
        date=data.date,
        warehouse=warehouse,
        to_warehouse=to_warehouse,
        reason=data.reason if data.kind != DocumentKind.TRANSFER else "",
        notes=data.notes.strip(),
        created_by=actor,
    )
    _save_lines(document, lines)
    audit_record(actor=actor, action="stock_document.created", target=document, after=_state(document))
    return document


@transaction.atomic
def stock_document_update(*, actor: User, document: StockDocument, data: DocumentData) -> StockDocument:
    """Change a draft: header and lines are replaced."""
    document = StockDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if document.status != DocumentStatus.DRAFT:
        raise DocumentNotDraft(number=document.number, status=document.get_status_display())
    data.kind = document.kind
    warehouse, to_warehouse, lines = _clean(data, actor=actor)
    before = _state(document)
    document.date, document.warehouse, document.to_warehouse = data.date, warehouse, to_warehouse
    document.reason = data.reason if document.kind != DocumentKind.TRANSFER else ""
    document.notes = data.notes.strip()
    document.save(update_fields=["date", "warehouse", "to_warehouse", "reason", "notes"])
    _save_lines(document, lines, replace=True)
    audit_record(actor=actor, action="stock_document.changed", target=document, before=before, after=_state(document))
    return document


def _legs(document: StockDocument, actor: User) -> tuple[list[Leg], str]:
    """The legs of a draft's first posting step, and the status the document gets."""
    allow_expired = actor.has_perm("inventory.issue_expired_lot")
    legs: list[Leg] = []
    lines = list(document.lines.select_related("product"))
    if not lines:
        raise EmptyDocument()
    for line in lines:
        common: dict[str, Any] = {
            "product_id": line.product_id,
            "unit_id": line.unit_id,
            "factor": line.factor,
            "line_id": line.pk,
            "serials": tuple(line.serial_list),
        }
        if document.kind == DocumentKind.RECEIPT:
            lot = None
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
            kind = MoveKind.OPENING if document.reason == ReceiptReason.OPENING else MoveKind.RECEIPT
            legs.append(
                Leg(
                    warehouse_id=document.warehouse_id,
                    location_id=line.location_id,
                    quantity=line.quantity,
                    unit_quantity=line.unit_quantity,
                    kind=kind,
                    value=line.amount,
                    unit_price=line.unit_cost,
                    lot_id=getattr(lot, "pk", None),
                    **common,
                )
            )
        elif document.kind == DocumentKind.ISSUE:
            legs.append(
                Leg(
                    warehouse_id=document.warehouse_id,
                    location_id=line.location_id,
                    quantity=-line.quantity,
                    unit_quantity=-line.unit_quantity,
                    kind=MoveKind.ISSUE,
                    lot_id=line.lot_id,
                    allow_expired=allow_expired,
                    **common,
                )
            )
        else:
            if document.is_two_step:
                transit = transit_location()
                target_warehouse, target_location = transit.warehouse_id, transit.pk
            else:
                assert line.to_location_id is not None
                target_warehouse, target_location = (
                    document.to_warehouse_id or document.warehouse_id,
                    line.to_location_id,
                )
            legs.append(
                Leg(
                    warehouse_id=document.warehouse_id,
                    location_id=line.location_id,
                    quantity=-line.quantity,
                    unit_quantity=-line.unit_quantity,
                    kind=MoveKind.TRANSFER_OUT,
                    lot_id=line.lot_id,
                    allow_expired=True,
                    **common,
                )
            )
            legs.append(
                Leg(
                    warehouse_id=target_warehouse,
                    location_id=target_location,
                    quantity=line.quantity,
                    unit_quantity=line.unit_quantity,
                    kind=MoveKind.TRANSFER_IN,
                    lot_id=line.lot_id,
                    pair=len(legs) - 1,
                    **common,
                )
            )
    status = DocumentStatus.IN_TRANSIT if document.is_two_step else DocumentStatus.POSTED
    return legs, status


@retrying_atomic
def stock_document_post(*, actor: User, document: StockDocument) -> StockDocument:
    """Post a draft (a two-step transfer: ship it into transit). Posting it again returns it unchanged."""
    document = StockDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if document.status != DocumentStatus.DRAFT:
        if StockPosting.objects.filter(source_type=SOURCE_TYPE, source_id=document.pk, phase="post").exists():
            return document  # already posted: idempotent
        raise DocumentNotDraft(number=document.number, status=document.get_status_display())
    legs, status = _legs(document, actor)
    stock_post(
        source=Source(SOURCE_TYPE, document.pk, document.number, "post"), day=document.date, legs=legs, actor=actor
    )
    document.status = status
    document.posted_by, document.posted_at = actor, timezone.now()
    document.save(update_fields=["status", "posted_by", "posted_at"])
    audit_record(actor=actor, action="stock_document.posted", target=document, after={"status": status})
    return document


@retrying_atomic
def stock_transfer_receive(*, actor: User, document: StockDocument, day: date | None = None) -> StockDocument:
    """The second step of a transfer between warehouses: goods leave transit and arrive at their locations."""
    document = StockDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if document.status == DocumentStatus.POSTED and document.is_two_step:
        return document  # already received: idempotent
    if document.status != DocumentStatus.IN_TRANSIT:
        raise DocumentNotPosted(number=document.number, status=document.get_status_display())
    if document.to_warehouse_id not in set(warehouses_of(user=actor).values_list("pk", flat=True)):
        raise NotFound()
    day = day or max(timezone.localdate(), document.date)
    shipped = StockPosting.objects.get(source_type=SOURCE_TYPE, source_id=document.pk, phase="post")
    transit_in = {m.line_id: m for m in shipped.moves.filter(kind=MoveKind.TRANSFER_IN)}
    transit = transit_location()
    legs: list[Leg] = []
    for line in document.lines.all():
        shipped_move = transit_in[line.pk]
        common: dict[str, Any] = {
            "product_id": line.product_id,
            "unit_id": line.unit_id,
            "factor": line.factor,
            "line_id": line.pk,
            "serials": tuple(line.serial_list),
            "lot_id": line.lot_id,
        }
        legs.append(
            Leg(
                warehouse_id=transit.warehouse_id,
                location_id=transit.pk,
                quantity=-line.quantity,
                unit_quantity=-line.unit_quantity,
                kind=MoveKind.TRANSFER_OUT,
                value=-shipped_move.value,
                allow_expired=True,
                **common,
            )
        )
        legs.append(
            Leg(
                warehouse_id=document.to_warehouse_id,
                location_id=line.to_location_id,  # type: ignore[arg-type]
                quantity=line.quantity,
                unit_quantity=line.unit_quantity,
                kind=MoveKind.TRANSFER_IN,
                pair=len(legs) - 1,
                **common,
            )
        )
    stock_post(source=Source(SOURCE_TYPE, document.pk, document.number, "receive"), day=day, legs=legs, actor=actor)
    document.status = DocumentStatus.POSTED
    document.received_by, document.received_at = actor, timezone.now()
    document.save(update_fields=["status", "received_by", "received_at"])
    audit_record(actor=actor, action="stock_document.received", target=document, after={"status": document.status})
    return document


@retrying_atomic
def stock_document_reverse(*, actor: User, document: StockDocument, day: date | None = None) -> StockDocument:
    """红冲: post the exact opposite of every posting of the document as a new document linked to it."""
    document = StockDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    reversal = StockDocument.objects.filter(reversal_of=document).first()
    if reversal is not None:
        raise AlreadyReversed(number=document.number, reversal=reversal.number)
    if document.reversal_of_id is not None:
        raise DocumentNotPosted(number=document.number, status=_("a reversal"))
    if document.status not in {DocumentStatus.POSTED, DocumentStatus.IN_TRANSIT}:
        raise DocumentNotPosted(number=document.number, status=document.get_status_display())
    day = day or max(timezone.localdate(), document.date)
    check_open(day)
    reversal = StockDocument.objects.create(
        kind=document.kind,
        number=document_number_next(prefix=DOCUMENT_PREFIX[DocumentKind(document.kind)], on=timezone.localdate()),
        date=day,
        status=DocumentStatus.POSTED,
        reason=document.reason,
        warehouse=document.warehouse,
        to_warehouse=document.to_warehouse,
        notes=str(_("Reversal of %(number)s") % {"number": document.number}),
        reversal_of=document,
        created_by=actor,
        posted_by=actor,
        posted_at=timezone.now(),
    )
    copies = [row_copy(line, negate=("unit_quantity", "quantity", "amount")) for line in document.lines.all()]
    _save_lines(reversal, copies)
    postings = StockPosting.objects.filter(source_type=SOURCE_TYPE, source_id=document.pk).order_by("-pk")
    for posting in postings:
        posting_reverse(
            posting=posting,
            source=Source(SOURCE_TYPE, reversal.pk, reversal.number, f"reverse-{posting.phase}"),
            day=day,
            actor=actor,
        )
    document.status = DocumentStatus.REVERSED
    document.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="stock_document.reversed",
        target=document,
        after={"status": document.status, "reversal": reversal.number},
    )
    return reversal
