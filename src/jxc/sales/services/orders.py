"""Sales orders (销售订单): draft, submit for review, approve (reserving the stock) or reject, unapprove, close, void.

Review goes through the approval engine with the order's facts: its total, the largest discount, prices below the
product's minimum price or below cost, the customer's credit (exposure over the limit) and overdue receivables.
Approving reserves every line in the order's warehouse in the same transaction (never more than is available);
unapproving, closing and voiding release what is still reserved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.approvals import SALES_ORDER, Fact
from jxc.accounts.models import ApprovalStatus, ApprovalStep, Company, User
from jxc.accounts.selectors import include_tax_default
from jxc.accounts.services.approvals import ApprovalOutcome, approval_decide, approval_request
from jxc.accounts.services.audit import audit_record
from jxc.catalog.lines import Catalog, Errors, check_charges, check_money
from jxc.core.errors import RecordInactive, ValidationFailed
from jxc.core.numbers import ZERO, round_price
from jxc.core.pricing import line_totals, net_base_price
from jxc.core.sequences import document_number_next
from jxc.inventory.choices import ReservationStatus
from jxc.inventory.errors import DocumentNotDraft, EmptyDocument, OrderStatusConflict
from jxc.inventory.models import CostState, Reservation, Warehouse
from jxc.inventory.selectors import warehouse_for
from jxc.inventory.services.reservations import reservation_create, reservation_release
from jxc.partners.models import Partner
from jxc.sales.choices import ORDER_PREFIX, ORDER_SOURCE, OrderStatus
from jxc.sales.errors import SalesOrderShipped
from jxc.sales.models import CustomerPrice, SalesOrder, SalesOrderLine
from jxc.sales.selectors.credit import credit_of
from jxc.sales.selectors.prices import sale_price

HUNDRED = Decimal(100)


@dataclass
class SalesLineData:
    """A sales line as entered; an empty price proposes the agreed, last or price-level price."""

    product_id: int
    quantity: Decimal
    unit_id: int | None = None
    price: Decimal | None = None
    tax_rate: Decimal | None = None
    discount_pct: Decimal = ZERO
    notes: str = ""


@dataclass
class SalesOrderData:
    """An order as entered; `prices_include_tax` None takes the company setting."""

    customer_id: int
    warehouse_id: int
    date: dt.date
    delivery_date: dt.date | None = None
    salesperson_id: int | None = None
    prices_include_tax: bool | None = None
    freight: Decimal = ZERO
    other_charges: Decimal = ZERO
    customer_reference: str = ""
    notes: str = ""
    lines: list[SalesLineData] = field(default_factory=list)


def customer_for(errors: Errors, customer_id: int | None) -> Partner | None:
    """The customer of a new document: a partner with the customer role, active."""
    customer = Partner.objects.filter(pk=customer_id, is_customer=True).first() if customer_id else None
    if customer is None:
        errors.setdefault("customer_id", []).append(_("Choose a customer."))
        return None
    if not customer.active:
        raise RecordInactive(field="customer_id", label=_("Customer"), value=customer.name)
    return customer


def _clean(data: SalesOrderData, *, actor: User) -> tuple[Partner, Warehouse, bool, list[SalesOrderLine]]:
    errors: Errors = {}
    customer = customer_for(errors, data.customer_id)
    warehouse = warehouse_for(errors, data.warehouse_id, actor=actor)
    include_tax = include_tax_default(data.prices_include_tax)
    check_charges(errors, freight=data.freight, other_charges=data.other_charges)
    if data.delivery_date is not None and data.delivery_date < data.date:
        errors.setdefault("delivery_date", []).append(_("The delivery date cannot be before the order date."))
    if not data.lines:
        errors.setdefault("lines", []).append(_("Add at least one line."))
    catalog = Catalog(ln.product_id for ln in data.lines)
    lines: list[SalesOrderLine] = []
    for i, entry in enumerate(data.lines):
        prefix = f"lines.{i}"
        resolved = catalog.resolve(
            errors, prefix, product_id=entry.product_id, unit_id=entry.unit_id, quantity=entry.quantity
        )
        if resolved is None:
            continue
        product = resolved.product
        tax_rate = entry.tax_rate if entry.tax_rate is not None else product.tax_rate
        price, source = entry.price, "typed"
        if price is None:
            price, source = sale_price(
                customer=customer, product=product, factor=resolved.factor, tax_rate=tax_rate, include_tax=include_tax
            )
        if not check_money(errors, prefix, price=price, tax_rate=tax_rate, discount_pct=entry.discount_pct):
            continue
        totals = line_totals(
            price=price,
            quantity=entry.quantity,
            tax_rate=tax_rate,
            discount_pct=entry.discount_pct,
            include_tax=include_tax,
        )
        lines.append(
            SalesOrderLine(
                product=product,
                unit_id=resolved.unit_id,
                unit_quantity=entry.quantity,
                factor=resolved.factor,
                quantity=resolved.base,
                price=price,
                price_source=source,
                tax_rate=tax_rate,
                discount_pct=entry.discount_pct,
                amount=totals.amount,
                tax=totals.tax,
                total=totals.total,
                notes=(entry.notes or "").strip()[:200],
            )
        )
    if errors:
        raise ValidationFailed(errors)
    assert customer is not None and warehouse is not None
    return customer, warehouse, include_tax, lines


def _apply(order: SalesOrder, data: SalesOrderData, customer: Partner, warehouse: Warehouse, include_tax: bool) -> None:
    order.customer, order.warehouse, order.date = customer, warehouse, data.date
    order.delivery_date = data.delivery_date
    order.salesperson_id = data.salesperson_id or customer.salesperson_id
    order.prices_include_tax = include_tax
    order.freight, order.other_charges = data.freight, data.other_charges
    order.customer_reference = data.customer_reference.strip()[:60]
    order.notes = data.notes.strip()


def _save_lines(order: SalesOrder, lines: list[SalesOrderLine], *, replace: bool = False) -> None:
    if replace:
        order.lines.all().delete()
    for position, line in enumerate(lines, start=1):
        line.order, line.position = order, position
    SalesOrderLine.objects.bulk_create(lines)
    order.amount = sum((ln.amount for ln in lines), ZERO)
    order.tax = sum((ln.tax for ln in lines), ZERO)
    order.total = order.amount + order.tax + order.freight + order.other_charges
    order.save(update_fields=["amount", "tax", "total"])


def sales_order_state(order: SalesOrder) -> dict[str, Any]:
    """The order as recorded in the audit log."""
    return {
        "number": order.number,
        "date": order.date.isoformat(),
        "status": order.status,
        "customer": order.customer_id,
        "warehouse": order.warehouse_id,
        "total": str(order.total),
        "lines": [
            [ln.product_id, ln.unit_id, str(ln.unit_quantity), str(ln.price), str(ln.discount_pct)]
            for ln in order.lines.all()
        ],
    }


@transaction.atomic
def sales_order_create(*, actor: User, data: SalesOrderData) -> SalesOrder:
    """Save a new draft order with its number (XS + date + sequence) and totals."""
    customer, warehouse, include_tax, lines = _clean(data, actor=actor)
    order = SalesOrder(number=document_number_next(prefix=ORDER_PREFIX, on=timezone.localdate()), created_by=actor)
    _apply(order, data, customer, warehouse, include_tax)
    order.save()
    _save_lines(order, lines)
    audit_record(actor=actor, action="sales_order.created", target=order, after=sales_order_state(order))
    return order


def _locked(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)


def _refuse(order: SalesOrder, action: str) -> OrderStatusConflict:
    return OrderStatusConflict(number=order.number, status=order.get_status_display(), action=action)


@transaction.atomic
def sales_order_update(*, actor: User, order: SalesOrder, data: SalesOrderData) -> SalesOrder:
    """Change a draft: header and lines are replaced, totals recomputed."""
    order = _locked(order)
    if order.status != OrderStatus.DRAFT:
        raise DocumentNotDraft(number=order.number, status=order.get_status_display())
    customer, warehouse, include_tax, lines = _clean(data, actor=actor)
    before = sales_order_state(order)
    _apply(order, data, customer, warehouse, include_tax)
    order.save()
    _save_lines(order, lines, replace=True)
    audit_record(actor=actor, action="sales_order.changed", target=order, before=before, after=sales_order_state(order))
    return order


def _untaxed_base(line: SalesOrderLine) -> Decimal:
    """The line's price per base unit after discount, without tax."""
    return net_base_price(
        price=line.price,
        factor=line.factor,
        tax_rate=line.tax_rate,
        discount_pct=line.discount_pct,
        include_tax=line.order.prices_include_tax,
    )


