"""Reads of receipts of payment (收款) and payments (付款), shared by pages and API: the search, one payment with
its allocations, and a partner's open items to allocate (documents still owed, credits still to apply)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField
from jxc.finance.choices import OPENING_SOURCE, PAYMENT_SOURCE, WRITE_OFF_SOURCE, Direction
from jxc.finance.models import Payment
from jxc.partners.models import Account, Allocation, OpenItem

ZERO = Decimal(0)

# What each kind of partner-ledger source is called, and the page that shows it (by URL name: finance does not
# import sales or purchasing).
SOURCE_LABELS: dict[str, str | Promise] = {
    "sales.salesshipment": _("shipment"),
    "sales.salesreturn": _("sales return"),
    "purchasing.purchasereceipt": _("purchase receipt"),
    "purchasing.purchasereturn": _("purchase return"),
    PAYMENT_SOURCE: _("payment"),
    WRITE_OFF_SOURCE: _("write-off"),
    OPENING_SOURCE: _("opening balance"),
}
SOURCE_PAGES = {
    "sales.salesshipment": "sales:shipment_detail",
    "sales.salesreturn": "sales:return_detail",
    "purchasing.purchasereceipt": "purchasing:receipt_detail",
    "purchasing.purchasereturn": "purchasing:return_detail",
    PAYMENT_SOURCE: "finance:payment_detail",
    WRITE_OFF_SOURCE: "finance:writeoff_detail",
}


def source_label(source_type: str) -> str:
    """What a partner-ledger source is called (a shipment, a purchase return, a payment…)."""
    return str(SOURCE_LABELS.get(source_type, source_type))


def source_url(source_type: str, source_id: int) -> str:
    """The page of the document a partner-ledger entry comes from, or "" when it has none."""
    name = SOURCE_PAGES.get(source_type)
    if not name:
        return ""
    try:
        return reverse(name, args=[source_id])
    except NoReverseMatch:
        return ""


def payment_search(
    *,
    q: str = "",
    direction: str = "",
    partner_id: int | None = None,
    cash_account_id: int | None = None,
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Payment]:
    """Payments by number, reference, partner or notes, with filters; each with `unallocated` (what is left of it
    to apply: its prepayment, 0 when all allocated)."""
    own = OpenItem.objects.filter(
        entry__source_type=PAYMENT_SOURCE, entry__source_id=OuterRef("pk"), entry__phase="post"
    ).values("open")[:1]
    payments = Payment.objects.select_related("partner", "cash_account", "created_by").annotate(
        open_amount=Subquery(own, output_field=MoneyField())
    )
    if direction:
        payments = payments.filter(direction=direction)
    if partner_id:
        payments = payments.filter(partner_id=partner_id)
    if cash_account_id:
        payments = payments.filter(cash_account_id=cash_account_id)
    if status:
        payments = payments.filter(status=status)
    if date_from:
        payments = payments.filter(date__gte=date_from)
    if date_to:
        payments = payments.filter(date__lte=date_to)
    q = q.strip()
    if q:
        payments = payments.filter(
            Q(number__icontains=q)
            | Q(reference__icontains=q)
            | Q(partner__name__icontains=q)
            | Q(partner__mnemonic__icontains=q.upper())
            | Q(notes__icontains=q)
        )
    return payments


def payment_get(*, pk: int) -> Payment:
    """One payment with its partner, cash account and the payment it reverses."""
    return Payment.objects.select_related("partner", "cash_account", "created_by", "reversal_of").get(pk=pk)


def payment_reversal(*, payment: Payment) -> Payment | None:
    """The payment that reversed this one (红冲), if any."""
    return Payment.objects.filter(reversal_of_id=payment.pk).first()


def payment_item_get(*, payment: Payment) -> OpenItem | None:
    """The payment's own item in the partner ledger: its open amount (negative) is what is left to apply."""
    return (
        OpenItem.objects.select_related("entry")
        .filter(entry__source_type=PAYMENT_SOURCE, entry__source_id=payment.pk, entry__phase="post")
        .first()
    )


def payment_unallocated(*, payment: Payment) -> Decimal:
    """What is left of a posted payment to apply to documents (its prepayment 预收/预付); 0 once reversed."""
    if payment.reversal_of_id:
        return ZERO
    item = payment_item_get(payment=payment)
    return -item.open if item is not None and item.open < 0 else ZERO


