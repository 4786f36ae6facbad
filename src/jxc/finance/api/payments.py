"""API: receipts of payment (收款) and payments (付款) allocated to documents, 红冲, applying what is left, undoing
an allocation, and a partner's open items (documents owed, credits to apply)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from jxc.core.api import ErrorOut, Page, PageParams, paged, require
from jxc.core.columns import rows_of
from jxc.core.errors import NotFound, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.finance.choices import PaymentStatus
from jxc.finance.models import Payment
from jxc.finance.schemas_payments import (
    AllocationIn,
    AllocationOut,
    ApplyIn,
    OpenItemsOut,
    PaymentFilters,
    PaymentIn,
    PaymentOut,
    PaymentSummaryOut,
)
from jxc.finance.selectors.payments import (
    AllocationRow,
    OpenRow,
    account_for,
    document_item,
    item_allocations,
    open_item_get,
    partner_open_credits,
    partner_open_debts,
    payment_allocations,
    payment_get,
    payment_reversal,
    payment_search,
    payment_unallocated,
)
from jxc.finance.services.payments import (
    PaymentData,
    allocation_undo,
    credit_apply,
    payment_apply,
    payment_post,
    payment_reverse,
)
from jxc.finance.tables_payments import PAYMENT_EXPORT_COLUMNS, allocated, unallocated
from jxc.partners.models import Account, Allocation, OpenItem, Partner
from jxc.partners.services.allocation import Share

router = Router(tags=["payments"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
VIEW = "finance.view_payment"
ADD = "finance.add_payment"
REVERSE = "finance.reverse_payment"


def _summary(payment: Payment, *, left: Any = None) -> dict[str, Any]:
    posted = payment.status == PaymentStatus.POSTED and payment.reversal_of_id is None
    if left is None:
        left = unallocated(payment)
    return {
        "id": payment.pk,
        "number": payment.number,
        "direction": payment.direction,
        "date": payment.date,
        "partner_id": payment.partner_id,
        "partner": payment.partner.name,
        "cash_account_id": payment.cash_account_id,
        "cash_account": payment.cash_account.name,
        "method": payment.method,
        "amount": payment.amount,
        "allocated": payment.amount - left if posted else allocated(payment),
        "unallocated": left,
        "reference": payment.reference,
        "notes": payment.notes,
        "status": payment.status,
        "reversal_of_id": payment.reversal_of_id,
        "created_at": payment.created_at,
    }


def _allocation_out(row: AllocationRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "item_id": row.item_id,
        "document": row.number,
        "kind": row.kind,
        "date": row.date,
        "allocated_on": row.allocated_on,
        "amount": row.amount,
        "by": row.by,
        "active": row.active,
        "undoable": row.undoable,
    }


def payment_out(payment: Payment) -> dict[str, Any]:
    """A payment with its allocations and the payment that reversed it."""
    out = _summary(payment, left=payment_unallocated(payment=payment))
    reversal = payment_reversal(payment=payment)
    out.update(
        {
            "reversed_by_id": reversal.pk if reversal else None,
            "created_by": str(payment.created_by),
            "allocations": [_allocation_out(a) for a in payment_allocations(payment=payment)],
        }
    )
    return out


def _get(payment_id: int) -> Payment:
    try:
        return payment_get(pk=payment_id)
    except Payment.DoesNotExist:
        raise NotFound() from None


def _shares(entries: list[AllocationIn], *, partner_id: int | None, account: str, auto: bool) -> list[Share] | None:
    """The service's shares: None when `auto`; documents named by number resolved among the partner's items."""
    if auto:
        return None
    errors: dict[str, list[Any]] = {}
    shares = []
    for i, entry in enumerate(entries):
        item_id = entry.item_id
        if item_id is None and entry.document.strip():
            item = document_item(partner_id=partner_id or 0, account=account, number=entry.document)
            if item is None:
                errors[f"allocations.{i}.document"] = [
                    _("%(number)s is not a document of this partner on this account.")
                    % {"number": entry.document.strip()}
                ]
                continue
            item_id = item.pk
        if item_id is None:
            errors[f"allocations.{i}"] = [_("Name the document by item_id or by its number.")]
            continue
        shares.append(Share(item_id, entry.amount))
    if errors:
        raise ValidationFailed(errors)
    return shares


@router.get("/payments", response=Page[PaymentSummaryOut], summary="List receipts of payment and payments")
def payments(request: HttpRequest, params: Query[PageParams], filters: Query[PaymentFilters]) -> dict[str, Any]:
    """Newest first; each with what is allocated and what is left (the prepayment)."""
    require(request, VIEW)
    found = payment_search(**filters.dict()).order_by("-date", "-pk")
    return paged(found, params, _summary)


@router.get("/payments/export", summary="Export receipts of payment and payments to Excel", response={200: None})
def payments_export(request: HttpRequest, filters: Query[PaymentFilters]) -> HttpResponse:
    """The list's columns with the same filters."""
    require(request, VIEW)
    found = payment_search(**filters.dict()).order_by("-date", "-pk")
    return xlsx_response(
        filename="payments",
        title="payments",
        columns=PAYMENT_EXPORT_COLUMNS,
        rows=rows_of(found.iterator(chunk_size=2000), PAYMENT_EXPORT_COLUMNS),
    )


