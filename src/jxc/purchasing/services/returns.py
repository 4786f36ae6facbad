"""Purchase returns (采购退货): goods sent back to a supplier, against a receipt or free.

Accepted goods leave stock at their receipt cost (never more than the stock's value, DESIGN §5) and lower the
payable by the credited amount. Goods rejected at inspection never entered stock nor the payable: returning
them records that they went back, and nothing else moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.selectors import include_tax_default
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Catalog, Errors, check_money, serials_error
from jxc.core.db import retrying_atomic, row_copy
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import ZERO, round_money, round_price
from jxc.core.pricing import line_totals
from jxc.core.sequences import document_number_next
from jxc.inventory.choices import MoveKind
from jxc.inventory.errors import AlreadyReversed, DocumentNotDraft, DocumentNotPosted, EmptyDocument
from jxc.inventory.models import Location, Lot, StockMove, StockPosting, Warehouse
from jxc.inventory.selectors import warehouse_for
from jxc.inventory.services.posting import Leg, Source, check_open, stock_post
from jxc.inventory.services.reversal import posting_reverse
from jxc.partners.models import Account, Partner
from jxc.partners.services.ledger import EntrySource, partner_entry_post, partner_entry_reverse
from jxc.purchasing.choices import RETURN_PREFIX, RETURN_SOURCE, PostingStatus
from jxc.purchasing.errors import ReturnExceedsReceipt
from jxc.purchasing.models import PurchaseReceipt, PurchaseReceiptLine, PurchaseReturn, PurchaseReturnLine
from jxc.purchasing.selectors.terms import price_recall
from jxc.purchasing.services.orders import supplier_for

HUNDRED = Decimal(100)


@dataclass
class ReturnLineData:
    """A returned line as entered. With a receipt line, the unit, price, tax, location and lot default to its own;
    `rejected` returns goods rejected at that receipt's inspection."""

    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    receipt_line_id: int | None = None
    rejected: bool = False
    price: Decimal | None = None
    tax_rate: Decimal | None = None
    location_id: int | None = None
    lot_id: int | None = None
    serials: list[str] = field(default_factory=list)
    notes: str = ""


@dataclass
class ReturnData:
    """A return as entered; with a receipt, the supplier and warehouse are the receipt's."""

    supplier_id: int
    warehouse_id: int
    date: date
    receipt_id: int | None = None
    prices_include_tax: bool | None = None
    reason: str = ""
    notes: str = ""
    lines: list[ReturnLineData] = field(default_factory=list)


def _receipt_price(line: PurchaseReceiptLine, include_tax: bool, receipt: PurchaseReceipt) -> Decimal:
    """The receipt line's price after its discount, stated with or without tax as the return states prices."""
    price = line.price * (HUNDRED - line.discount_pct) / HUNDRED
    if receipt.prices_include_tax != include_tax:
        factor = (HUNDRED + line.tax_rate) / HUNDRED
        price = price * factor if include_tax else price / factor
    return round_price(price)