def sales_order_facts(order: SalesOrder) -> dict[str, Fact]:
    """What the review rules test: total, largest discount, prices below floor or cost, credit, overdue."""
    lines = list(order.lines.select_related("product"))
    company = Company.objects.order_by("pk").only("prices_include_tax", "cost_per_warehouse").first()
    company_with_tax = company.prices_include_tax if company is not None else True
    per_warehouse = bool(company and company.cost_per_warehouse)
    scope = Q(warehouse_id=order.warehouse_id) if per_warehouse else Q(warehouse__isnull=True)
    costs = {c.product_id: c for c in CostState.objects.filter(scope, product_id__in={ln.product_id for ln in lines})}
    facts: dict[str, Fact] = {"total_above": Fact(order.total, f"{order.total:,.2f}")}
    discount = max(lines, key=lambda ln: ln.discount_pct, default=None)
    if discount is not None:
        facts["discount_above"] = Fact(discount.discount_pct, f"{discount.product.name} {discount.discount_pct}%")
    below_floor, below_cost = [], []
    for line in lines:
        price = _untaxed_base(line)
        floor = line.product.min_price
        if company_with_tax and floor:
            floor = floor * HUNDRED / (HUNDRED + line.tax_rate)
        if floor and price < round_price(floor):
            below_floor.append(f"{line.product.name} {price.normalize():f} < {round_price(floor).normalize():f}")
        cost = costs.get(line.product_id)
        if cost is not None and cost.quantity > 0:
            unit_cost = round_price(cost.value / cost.quantity)
            if price < unit_cost:
                below_cost.append(f"{line.product.name} {price.normalize():f} < {unit_cost.normalize():f}")
    facts["price_below_floor"] = Fact(bool(below_floor), "; ".join(below_floor))
    facts["price_below_cost"] = Fact(bool(below_cost), "; ".join(below_cost))
    credit = credit_of(customer=order.customer, on=timezone.localdate(), exclude_order_id=order.pk)
    if credit.limit is not None:
        facts["over_credit_limit"] = Fact(
            credit.over_with(order.total),
            f"{credit.exposure:,.2f} + {order.total:,.2f} > {credit.limit:,.2f}",
        )
    facts["overdue_receivables"] = Fact(credit.overdue > 0, f"{credit.overdue:,.2f}")
    return facts


