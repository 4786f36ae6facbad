"""Purchase orders (采购订单): draft, submit for approval, approve or reject, unapprove, close, void.

Receiving against an order (partial → done) happens in `receipts`; this module keeps the order's own life.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.approvals import PURCHASE_ORDER, Fact
from jxc.accounts.models import ApprovalStatus, ApprovalStep, User
from jxc.accounts.selectors import include_tax_default
from jxc.accounts.services.approvals import ApprovalOutcome, approval_decide, approval_request
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Catalog, Errors, check_charges, check_money
from jxc.core.errors import Forbidden, RecordInactive, ValidationFailed
from jxc.core.numbers import ZERO
from jxc.core.pricing import line_totals, net_base_price
from jxc.core.sequences import document_number_next
from jxc.inventory.errors import DocumentNotDraft, EmptyDocument, OrderStatusConflict
from jxc.inventory.models import Warehouse
from jxc.inventory.selectors import warehouse_for
from jxc.partners.models import Partner
from jxc.purchasing.choices import ORDER_PREFIX, OrderStatus
from jxc.purchasing.errors import OrderHasReceipts, SupplierNotApproved
from jxc.purchasing.models import PurchaseOrder, PurchaseOrderLine, PurchaseReceiptLine, SupplierProduct
from jxc.purchasing.selectors.terms import price_recall

HUNDRED = Decimal(100)


@dataclass
class OrderLineData:
    """An order line as entered; an empty price recalls this supplier's last price (else the purchase price)."""

    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    price: Decimal | None = None
    tax_rate: Decimal | None = None
    discount_pct: Decimal = ZERO
    expected_date: date | None = None
    notes: str = ""


@dataclass
class OrderData:
    """An order as entered; `prices_include_tax` None takes the company setting."""

    supplier_id: int
    warehouse_id: int
    date: dt.date
    expected_date: dt.date | None = None
    prices_include_tax: bool | None = None
    freight: Decimal = ZERO
    other_charges: Decimal = ZERO
    supplier_reference: str = ""
    notes: str = ""
    lines: list[OrderLineData] = field(default_factory=list)


def supplier_for(errors: Errors, supplier_id: int | None, *, key: str = "supplier_id") -> Partner | None:
    """The supplier of a new document: a partner with the supplier role, active."""
    supplier = Partner.objects.filter(pk=supplier_id, is_supplier=True).first() if supplier_id else None
    if supplier is None:
        errors.setdefault(key, []).append(_("Choose a supplier."))
        return None
    if not supplier.active:
        raise RecordInactive(field=key, label=_("Supplier"), value=supplier.name)
    return supplier


def _clean(data: OrderData, *, actor: User) -> tuple[Partner, Warehouse, bool, list[PurchaseOrderLine]]:
    errors: Errors = {}
    supplier = supplier_for(errors, data.supplier_id)
    warehouse = warehouse_for(errors, data.warehouse_id, actor=actor)
    include_tax = include_tax_default(data.prices_include_tax)
    check_charges(errors, freight=data.freight, other_charges=data.other_charges)
    if data.expected_date is not None and data.expected_date < data.date:
        errors.setdefault("expected_date", []).append(_("The expected date cannot be before the order date."))
    if not data.lines:
        errors.setdefault("lines", []).append(_("Add at least one line."))
    catalog = Catalog(ln.product_id for ln in data.lines)
    lines: list[PurchaseOrderLine] = []
    for i, entry in enumerate(data.lines):
        prefix = f"lines.{i}"
        resolved = catalog.resolve(
            errors, prefix, product_id=entry.product_id, unit_id=entry.unit_id, quantity=entry.quantity
        )
        if resolved is None:
            continue
        product = resolved.product
        tax_rate = entry.tax_rate if entry.tax_rate is not None else product.tax_rate
        price = entry.price
        if price is None:
            price, _source = price_recall(
                supplier_id=supplier.pk if supplier else None,
                product=product,
                factor=resolved.factor,
                tax_rate=tax_rate,
                include_tax=include_tax,
            )
        if not check_money(errors, prefix, price=price, tax_rate=tax_rate, discount_pct=entry.discount_pct):
            continue
        if entry.expected_date is not None and entry.expected_date < data.date:
            errors.setdefault(f"{prefix}.expected_date", []).append(
                _("The expected date cannot be before the order date.")
            )
            continue
        totals = line_totals(
            price=price,
            quantity=entry.quantity,
            tax_rate=tax_rate,
            discount_pct=entry.discount_pct,
            include_tax=include_tax,
        )
        lines.append(
            PurchaseOrderLine(
                product=product,
                unit_id=resolved.unit_id,
                unit_quantity=entry.quantity,
                factor=resolved.factor,
                quantity=resolved.base,
                price=price,
                tax_rate=tax_rate,
                discount_pct=entry.discount_pct,
                amount=totals.amount,
                tax=totals.tax,
                total=totals.total,
                expected_date=entry.expected_date,
                notes=(entry.notes or "").strip()[:200],
            )
        )
    if errors:
        raise ValidationFailed(errors)
    assert supplier is not None and warehouse is not None
    return supplier, warehouse, include_tax, lines