def _clean(
    data: ReturnData, *, actor: User
) -> tuple[Partner, Warehouse, PurchaseReceipt | None, bool, list[PurchaseReturnLine]]:
    errors: Errors = {}
    receipt = None
    if data.receipt_id:
        receipt = PurchaseReceipt.objects.filter(pk=data.receipt_id).select_related("supplier").first()
        if receipt is None:
            raise ValidationFailed.one("receipt_id", _("Unknown receipt."))
        if receipt.status != PostingStatus.POSTED or receipt.reversal_of_id:
            raise DocumentNotPosted(field="receipt_id", number=receipt.number, status=receipt.get_status_display())
        data.supplier_id, data.warehouse_id = receipt.supplier_id, receipt.warehouse_id
    supplier = supplier_for(errors, data.supplier_id)
    warehouse = warehouse_for(errors, data.warehouse_id, actor=actor)
    include_tax = include_tax_default(data.prices_include_tax if receipt is None else receipt.prices_include_tax)
    if not data.lines:
        errors.setdefault("lines", []).append(_("Add at least one line."))
    if errors or supplier is None or warehouse is None:
        raise ValidationFailed(errors)
    receipt_lines = {
        ln.pk: ln
        for ln in PurchaseReceiptLine.objects.filter(
            pk__in={e.receipt_line_id for e in data.lines if e.receipt_line_id}
        ).select_related("receipt", "product")
    }
    locations = {loc.pk: loc for loc in Location.objects.filter(warehouse=warehouse, active=True)}
    default_location = next((loc for loc in locations.values() if loc.is_default), None)
    catalog = Catalog(e.product_id for e in data.lines)
    lines: list[PurchaseReturnLine] = []
    taken: dict[tuple[int, bool], Decimal] = {}
    for i, entry in enumerate(data.lines):
        prefix = f"lines.{i}"

        def add(key: str, message: Any, prefix: str = prefix) -> None:
            errors.setdefault(f"{prefix}.{key}", []).append(message)

        source = receipt_lines.get(entry.receipt_line_id) if entry.receipt_line_id else None
        if entry.receipt_line_id and (
            source is None
            or source.receipt.supplier_id != supplier.pk
            or (receipt is not None and source.receipt_id != receipt.pk)
            or source.receipt.status != PostingStatus.POSTED
            or source.receipt.reversal_of_id
        ):
            add("receipt_line_id", _("Choose a line of a posted receipt from this supplier."))
            continue
        if source is None and entry.rejected:
            add("rejected", _("Rejected goods are returned against the receipt that rejected them."))
            continue
        if source is not None and entry.product_id != source.product_id:
            add("product_id", _("The product differs from the receipt line's."))
            continue
        unit_id = entry.unit_id or (source.unit_id if source else None)
        resolved = catalog.resolve(
            errors, prefix, product_id=entry.product_id, unit_id=unit_id, quantity=entry.quantity, must_be_active=False
        )
        if resolved is None:
            continue
        product = resolved.product
        if source is not None:
            key = (source.pk, entry.rejected)
            taken[key] = taken.get(key, ZERO) + resolved.base
            left = source.rejected_open if entry.rejected else source.returnable
            if taken[key] > left:
                raise ReturnExceedsReceipt(
                    field=f"{prefix}.quantity",
                    product=product.name,
                    quantity=f"{(taken[key] / resolved.factor).normalize():f}",
                    left=f"{(left / resolved.factor).normalize():f}",
                    receipt=source.receipt.number,
                )
            tax_rate = entry.tax_rate if entry.tax_rate is not None else source.tax_rate
            price = entry.price
            if price is None:
                price = round_price(
                    _receipt_price(source, include_tax, source.receipt) * resolved.factor / source.factor
                )
        else:
            tax_rate = entry.tax_rate if entry.tax_rate is not None else product.tax_rate
            price = entry.price
            if price is None:
                price, _source = price_recall(
                    supplier_id=supplier.pk,
                    product=product,
                    factor=resolved.factor,
                    tax_rate=tax_rate,
                    include_tax=include_tax,
                )
        if not check_money(errors, prefix, price=price, tax_rate=tax_rate, discount_pct=ZERO):
            continue
        location = locations.get(entry.location_id) if entry.location_id else None
        if location is None and entry.location_id is None:
            location = (locations.get(source.location_id) if source is not None else None) or default_location
        if location is None:
            add("location_id", _("Choose an active location of %(warehouse)s.") % {"warehouse": warehouse.name})
            continue
        lot = _lot(errors, prefix, entry, source, product)
        if product.track_lots and lot is None and not entry.rejected:
            continue
        serials = [s.strip() for s in entry.serials if s.strip()]
        if product.track_serials and not entry.rejected and serials_error(resolved.base, serials):
            add("serials", serials_error(resolved.base, serials))
            continue
        if entry.rejected:
            amount = tax = total = ZERO
        else:
            totals = line_totals(price=price, quantity=entry.quantity, tax_rate=tax_rate, include_tax=include_tax)
            amount, tax, total = totals.amount, totals.tax, totals.total
        lines.append(
            PurchaseReturnLine(
                receipt_line=source,
                rejected=entry.rejected,
                product=product,
                unit_id=resolved.unit_id,
                unit_quantity=entry.quantity,
                factor=resolved.factor,
                quantity=resolved.base,
                price=price,
                tax_rate=tax_rate,
                amount=amount,
                tax=tax,
                total=total,
                location=location,
                lot=lot if not entry.rejected else None,
                serials="\n".join(serials) if product.track_serials and not entry.rejected else "",
                notes=(entry.notes or "").strip()[:200],
            )
        )
    if errors:
        raise ValidationFailed(errors)
    return supplier, warehouse, receipt, include_tax, lines