@dataclass(frozen=True)
class AllocationRow:
    """One allocation seen from one side: the other item (a document, or the credit that settled it)."""

    id: int
    item_id: int
    number: str
    kind: str
    url: str
    date: dt.date
    allocated_on: dt.date
    amount: Decimal
    by: str
    active: bool
    undoable: bool


def item_allocations(*, item_id: int) -> list[AllocationRow]:
    """Every allocation of an open item, undone ones too, oldest first. One made by a reversal (红冲: the
    document and its opposite settle each other) cannot be undone."""
    rows = (
        Allocation.objects.filter(Q(credit_id=item_id) | Q(debit_id=item_id))
        .select_related("debit__entry", "credit__entry")
        .order_by("pk")
    )
    out = []
    for allocation in rows:
        other = allocation.debit if allocation.credit_id == item_id else allocation.credit
        entry = other.entry
        active = allocation.released_at is None
        out.append(
            AllocationRow(
                id=allocation.pk,
                item_id=other.pk,
                number=entry.source_number,
                kind=source_label(entry.source_type),
                url=source_url(entry.source_type, entry.source_id),
                date=other.date,
                allocated_on=allocation.date,
                amount=allocation.amount,
                by=allocation.source_number,
                active=active,
                undoable=active and not (allocation.debit.reversed or allocation.credit.reversed),
            )
        )
    return out


def payment_allocations(*, payment: Payment) -> list[AllocationRow]:
    """The documents a payment is (or was) allocated to."""
    item = payment_item_get(payment=payment)
    return item_allocations(item_id=item.pk) if item is not None else []


def account_for(direction: str) -> str:
    """The partner account a payment direction settles: money in settles the receivable, money out the payable."""
    return Account.RECEIVABLE if direction == Direction.IN else Account.PAYABLE


@dataclass(frozen=True)
class OpenRow:
    """A partner's open item: a document still owed (a debt), or a credit still to apply; amounts positive."""

    item_id: int
    number: str
    kind: str
    source_type: str
    url: str
    date: dt.date
    due_date: dt.date
    amount: Decimal
    open: Decimal
    is_credit: bool
    overdue: bool


def _open_rows(items: QuerySet[OpenItem], *, on: dt.date | None) -> list[OpenRow]:
    rows = []
    for item in items:
        entry = item.entry
        credit = item.amount < 0
        rows.append(
            OpenRow(
                item_id=item.pk,
                number=entry.source_number,
                kind=source_label(entry.source_type),
                source_type=entry.source_type,
                url=source_url(entry.source_type, entry.source_id),
                date=item.date,
                due_date=item.due_date,
                amount=-item.amount if credit else item.amount,
                open=-item.open if credit else item.open,
                is_credit=credit,
                overdue=not credit and on is not None and item.due_date < on,
            )
        )
    return rows


def partner_open_debts(*, partner_id: int, account: str, on: dt.date | None = None) -> list[OpenRow]:
    """The partner's documents still owed on the account, oldest due first (the order automatic allocation
    uses); `overdue` against the day `on`."""
    items = (
        OpenItem.objects.filter(partner_id=partner_id, account=account, open__gt=0, reversed=False)
        .select_related("entry")
        .order_by("due_date", "date", "pk")
    )
    return _open_rows(items, on=on)


def partner_open_credits(*, partner_id: int, account: str) -> list[OpenRow]:
    """The partner's credits still to apply on the account: prepayments (what is left of payments), returns,
    write-offs; oldest first."""
    items = (
        OpenItem.objects.filter(partner_id=partner_id, account=account, open__lt=0, reversed=False)
        .select_related("entry")
        .order_by("date", "pk")
    )
    return _open_rows(items, on=None)


def open_item_get(*, pk: int) -> OpenItem:
    """One open item with its entry and partner."""
    return OpenItem.objects.select_related("entry", "partner").get(pk=pk)


def document_item(*, partner_id: int, account: str, number: str) -> OpenItem | None:
    """The debt a document number names among the partner's items on the account (its own posting)."""
    return (
        OpenItem.objects.select_related("entry")
        .filter(partner_id=partner_id, account=account, entry__source_number=number.strip(), amount__gt=0)
        .order_by("pk")
        .first()
    )