def _apply(order: PurchaseOrder, data: OrderData, supplier: Partner, warehouse: Warehouse, include_tax: bool) -> None:
    order.supplier, order.warehouse, order.date = supplier, warehouse, data.date
    order.expected_date = data.expected_date
    order.prices_include_tax = include_tax
    order.freight, order.other_charges = data.freight, data.other_charges
    order.supplier_reference = data.supplier_reference.strip()[:60]
    order.notes = data.notes.strip()


def _save_lines(order: PurchaseOrder, lines: list[PurchaseOrderLine], *, replace: bool = False) -> None:
    if replace:
        order.lines.all().delete()
    for position, line in enumerate(lines, start=1):
        line.order, line.position = order, position
    PurchaseOrderLine.objects.bulk_create(lines)
    order.amount = sum((ln.amount for ln in lines), ZERO)
    order.tax = sum((ln.tax for ln in lines), ZERO)
    order.total = order.amount + order.tax + order.freight + order.other_charges
    order.save(update_fields=["amount", "tax", "total"])


def order_state(order: PurchaseOrder) -> dict[str, Any]:
    """The order as recorded in the audit log."""
    return {
        "number": order.number,
        "date": order.date.isoformat(),
        "status": order.status,
        "supplier": order.supplier_id,
        "warehouse": order.warehouse_id,
        "total": str(order.total),
        "freight": str(order.freight),
        "other_charges": str(order.other_charges),
        "lines": [
            [ln.product_id, ln.unit_id, str(ln.unit_quantity), str(ln.price), str(ln.tax_rate), str(ln.discount_pct)]
            for ln in order.lines.all()
        ],
    }


@transaction.atomic
def purchase_order_create(*, actor: User, data: OrderData) -> PurchaseOrder:
    """Save a new draft order with its number (CG + date + sequence) and totals."""
    supplier, warehouse, include_tax, lines = _clean(data, actor=actor)
    order = PurchaseOrder(number=document_number_next(prefix=ORDER_PREFIX, on=timezone.localdate()), created_by=actor)
    _apply(order, data, supplier, warehouse, include_tax)
    order.save()
    _save_lines(order, lines)
    audit_record(actor=actor, action="purchase_order.created", target=order, after=order_state(order))
    return order


def _locked(order: PurchaseOrder) -> PurchaseOrder:
    return PurchaseOrder.objects.select_for_update(of=("self",)).select_related("supplier").get(pk=order.pk)


def _refuse(order: PurchaseOrder, action: str) -> OrderStatusConflict:
    return OrderStatusConflict(number=order.number, status=order.get_status_display(), action=action)


@transaction.atomic
def purchase_order_update(*, actor: User, order: PurchaseOrder, data: OrderData) -> PurchaseOrder:
    """Change a draft: header and lines are replaced, totals recomputed."""
    order = _locked(order)
    if order.status != OrderStatus.DRAFT:
        raise DocumentNotDraft(number=order.number, status=order.get_status_display())
    supplier, warehouse, include_tax, lines = _clean(data, actor=actor)
    before = order_state(order)
    _apply(order, data, supplier, warehouse, include_tax)
    order.save()
    _save_lines(order, lines, replace=True)
    audit_record(actor=actor, action="purchase_order.changed", target=order, before=before, after=order_state(order))
    return order