def _lot(
    errors: Errors, prefix: str, entry: ReturnLineData, source: PurchaseReceiptLine | None, product: Any
) -> Lot | None:
    if not product.track_lots or entry.rejected:
        return None
    lot_id = entry.lot_id or (source.lot_id if source is not None else None)
    lot = Lot.objects.filter(pk=lot_id, product=product).first() if lot_id else None
    if lot is None:
        errors.setdefault(f"{prefix}.lot_id", []).append(
            _("%(product)s is tracked by lot: choose the batch to return.") % {"product": product.name}
        )
    return lot


def _save(purchase_return: PurchaseReturn, data: ReturnData, lines: list[PurchaseReturnLine], *, replace: bool) -> None:
    purchase_return.reason = data.reason.strip()[:200]
    purchase_return.notes = data.notes.strip()
    purchase_return.amount = sum((ln.amount for ln in lines), ZERO)
    purchase_return.tax = sum((ln.tax for ln in lines), ZERO)
    purchase_return.total = sum((ln.total for ln in lines), ZERO)
    purchase_return.save()
    if replace:
        purchase_return.lines.all().delete()
    for position, line in enumerate(lines, start=1):
        line.purchase_return, line.position = purchase_return, position
    PurchaseReturnLine.objects.bulk_create(lines)


def return_state(purchase_return: PurchaseReturn) -> dict[str, Any]:
    """The return as recorded in the audit log."""
    return {
        "number": purchase_return.number,
        "date": purchase_return.date.isoformat(),
        "status": purchase_return.status,
        "supplier": purchase_return.supplier_id,
        "receipt": purchase_return.receipt_id,
        "total": str(purchase_return.total),
        "lines": [
            [ln.receipt_line_id, ln.rejected, ln.product_id, ln.unit_id, str(ln.unit_quantity), str(ln.price)]
            for ln in purchase_return.lines.all()
        ],
    }


@transaction.atomic
def purchase_return_create(*, actor: User, data: ReturnData) -> PurchaseReturn:
    """Save a new draft return with its number (CT + date + sequence) and the amount credited."""
    supplier, warehouse, receipt, include_tax, lines = _clean(data, actor=actor)
    purchase_return = PurchaseReturn(
        number=document_number_next(prefix=RETURN_PREFIX, on=timezone.localdate()),
        date=data.date,
        supplier=supplier,
        warehouse=warehouse,
        receipt=receipt,
        prices_include_tax=include_tax,
        created_by=actor,
    )
    _save(purchase_return, data, lines, replace=False)
    audit_record(
        actor=actor, action="purchase_return.created", target=purchase_return, after=return_state(purchase_return)
    )
    return purchase_return


@transaction.atomic
def purchase_return_update(*, actor: User, purchase_return: PurchaseReturn, data: ReturnData) -> PurchaseReturn:
    """Change a draft return: header and lines are replaced."""
    purchase_return = PurchaseReturn.objects.select_for_update(of=("self",)).get(pk=purchase_return.pk)
    if purchase_return.status != PostingStatus.DRAFT:
        raise DocumentNotDraft(number=purchase_return.number, status=purchase_return.get_status_display())
    supplier, warehouse, receipt, include_tax, lines = _clean(data, actor=actor)
    before = return_state(purchase_return)
    purchase_return.date, purchase_return.supplier, purchase_return.warehouse = data.date, supplier, warehouse
    purchase_return.receipt, purchase_return.prices_include_tax = receipt, include_tax
    _save(purchase_return, data, lines, replace=True)
    audit_record(
        actor=actor,
        action="purchase_return.changed",
        target=purchase_return,
        before=before,
        after=return_state(purchase_return),
    )
    return purchase_return


