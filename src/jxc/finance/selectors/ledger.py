"""Reads of a partner's account (往来账): balances, open documents, and the entries between dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.core.numbers import ZERO
from jxc.finance.choices import OPENING_SOURCE, PAYMENT_SOURCE, WRITE_OFF_SOURCE
from jxc.finance.selectors.periods import partner_balance_at
from jxc.partners.models import Account, OpenItem, Partner, PartnerEntry
from jxc.partners.selectors import partner_balance

# The kinds of document that post to the partner ledger: their label and the page that shows one.
SOURCES: dict[str, tuple[str | Promise, str]] = {
    "sales.salesshipment": (_("shipment"), "sales:shipment_detail"),
    "sales.salesreturn": (_("sales return"), "sales:return_detail"),
    "purchasing.purchasereceipt": (_("purchase receipt"), "purchasing:receipt_detail"),
    "purchasing.purchasereturn": (_("purchase return"), "purchasing:return_detail"),
    PAYMENT_SOURCE: (_("payment"), "finance:payment_detail"),
    WRITE_OFF_SOURCE: (_("write-off"), "finance:writeoff_detail"),
    OPENING_SOURCE: (_("opening balance"), ""),
}


def source_label(source_type: str) -> str:
    """What kind of document posted an entry ("shipment", "payment"…)."""
    known = SOURCES.get(source_type)
    return str(known[0]) if known is not None else source_type


def source_url(source_type: str, source_id: int) -> str:
    """The page of the document that posted an entry ("" when it has none, or its app is not installed)."""
    known = SOURCES.get(source_type)
    if known is None or not known[1]:
        return ""
    try:
        return reverse(known[1], args=[source_id])
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class AccountTotals:
    """A partner's account between two dates: the balance before, what raised and lowered it, the balance after."""

    opening: Decimal
    raised: Decimal
    lowered: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.raised + self.lowered


def open_items(*, partner_id: int, account: str = "") -> QuerySet[OpenItem]:
    """The partner's open documents and unapplied credits (prepayments, returns, write-offs), oldest due first."""
    items = OpenItem.objects.filter(partner_id=partner_id).exclude(open=0)
    if account:
        items = items.filter(account=account)
    return items.select_related("entry").order_by("account", "due_date", "date", "pk")


def open_debts_of(*, partner_id: int, account: str) -> QuerySet[OpenItem]:
    """The partner's documents still open on the account (what a payment or write-off can settle), oldest due
    first."""
    return (
        OpenItem.objects.filter(partner_id=partner_id, account=account, open__gt=0, reversed=False)
        .select_related("entry")
        .order_by("due_date", "date", "pk")
    )


def partner_entries(
    *,
    partner_id: int,
    account: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    kind: str = "",
    q: str = "",
) -> QuerySet[PartnerEntry]:
    """The partner's ledger entries, filtered by account, dates, kind of document and number or memo."""
    entries = PartnerEntry.objects.filter(partner_id=partner_id)
    if account:
        entries = entries.filter(account=account)
    if date_from:
        entries = entries.filter(date__gte=date_from)
    if date_to:
        entries = entries.filter(date__lte=date_to)
    if kind:
        entries = entries.filter(source_type=kind)
    if q:
        q = q.strip()
        entries = entries.filter(Q(source_number__icontains=q) | Q(memo__icontains=q))
    return entries.select_related("created_by")


def account_totals(
    *, partner_id: int, account: str, date_from: date | None = None, date_to: date | None = None
) -> AccountTotals:
    """The account's balance before `date_from` (month-close snapshot + entries since), the entries raising and
    lowering it up to `date_to`."""
    assert account in Account.values
    within = Q(date__gte=date_from) if date_from else Q()
    if date_to:
        within &= Q(date__lte=date_to)
    sums = PartnerEntry.objects.filter(partner_id=partner_id, account=account).aggregate(
        raised=Sum("amount", filter=within & Q(amount__gt=0)),
        lowered=Sum("amount", filter=within & Q(amount__lt=0)),
    )
    opening = ZERO
    if date_from is not None:
        balances = partner_balance_at(partner=Partner(pk=partner_id), day=date_from - timedelta(days=1))
        opening = balances[0] if account == Account.RECEIVABLE else balances[1]
    return AccountTotals(opening=opening, raised=sums["raised"] or ZERO, lowered=sums["lowered"] or ZERO)


@dataclass(frozen=True)
class PartnerAccount:
    """What a partner owes us and we owe them, with what is overdue of each."""

    partner: Partner
    receivable: Decimal
    payable: Decimal
    receivable_overdue: Decimal
    payable_overdue: Decimal


def partner_account(*, partner: Partner, on: date) -> PartnerAccount:
    """The partner's balances and the open amounts of documents due before `on`."""
    balance = partner_balance(partner=partner)
    overdue = OpenItem.objects.filter(partner=partner, open__gt=0, due_date__lt=on).aggregate(
        receivable=Sum("open", filter=Q(account=Account.RECEIVABLE)),
        payable=Sum("open", filter=Q(account=Account.PAYABLE)),
    )
    return PartnerAccount(
        partner=partner,
        receivable=balance.receivable,
        payable=balance.payable,
        receivable_overdue=overdue["receivable"] or ZERO,
        payable_overdue=overdue["payable"] or ZERO,
    )
