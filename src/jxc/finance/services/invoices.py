"""Tax invoices (发票): recorded against shipments (issued, 销项) or receipts (received, 进项), never more than a
document's amount in all; voiding one frees what it covered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_queue, audit_record
from jxc.core.db import retrying_atomic
from jxc.core.errors import Duplicate, Forbidden, ValidationFailed
from jxc.core.numbers import round_money
from jxc.finance.choices import InvoiceDirection
from jxc.finance.errors import InvoiceExceedsDocument
from jxc.finance.models import Invoice, InvoiceLine
from jxc.finance.selectors.invoices import (
    ACCOUNT_OF,
    DOCUMENT_PHASE,
    SOURCE_OF,
    invoice_number_used,
    invoiced_by_item,
)
from jxc.partners.models import OpenItem, Partner

MAX_AMOUNT = Decimal("9999999999.99")
VOID = "finance.void_invoice"


@dataclass
class InvoiceLineData:
    """The part of the invoice that covers one document (its open item)."""

    item_id: int | None
    amount: Decimal | None


@dataclass
class InvoiceData:
    """A tax invoice as entered: `amount` is 价税合计 (with tax), the lines add up to it."""

    direction: str
    partner_id: int | None
    number: str
    date: date | None
    amount: Decimal | None
    tax: Decimal | None
    notes: str = ""
    lines: list[InvoiceLineData] = field(default_factory=list)


def _money_error(value: Decimal | None, *, allow_zero: bool = False) -> str | None:
    if value is None or value < 0 or (value == 0 and not allow_zero):
        return _("Enter an amount above zero.") if not allow_zero else _("Enter an amount of zero or more.")
    if value > MAX_AMOUNT or value != round_money(value):
        return _("Enter an amount in yuan with at most two decimals.")
    return None


def _clean(data: InvoiceData) -> Partner:
    """Check the input that needs no lock: direction, partner and role, number, date, amounts, lines."""
    errors: dict[str, list[str | Promise]] = {}
    if data.direction not in InvoiceDirection.values:
        errors["direction"] = [_("Choose issued or received.")]
    partner = Partner.objects.filter(pk=data.partner_id).first() if data.partner_id else None
    if partner is None:
        errors["partner"] = [_("Choose a customer or supplier.")]
    elif data.direction == InvoiceDirection.ISSUED and not partner.is_customer:
        errors["partner"] = [_("%(name)s is not a customer.") % {"name": partner.name}]
    elif data.direction == InvoiceDirection.RECEIVED and not partner.is_supplier:
        errors["partner"] = [_("%(name)s is not a supplier.") % {"name": partner.name}]
    if not data.number.strip():
        errors["number"] = [_("Enter the invoice number.")]
    elif len(data.number.strip()) > 40:
        errors["number"] = [_("An invoice number has at most 40 characters.")]
    if data.date is None:
        errors["date"] = [_("Enter a date.")]
    amount_error = _money_error(data.amount)
    if amount_error:
        errors["amount"] = [amount_error]
    tax_error = _money_error(data.tax, allow_zero=True)
    if tax_error:
        errors["tax"] = [tax_error]
    elif not amount_error and data.tax is not None and data.amount is not None and data.tax > data.amount:
        errors["tax"] = [_("The tax cannot be more than the amount with tax.")]
    if not data.lines:
        errors["lines"] = [_("Enter the amount invoiced on at least one document.")]
    seen: set[int] = set()
    for i, line in enumerate(data.lines):
        if line.item_id is None:
            errors[f"lines.{i}.item"] = [_("Choose a document.")]
        elif line.item_id in seen:
            errors[f"lines.{i}.item"] = [_("This document is listed twice.")]
        else:
            seen.add(line.item_id)
        line_error = _money_error(line.amount)
        if line_error:
            errors[f"lines.{i}.amount"] = [line_error]
    if not errors and data.amount is not None:
        total = sum((line.amount or Decimal(0) for line in data.lines), Decimal(0))
        if total != data.amount:
            errors["amount"] = [
                _("The documents add up to %(lines)s, but the invoice amount is %(amount)s.")
                % {"lines": f"{total:.2f}", "amount": f"{data.amount:.2f}"}
            ]
    if errors:
        raise ValidationFailed(errors)
    assert partner is not None
    return partner


def _check_items(data: InvoiceData, partner: Partner, items: dict[int, OpenItem]) -> None:
    """Each line's document belongs to the partner, is a posted shipment (issued) or receipt (received), positive,
    not reversed."""
    direction = InvoiceDirection(data.direction)
    kind = _("shipment") if direction == InvoiceDirection.ISSUED else _("purchase receipt")
    errors: dict[str, list[str | Promise]] = {}
    for i, line in enumerate(data.lines):
        assert line.item_id is not None
        item = items.get(line.item_id)
        if item is None:
            errors[f"lines.{i}.item"] = [_("This document does not exist.")]
        elif item.partner_id != partner.pk:
            errors[f"lines.{i}.item"] = [
                _("%(number)s is not a document of %(name)s.") % {"number": item.entry.source_number, "name": partner}
            ]
        elif (
            item.account != ACCOUNT_OF[direction]
            or item.entry.source_type != SOURCE_OF[direction]
            or item.entry.phase != DOCUMENT_PHASE
            or item.amount <= 0
        ):
            errors[f"lines.{i}.item"] = [
                _("%(number)s is not a %(kind)s.") % {"number": item.entry.source_number, "kind": kind}
            ]
        elif item.reversed:
            errors[f"lines.{i}.item"] = [
                _("%(number)s is reversed: it cannot be invoiced.") % {"number": item.entry.source_number}
            ]
    if errors:
        raise ValidationFailed(errors)


@retrying_atomic
def invoice_record(*, actor: User, data: InvoiceData) -> Invoice:
    """Record a tax invoice against documents of the partner, never above what is left to invoice on each."""
    partner = _clean(data)
    number = data.number.strip()
    if invoice_number_used(direction=data.direction, partner_id=partner.pk, number=number):
        raise Duplicate(label=_("Invoice number"), value=number, field="number")
    ids = sorted({line.item_id for line in data.lines if line.item_id is not None})
    audit_queue()
    items = {
        i.pk: i
        for i in OpenItem.objects.select_for_update(of=("self",))
        .select_related("entry")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    _check_items(data, partner, items)
    invoiced = invoiced_by_item(ids)
    for i, line in sorted(enumerate(data.lines), key=lambda pair: pair[1].item_id or 0):
        assert line.item_id is not None and line.amount is not None
        item = items[line.item_id]
        left = item.amount - invoiced.get(item.pk, Decimal(0))
        if line.amount > left:
            raise InvoiceExceedsDocument(
                number=item.entry.source_number,
                left=f"{left:.2f}",
                amount=f"{line.amount:.2f}",
                field=f"lines.{i}.amount",
            )
    assert data.date is not None and data.amount is not None and data.tax is not None
    try:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                direction=data.direction,
                number=number,
                date=data.date,
                partner=partner,
                amount=data.amount,
                tax=data.tax,
                notes=(data.notes or "").strip()[:300],
                created_by=actor,
            )
    except IntegrityError:  # the same number recorded at the same moment by someone else
        raise Duplicate(label=_("Invoice number"), value=number, field="number") from None
    InvoiceLine.objects.bulk_create(
        [InvoiceLine(invoice=invoice, item_id=line.item_id, amount=line.amount) for line in data.lines]
    )
    audit_record(
        actor=actor,
        action="invoice.recorded",
        target=invoice,
        after={
            "direction": invoice.direction,
            "partner": partner.pk,
            "date": invoice.date.isoformat(),
            "amount": str(invoice.amount),
            "tax": str(invoice.tax),
            "lines": [
                {"document": items[ln.item_id or 0].entry.source_number, "amount": str(ln.amount)} for ln in data.lines
            ],
        },
    )
    return invoice


@transaction.atomic
def invoice_void(*, actor: User, invoice: Invoice, reason: str) -> Invoice:
    """Void a tax invoice (needs void_invoice): its lines no longer count as invoiced. Again: nothing changes."""
    if not actor.has_perm(VOID):
        raise Forbidden(missing=[VOID])
    invoice = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    if invoice.void:
        return invoice
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed.one("reason", _("Say why the invoice is void."))
    invoice.void = True
    invoice.save(update_fields=["void"])
    audit_record(actor=actor, action="invoice.voided", target=invoice, after={"void": True, "reason": reason[:200]})
    return invoice