@transaction.atomic
def purchase_return_delete(*, actor: User, purchase_return: PurchaseReturn) -> None:
    """Delete a draft return (its number is not reused)."""
    purchase_return = PurchaseReturn.objects.select_for_update(of=("self",)).get(pk=purchase_return.pk)
    if purchase_return.status != PostingStatus.DRAFT:
        raise DocumentNotDraft(number=purchase_return.number, status=purchase_return.get_status_display())
    audit_record(
        actor=actor, action="purchase_return.deleted", target=purchase_return, before=return_state(purchase_return)
    )
    purchase_return.delete()


def _value(line: PurchaseReturnLine) -> Decimal:
    """The stock value a returned line takes out: its receipt cost for that share, or its amount when free."""
    source = line.receipt_line
    if source is None or not source.quantity:
        return line.amount
    return round_money(source.cost * line.quantity / source.quantity)


@retrying_atomic
def purchase_return_post(*, actor: User, purchase_return: PurchaseReturn) -> PurchaseReturn:
    """Post a draft: goods out at receipt cost (capped at the stock's value), payable down. Again: unchanged."""
    purchase_return = (
        PurchaseReturn.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=purchase_return.pk)
    )
    if purchase_return.status != PostingStatus.DRAFT:
        return purchase_return  # already posted (or since reversed): idempotent
    lines = list(purchase_return.lines.select_related("product"))
    if not lines:
        raise EmptyDocument()
    source_ids = sorted({ln.receipt_line_id for ln in lines if ln.receipt_line_id})
    receipt_ids = sorted(
        set(PurchaseReceiptLine.objects.filter(pk__in=source_ids).values_list("receipt_id", flat=True))
    )
    for receipt in PurchaseReceipt.objects.select_for_update(of=("self",)).filter(pk__in=receipt_ids).order_by("pk"):
        if receipt.status != PostingStatus.POSTED:  # reversed since the draft was saved
            raise DocumentNotPosted(number=receipt.number, status=receipt.get_status_display())
    sources = {
        s.pk: s
        for s in PurchaseReceiptLine.objects.select_for_update(of=("self",))
        .filter(pk__in=source_ids)
        .select_related("receipt", "product")
        .order_by("pk")
    }
    for line in lines:
        if line.receipt_line_id:
            line.receipt_line = sources[line.receipt_line_id]
    _take_from_receipts(lines, sign=1)
    legs = [
        Leg(
            product_id=line.product_id,
            warehouse_id=purchase_return.warehouse_id,
            location_id=line.location_id,
            quantity=-line.quantity,
            unit_quantity=-line.unit_quantity,
            unit_id=line.unit_id,
            factor=line.factor,
            kind=MoveKind.PURCHASE_RETURN,
            value=-_value(line),
            cap_at_stock_value=True,
            lot_id=line.lot_id,
            line_id=line.pk,
            serials=tuple(line.serial_list),
            allow_expired=True,
        )
        for line in lines
        if not line.rejected
    ]
    posting = stock_post(
        source=Source(RETURN_SOURCE, purchase_return.pk, purchase_return.number, "post"),
        day=purchase_return.date,
        legs=legs,
        actor=actor,
    )
    taken = {m.line_id: -m.value for m in StockMove.objects.filter(posting=posting).only("line_id", "value")}
    for line in lines:
        line.cost = taken.get(line.pk, ZERO)
    PurchaseReturnLine.objects.bulk_update(lines, ["cost"])
    if purchase_return.total:
        partner_entry_post(
            partner=purchase_return.supplier,
            account=Account.PAYABLE,
            amount=-purchase_return.total,
            day=purchase_return.date,
            source=EntrySource(RETURN_SOURCE, purchase_return.pk, purchase_return.number, "post"),
            actor=actor,
            memo=str(_("Purchase return")),
        )
    purchase_return.status, purchase_return.posted_by = PostingStatus.POSTED, actor
    purchase_return.posted_at = timezone.now()
    purchase_return.save(update_fields=["status", "posted_by", "posted_at"])
    audit_record(
        actor=actor,
        action="purchase_return.posted",
        target=purchase_return,
        after={"status": purchase_return.status, "total": str(purchase_return.total)},
    )
    return purchase_return