def order_facts(order: PurchaseOrder) -> dict[str, Fact]:
    """What the approval rules test on an order: its total, price rises over the last price, the supplier."""
    facts: dict[str, Fact] = {"total_above": Fact(order.total, f"{order.total:,.2f}")}
    lines = list(order.lines.select_related("product"))
    last = {
        t.product_id: t.last_price
        for t in SupplierProduct.objects.filter(supplier=order.supplier, product_id__in={ln.product_id for ln in lines})
        if t.last_price
    }
    rise, detail = ZERO, ""
    for line in lines:
        previous = last.get(line.product_id)
        if not previous or not line.quantity:
            continue
        now = order_line_net_price(line)
        pct = ((now - previous) / previous * HUNDRED).quantize(Decimal("0.01"))
        if pct > rise:
            rise, detail = pct, f"{line.product.name} {previous.normalize():f} → {now.normalize():f} (+{pct}%)"
    facts["price_above_last"] = Fact(rise, detail)
    facts["supplier_not_approved"] = Fact(not order.supplier.supplier_approved, order.supplier.name)
    return facts


def order_line_net_price(line: PurchaseOrderLine | PurchaseReceiptLine) -> Decimal:
    """A purchase line's price per base unit after discount, without tax (what a supplier's last price records)."""
    include_tax = (line.order if isinstance(line, PurchaseOrderLine) else line.receipt).prices_include_tax
    return net_base_price(
        price=line.price,
        factor=line.factor,
        tax_rate=line.tax_rate,
        discount_pct=line.discount_pct,
        include_tax=include_tax,
    )


def _mark_approved(order: PurchaseOrder, *, by: User | None) -> None:
    order.status, order.approved_by, order.approved_at = OrderStatus.APPROVED, by, timezone.now()
    order.save(update_fields=["status", "approved_by", "approved_at"])
    _remember_prices(order)


def _remember_prices(order: PurchaseOrder) -> None:
    """The supplier's last price per product (without tax, per base unit) becomes this order's price."""
    for line in order.lines.all():
        if not line.quantity:
            continue
        supplier_price_remember(
            supplier_id=order.supplier_id,
            product_id=line.product_id,
            price=order_line_net_price(line),
            day=order.date,
        )


def supplier_price_remember(*, supplier_id: int, product_id: int, price: Decimal, day: date) -> SupplierProduct:
    """Record a supplier's latest price for a product (creating its terms on first purchase); older dates lose."""
    term, _created = SupplierProduct.objects.select_for_update(of=("self",)).get_or_create(
        supplier_id=supplier_id, product_id=product_id
    )
    if term.last_price_date is None or day >= term.last_price_date:
        term.last_price, term.last_price_date = price, day
        term.save(update_fields=["last_price", "last_price_date", "updated_at"])
    return term


@transaction.atomic
def purchase_order_submit(*, actor: User, order: PurchaseOrder) -> ApprovalOutcome:
    """Submit a draft for approval: the rules that fire become steps; no rule fired may approve it at once.

    An order to a supplier that is not approved is never approved on submit.
    """
    order = _locked(order)
    if order.status != OrderStatus.DRAFT:
        raise _refuse(order, str(_("submitted")))
    if not order.lines.exists():
        raise EmptyDocument()
    order.status, order.submitted_at = OrderStatus.SUBMITTED, timezone.now()
    order.save(update_fields=["status", "submitted_at"])
    audit_record(actor=actor, action="purchase_order.submitted", target=order, after={"status": order.status})
    facts = order_facts(order)
    outcome = approval_request(
        actor=actor,
        document_type=PURCHASE_ORDER,
        document=order,
        facts=facts,
        may_approve_on_submit=order.supplier.supplier_approved,
    )
    if outcome.approved:
        _mark_approved(order, by=None)
        audit_record(
            actor=actor, action="purchase_order.approved", target=order, after={"status": order.status, "auto": True}
        )
    return outcome


def _may_approve(actor: User, order: PurchaseOrder) -> str:
    """The override the actor uses, if any; an unapproved supplier's order needs the override permission."""
    if order.supplier.supplier_approved:
        return ""
    if not actor.has_perm("purchasing.override_supplier_approval"):
        raise SupplierNotApproved(supplier=order.supplier.name)
    return "supplier_not_approved"


@transaction.atomic
def purchase_order_approve(*, actor: User, order: PurchaseOrder, comment: str = "") -> ApprovalOutcome:
    """Approve the steps of a submitted order that the actor's roles allow; approved when none is left waiting.

    A step for a rule needs its role; the step of an order no rule matched needs the approve permission."""
    order = _locked(order)
    if order.status != OrderStatus.SUBMITTED:
        raise _refuse(order, str(_("approved")))
    override = _may_approve(actor, order)
    outcome = approval_decide(
        actor=actor, document_type=PURCHASE_ORDER, document=order, approve=True, comment=comment, override=override
    )
    if outcome.approved:
        _mark_approved(order, by=actor)
        audit_record(actor=actor, action="purchase_order.approved", target=order, after={"status": order.status})
    return outcome