def _reserve(order: SalesOrder) -> None:
    """Reserve every line in the order's warehouse; any shortfall refuses the whole approval."""
    for line in order.lines.select_related("product").order_by("product_id", "pk"):
        reservation_create(
            product=line.product,
            warehouse=order.warehouse,
            quantity=line.quantity,
            source_type=ORDER_SOURCE,
            source_id=order.pk,
            source_line_id=line.pk,
            source_number=order.number,
        )


def _release(order: SalesOrder) -> int:
    """Release what the order still holds; returns how many reservations were released."""
    active = Reservation.objects.filter(
        source_type=ORDER_SOURCE, source_id=order.pk, status=ReservationStatus.ACTIVE
    ).order_by("product_id", "pk")
    released = 0
    for reservation in active:
        reservation_release(reservation=reservation)
        released += 1
    return released


def _remember_prices(order: SalesOrder) -> None:
    """The customer's last price per product (without tax, per base unit, after discount) becomes this order's."""
    for line in order.lines.all():
        known, _created = CustomerPrice.objects.select_for_update(of=("self",)).get_or_create(
            customer_id=order.customer_id, product_id=line.product_id
        )
        if known.last_price_date is None or order.date >= known.last_price_date:
            known.last_price, known.last_price_date = _untaxed_base(line), order.date
            known.save(update_fields=["last_price", "last_price_date", "updated_at"])


def _mark_approved(order: SalesOrder, *, by: User | None, actor: User) -> None:
    _reserve(order)
    _remember_prices(order)
    order.status, order.approved_by, order.approved_at = OrderStatus.APPROVED, by, timezone.now()
    order.save(update_fields=["status", "approved_by", "approved_at"])
    audit_record(
        actor=actor,
        action="sales_order.approved",
        target=order,
        after={"status": order.status, "auto": by is None, "reserved": True},
    )