def _take_from_receipts(lines: list[PurchaseReturnLine], *, sign: int) -> None:
    """Count the returned base units on the locked receipt lines (a reversal gives them back)."""
    touched: dict[int, PurchaseReceiptLine] = {}
    for line in lines:
        source = line.receipt_line
        if source is None:
            continue
        quantity = sign * abs(line.quantity)
        if line.rejected:
            left = source.rejected_open
            source.rejected_returned += quantity
        else:
            left = source.returnable
            source.returned_quantity += quantity
        if sign > 0 and quantity > left:
            raise ReturnExceedsReceipt(
                product=source.product.name,
                quantity=f"{(line.quantity / line.factor).normalize():f}",
                left=f"{(left / line.factor).normalize():f}",
                receipt=source.receipt.number,
            )
        touched[source.pk] = source
    PurchaseReceiptLine.objects.bulk_update(list(touched.values()), ["returned_quantity", "rejected_returned"])


@retrying_atomic
def purchase_return_reverse(*, actor: User, purchase_return: PurchaseReturn, day: date | None = None) -> PurchaseReturn:
    """红冲: the goods come back at the value they left with, the payable goes back up, the receipt lines too."""
    purchase_return = (
        PurchaseReturn.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=purchase_return.pk)
    )
    reversal = PurchaseReturn.objects.filter(reversal_of=purchase_return).first()
    if reversal is not None:
        raise AlreadyReversed(number=purchase_return.number, reversal=reversal.number)
    if purchase_return.reversal_of_id is not None or purchase_return.status != PostingStatus.POSTED:
        status = _("a reversal") if purchase_return.reversal_of_id else purchase_return.get_status_display()
        raise DocumentNotPosted(number=purchase_return.number, status=status)
    day = day or max(timezone.localdate(), purchase_return.date)
    check_open(day)
    lines = list(purchase_return.lines.all())
    source_ids = sorted({ln.receipt_line_id for ln in lines if ln.receipt_line_id})
    sources = {
        s.pk: s
        for s in PurchaseReceiptLine.objects.select_for_update(of=("self",)).filter(pk__in=source_ids).order_by("pk")
    }
    reversal = PurchaseReturn.objects.create(
        number=document_number_next(prefix=RETURN_PREFIX, on=timezone.localdate()),
        date=day,
        supplier=purchase_return.supplier,
        warehouse=purchase_return.warehouse,
        receipt=purchase_return.receipt,
        status=PostingStatus.POSTED,
        prices_include_tax=purchase_return.prices_include_tax,
        amount=-purchase_return.amount,
        tax=-purchase_return.tax,
        total=-purchase_return.total,
        reason=purchase_return.reason,
        notes=str(_("Reversal of %(number)s") % {"number": purchase_return.number}),
        reversal_of=purchase_return,
        created_by=actor,
        posted_by=actor,
        posted_at=timezone.now(),
    )
    copies = []
    for line in lines:
        negated = ("unit_quantity", "quantity", "amount", "tax", "total", "cost")
        copies.append(row_copy(line, negate=negated, purchase_return=reversal))
        if line.receipt_line_id:
            line.receipt_line = sources[line.receipt_line_id]
    PurchaseReturnLine.objects.bulk_create(copies)
    posting = StockPosting.objects.filter(source_type=RETURN_SOURCE, source_id=purchase_return.pk, phase="post").first()
    if posting is not None and posting.moves.exists():
        posting_reverse(
            posting=posting,
            source=Source(RETURN_SOURCE, reversal.pk, reversal.number, "reverse-post"),
            day=day,
            actor=actor,
        )
    partner_entry_reverse(
        source=EntrySource(RETURN_SOURCE, reversal.pk, reversal.number, "reverse-post"),
        original=EntrySource(RETURN_SOURCE, purchase_return.pk, purchase_return.number, "post"),
        day=day,
        actor=actor,
    )
    _take_from_receipts(lines, sign=-1)
    purchase_return.status = PostingStatus.REVERSED
    purchase_return.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="purchase_return.reversed",
        target=purchase_return,
        after={"status": purchase_return.status, "reversal": reversal.number},
    )
    return reversal