@router.post("/payments", response={201: PaymentOut, **ERRORS}, summary="Record a receipt of payment or a payment")
def payments_create(request: HttpRequest, payload: PaymentIn) -> Status[dict[str, Any]]:
    """Moves the cash account and the partner's account and allocates in one transaction (number SK… / FK…).
    Refused, with nothing written: more than a document's open amount (422 `over_allocated`), more than the payment
    (422 `allocation_exceeds_credit`), a reversed document (409 `document_void`), another partner's document (422
    `allocation_mismatch`), a date in a closed period (409 `closed_period`), an inactive partner or one without the
    role (422 `validation_error`)."""
    user = require(request, ADD)
    shares = _shares(
        payload.allocations,
        partner_id=payload.partner_id,
        account=account_for(payload.direction),
        auto=payload.auto,
    )
    data = PaymentData(
        direction=payload.direction,
        partner_id=payload.partner_id,
        amount=payload.amount,
        cash_account_id=payload.cash_account_id,
        method=payload.method,
        date=payload.date or timezone.localdate(),
        reference=payload.reference,
        notes=payload.notes,
        shares=shares,
    )
    payment = payment_post(actor=user, data=data)
    return Status(201, payment_out(_get(payment.pk)))


@router.get("/payments/{payment_id}", response={200: PaymentOut, **ERRORS}, summary="Get a receipt or payment")
def payments_get(request: HttpRequest, payment_id: int) -> dict[str, Any]:
    require(request, VIEW)
    return payment_out(_get(payment_id))


@router.post("/payments/{payment_id}/reverse", response={201: PaymentOut, **ERRORS}, summary="Reverse (红冲) a payment")
def payments_reverse(request: HttpRequest, payment_id: int, date: date | None = None) -> Status[dict[str, Any]]:
    """Undoes its allocations and posts the exact opposite as a new linked payment (returned). `?date=` dates it
    (default today; not before the payment). Again: 409 `payment_reversed`."""
    user = require(request, REVERSE)
    reversal = payment_reverse(actor=user, payment=_get(payment_id), day=date)
    return Status(201, payment_out(_get(reversal.pk)))


@router.post("/payments/{payment_id}/apply", response={200: PaymentOut, **ERRORS}, summary="Apply what is left")
def payments_apply(request: HttpRequest, payment_id: int, payload: ApplyIn) -> dict[str, Any]:
    """Apply the unallocated part (a prepayment) to documents: the `allocations` given, or `auto` oldest first."""
    user = require(request, ADD)
    payment = _get(payment_id)
    shares = _shares(payload.allocations, partner_id=payment.partner_id, account=payment.account, auto=payload.auto)
    if shares == []:
        raise ValidationFailed.one("allocations", _("Name at least one document, or allocate automatically."))
    payment_apply(actor=user, payment=payment, shares=shares, day=payload.date)
    return payment_out(_get(payment_id))


@router.post("/allocations/{allocation_id}/undo", response={200: AllocationOut, **ERRORS}, summary="Undo an allocation")
def allocations_undo(request: HttpRequest, allocation_id: int) -> dict[str, Any]:
    """The document and the credit are open by its amount again (seen from the credit). Again: harmless."""
    user = require(request, ADD)
    allocation = Allocation.objects.filter(pk=allocation_id).first()
    if allocation is None:
        raise NotFound()
    allocation_undo(actor=user, allocation=allocation)
    row = next(a for a in item_allocations(item_id=allocation.credit_id) if a.id == allocation.pk)
    return _allocation_out(row)


def _open_out(row: OpenRow) -> dict[str, Any]:
    return {
        "item_id": row.item_id,
        "document": row.number,
        "kind": row.kind,
        "source_type": row.source_type,
        "date": row.date,
        "due_date": row.due_date,
        "amount": row.amount,
        "open": row.open,
        "overdue": row.overdue,
    }


@router.get(
    "/partners/{partner_id}/open-items", response={200: OpenItemsOut, **ERRORS}, summary="A partner's open items"
)
def partner_open_items(request: HttpRequest, partner_id: int, account: str = "") -> dict[str, Any]:
    """Documents still owed (oldest due first: the order automatic allocation uses) and credits still to apply
    (prepayments, returns, write-offs) on `account` (receivable or payable; default: receivable for a customer)."""
    require(request, VIEW)
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise NotFound()
    if not account:
        account = Account.RECEIVABLE if partner.is_customer else Account.PAYABLE
    if account not in Account.values:
        raise ValidationFailed.one("account", _("Choose receivable or payable."))
    debts = partner_open_debts(partner_id=partner.pk, account=account, on=timezone.localdate())
    credits = partner_open_credits(partner_id=partner.pk, account=account)
    return {
        "partner_id": partner.pk,
        "account": account,
        "debts": [_open_out(r) for r in debts],
        "credits": [_open_out(r) for r in credits],
        "owed": sum((r.open for r in debts), Decimal(0)),
        "credit": sum((r.open for r in credits), Decimal(0)),
    }


@router.post(
    "/open-items/{item_id}/apply", response={200: list[AllocationOut], **ERRORS}, summary="Apply a partner's credit"
)
def open_items_apply(request: HttpRequest, item_id: int, payload: ApplyIn) -> list[dict[str, Any]]:
    """Apply an open credit (a prepayment, a return, a write-off) to the partner's documents on its account; returns
    the allocations made."""
    user = require(request, ADD)
    try:
        item: OpenItem = open_item_get(pk=item_id)
    except OpenItem.DoesNotExist:
        raise NotFound() from None
    shares = _shares(payload.allocations, partner_id=item.partner_id, account=item.account, auto=payload.auto)
    if shares == []:
        raise ValidationFailed.one("allocations", _("Name at least one document, or allocate automatically."))
    made = credit_apply(actor=user, item_id=item.pk, shares=shares, day=payload.date)
    ids = {a.pk for a in made}
    return [_allocation_out(a) for a in item_allocations(item_id=item.pk) if a.id in ids]