@transaction.atomic
def sales_order_submit(*, actor: User, order: SalesOrder) -> ApprovalOutcome:
    """Submit a draft for review; with no rule fired it is approved (and its stock reserved) at once."""
    order = _locked(order)
    if order.status != OrderStatus.DRAFT:
        raise _refuse(order, str(_("submitted")))
    if not order.lines.exists():
        raise EmptyDocument()
    order.status, order.submitted_at = OrderStatus.SUBMITTED, timezone.now()
    order.save(update_fields=["status", "submitted_at"])
    audit_record(actor=actor, action="sales_order.submitted", target=order, after={"status": order.status})
    outcome = approval_request(actor=actor, document_type=SALES_ORDER, document=order, facts=sales_order_facts(order))
    if outcome.approved:
        _mark_approved(order, by=None, actor=actor)
    return outcome


@transaction.atomic
def sales_order_approve(*, actor: User, order: SalesOrder, comment: str = "") -> ApprovalOutcome:
    """Approve the waiting review steps the actor's roles allow; the last one reserves the stock."""
    order = _locked(order)
    if order.status != OrderStatus.SUBMITTED:
        raise _refuse(order, str(_("approved")))
    outcome = approval_decide(actor=actor, document_type=SALES_ORDER, document=order, approve=True, comment=comment)
    if outcome.approved:
        _mark_approved(order, by=actor, actor=actor)
    return outcome


@transaction.atomic
def sales_order_reject(*, actor: User, order: SalesOrder, reason: str) -> SalesOrder:
    """Reject a submitted order with a reason: it goes back to draft."""
    order = _locked(order)
    if order.status != OrderStatus.SUBMITTED:
        raise _refuse(order, str(_("rejected")))
    if not (reason or "").strip():
        raise ValidationFailed.one("reason", _("Say why the order is rejected."))
    approval_decide(actor=actor, document_type=SALES_ORDER, document=order, approve=False, comment=reason)
    order.status = OrderStatus.DRAFT
    order.save(update_fields=["status"])
    audit_record(
        actor=actor, action="sales_order.rejected", target=order, after={"status": order.status, "reason": reason}
    )
    return order


def _shipped(order: SalesOrder) -> bool:
    return order.lines.filter(shipped_quantity__gt=0).exists()


@transaction.atomic
def sales_order_unapprove(*, actor: User, order: SalesOrder) -> SalesOrder:
    """反审核: an approved order with nothing shipped goes back to draft; its reservations are released."""
    order = _locked(order)
    if order.status != OrderStatus.APPROVED:
        raise _refuse(order, str(_("unapproved")))
    if _shipped(order):
        raise SalesOrderShipped(number=order.number, action=_("unapproved"))
    released = _release(order)
    order.status, order.approved_by, order.approved_at, order.submitted_at = OrderStatus.DRAFT, None, None, None
    order.save(update_fields=["status", "approved_by", "approved_at", "submitted_at"])
    audit_record(
        actor=actor, action="sales_order.unapproved", target=order, after={"status": order.status, "released": released}
    )
    return order


@transaction.atomic
def sales_order_close(*, actor: User, order: SalesOrder, reason: str = "") -> SalesOrder:
    """Close an approved or partly shipped order: the rest is cancelled and its reservations released."""
    order = _locked(order)
    if order.status not in {OrderStatus.APPROVED, OrderStatus.PARTIAL}:
        raise _refuse(order, str(_("closed")))
    released = _release(order)
    order.status, order.closed_at, order.close_reason = OrderStatus.CLOSED, timezone.now(), (reason or "").strip()[:200]
    order.save(update_fields=["status", "closed_at", "close_reason"])
    audit_record(
        actor=actor,
        action="sales_order.closed",
        target=order,
        after={"status": order.status, "reason": reason, "released": released},
    )
    return order


@transaction.atomic
def sales_order_void(*, actor: User, order: SalesOrder, reason: str = "") -> SalesOrder:
    """作废: an order with nothing shipped; waiting reviews are cancelled, reservations released."""
    order = _locked(order)
    if order.status not in {OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED}:
        raise _refuse(order, str(_("voided")))
    if _shipped(order):
        raise SalesOrderShipped(number=order.number, action=_("voided"))
    ApprovalStep.objects.filter(document_type=SALES_ORDER, document_id=order.pk, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.CANCELLED, decided_at=timezone.now()
    )
    released = _release(order)
    order.status, order.close_reason = OrderStatus.VOID, (reason or "").strip()[:200]
    order.save(update_fields=["status", "close_reason"])
    audit_record(
        actor=actor,
        action="sales_order.voided",
        target=order,
        after={"status": order.status, "reason": reason, "released": released},
    )
    return order