@transaction.atomic
def purchase_order_reject(*, actor: User, order: PurchaseOrder, reason: str) -> PurchaseOrder:
    """Reject a submitted order with a reason: it goes back to draft for the purchaser to change."""
    order = _locked(order)
    if order.status != OrderStatus.SUBMITTED:
        raise _refuse(order, str(_("rejected")))
    if not (reason or "").strip():
        raise ValidationFailed.one("reason", _("Say why the order is rejected."))
    approval_decide(actor=actor, document_type=PURCHASE_ORDER, document=order, approve=False, comment=reason)
    order.status = OrderStatus.DRAFT
    order.save(update_fields=["status"])
    audit_record(
        actor=actor, action="purchase_order.rejected", target=order, after={"status": order.status, "reason": reason}
    )
    return order


def _receipts_of(order: PurchaseOrder) -> list[str]:
    return sorted(
        set(PurchaseReceiptLine.objects.filter(order_line__order=order).values_list("receipt__number", flat=True))
    )


@transaction.atomic
def purchase_order_unapprove(*, actor: User, order: PurchaseOrder) -> PurchaseOrder:
    """反审核: an approved order with no receipt (posted or draft) goes back to draft."""
    order = _locked(order)
    if order.status != OrderStatus.APPROVED:
        raise _refuse(order, str(_("unapproved")))
    if not actor.has_perm("purchasing.approve_purchaseorder"):
        raise Forbidden(missing=["purchasing.approve_purchaseorder"])
    receipts = _receipts_of(order)
    if receipts:
        raise OrderHasReceipts(number=order.number, receipts=", ".join(receipts), action=_("unapproved"))
    order.status, order.approved_by, order.approved_at, order.submitted_at = OrderStatus.DRAFT, None, None, None
    order.save(update_fields=["status", "approved_by", "approved_at", "submitted_at"])
    audit_record(actor=actor, action="purchase_order.unapproved", target=order, after={"status": order.status})
    return order


@transaction.atomic
def purchase_order_close(*, actor: User, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    """Close an approved or partly received order: what has not arrived is cancelled."""
    order = _locked(order)
    if order.status not in {OrderStatus.APPROVED, OrderStatus.PARTIAL}:
        raise _refuse(order, str(_("closed")))
    order.status, order.closed_at, order.close_reason = OrderStatus.CLOSED, timezone.now(), (reason or "").strip()[:200]
    order.save(update_fields=["status", "closed_at", "close_reason"])
    audit_record(
        actor=actor, action="purchase_order.closed", target=order, after={"status": order.status, "reason": reason}
    )
    return order


@transaction.atomic
def purchase_order_void(*, actor: User, order: PurchaseOrder, reason: str = "") -> PurchaseOrder:
    """作废: an order with nothing received (and no draft receipt) is voided; its waiting approvals are cancelled."""
    order = _locked(order)
    if order.status not in {OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED}:
        raise _refuse(order, str(_("voided")))
    receipts = _receipts_of(order)
    if receipts:
        raise OrderHasReceipts(number=order.number, receipts=", ".join(receipts), action=_("voided"))
    ApprovalStep.objects.filter(
        document_type=PURCHASE_ORDER, document_id=order.pk, status=ApprovalStatus.PENDING
    ).update(status=ApprovalStatus.CANCELLED, decided_at=timezone.now())
    order.status, order.close_reason = OrderStatus.VOID, (reason or "").strip()[:200]
    order.save(update_fields=["status", "close_reason"])
    audit_record(
        actor=actor, action="purchase_order.voided", target=order, after={"status": order.status, "reason": reason}
    )
    return order


def order_progress(order: PurchaseOrder) -> None:
    """After a receipt or its reversal: approved, partly received or done, from the lines (order row locked)."""
    if order.status not in {OrderStatus.APPROVED, OrderStatus.PARTIAL, OrderStatus.DONE}:
        return
    lines = list(order.lines.all())
    if all(ln.received_quantity >= ln.quantity for ln in lines):
        status = OrderStatus.DONE
    elif any(ln.received_quantity > 0 for ln in lines):
        status = OrderStatus.PARTIAL
    else:
        status = OrderStatus.APPROVED
    if status != order.status:
        order.status = status
        order.save(update_fields=["status"])
