"""Reads of statements (对账单): one partner's account over a period, and the statements shared by signed link.

A statement starts from the account's balance before the period (the sum of the partner's earlier entries, one
indexed range of one partner), lists every entry of the period by date with what raised it (debit) or lowered it
(credit) and the running balance, and ends with the closing balance. A shared statement is reached through a
link signed with the site's secret: it cannot be guessed or altered, and it stops working when it expires.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.finance.errors import StatementLinkInvalid
from jxc.finance.models import StatementShare
from jxc.finance.selectors.periods import partner_balance_at
from jxc.partners.models import Account, Partner, PartnerEntry

SHARE_SALT = "jxc.finance.statement-link"
MAX_VALID_DAYS = 366  # a link never lives longer than this, whatever its share says
ZERO = Decimal("0.00")

# What kind of document raised an entry, by its source type (partner-ledger entries name their source by label).
SOURCE_LABELS: dict[str, Promise] = {
    "sales.salesshipment": gettext_lazy("shipment"),
    "sales.salesreturn": gettext_lazy("sales return"),
    "purchasing.purchasereceipt": gettext_lazy("purchase receipt"),
    "purchasing.purchasereturn": gettext_lazy("purchase return"),
    "finance.payment": gettext_lazy("payment"),
    "finance.writeoff": gettext_lazy("write-off"),
    "finance.opening": gettext_lazy("opening balance"),
}
# A payment is a receipt of payment (收款) on the receivable side and a payment (付款) on the payable side.
PAYMENT_LABELS: dict[str, Promise] = {
    Account.RECEIVABLE: gettext_lazy("receipt of payment"),
    Account.PAYABLE: gettext_lazy("payment"),
}


def source_label(source_type: str, *, account: str = "", phase: str = "post") -> str:
    """A readable name of the document kind behind an entry; a reversal (红冲) says so; unknown: the type itself."""
    if source_type == "finance.payment" and account in PAYMENT_LABELS:
        label = str(PAYMENT_LABELS[account])
    else:
        known = SOURCE_LABELS.get(source_type)
        label = str(known) if known is not None else source_type
    if phase.startswith("reverse-"):
        return _("%(kind)s (reversal)") % {"kind": label}
    return label


@dataclass(frozen=True)
class StatementLine:
    """One entry of the period: its document, what it did to the account, and the balance after it."""

    entry_id: int
    date: dt.date
    number: str
    source_type: str
    source_id: int
    phase: str
    kind: str
    memo: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass
class Statement:
    """A partner's account over a period: opening balance, the period's entries, totals and closing balance."""

    partner: Partner
    account: str
    start: dt.date
    end: dt.date
    opening: Decimal
    lines: list[StatementLine] = field(default_factory=list)
    total_debit: Decimal = ZERO
    total_credit: Decimal = ZERO
    closing: Decimal = ZERO

    @property
    def account_label(self) -> str:
        return str(Account(self.account).label)


def statement_opening(*, partner: Partner, account: str, start: dt.date) -> Decimal:
    """The account's balance at the start of a day (the last month-close snapshot before it plus entries since)."""
    receivable, payable = partner_balance_at(partner=partner, day=start - dt.timedelta(days=1))
    return receivable if account == Account.RECEIVABLE else payable


def statement_entries(*, partner: Partner, account: str, start: dt.date, end: dt.date) -> QuerySet[PartnerEntry]:
    """The partner's entries in the period (both days included), by date then posting order."""
    return PartnerEntry.objects.filter(partner=partner, account=account, date__gte=start, date__lte=end).order_by(
        "date", "pk"
    )


def statement(*, partner: Partner, account: str, start: dt.date, end: dt.date) -> Statement:
    """The statement of one partner's receivable or payable from `start` to `end`: every entry with the running
    balance; closing = opening + debits − credits."""
    opening = statement_opening(partner=partner, account=account, start=start)
    result = Statement(partner=partner, account=account, start=start, end=end, opening=opening)
    balance, debit_total, credit_total = opening, ZERO, ZERO
    for entry in statement_entries(partner=partner, account=account, start=start, end=end):
        amount = entry.amount
        debit = amount if amount > 0 else ZERO
        credit = -amount if amount < 0 else ZERO
        balance += amount
        debit_total += debit
        credit_total += credit
        result.lines.append(
            StatementLine(
                entry_id=entry.pk,
                date=entry.date,
                number=entry.source_number,
                source_type=entry.source_type,
                source_id=entry.source_id,
                phase=entry.phase,
                kind=source_label(entry.source_type, account=account, phase=entry.phase),
                memo=entry.memo,
                debit=debit,
                credit=credit,
                balance=balance,
            )
        )
    result.total_debit, result.total_credit, result.closing = debit_total, credit_total, balance
    return result


def default_account(partner: Partner) -> str:
    """Receivable for a customer, payable for a supplier only."""
    return Account.PAYABLE if partner.is_supplier and not partner.is_customer else Account.RECEIVABLE


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """This month: its first day to its last."""
    start = today.replace(day=1)
    following = (start + dt.timedelta(days=32)).replace(day=1)
    return start, following - dt.timedelta(days=1)


# Shared statements


def statement_share_token(share: StatementShare) -> str:
    """The signed token of a shared statement's public link."""
    return signing.TimestampSigner(salt=SHARE_SALT).sign(str(share.pk))


def statement_share_from_token(*, token: str, now: dt.datetime | None = None) -> StatementShare:
    """The shared statement a link names; altered, too old or expired raises StatementLinkInvalid."""
    try:
        value = signing.TimestampSigner(salt=SHARE_SALT).unsign(token, max_age=dt.timedelta(days=MAX_VALID_DAYS))
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        raise StatementLinkInvalid() from None
    if not value.isdigit():
        raise StatementLinkInvalid()
    share = StatementShare.objects.select_related("partner").filter(pk=int(value)).first()
    if share is None or share_expired(share, now=now):
        raise StatementLinkInvalid()
    return share


def share_expired(share: StatementShare, *, now: dt.datetime | None = None) -> bool:
    return share.expires_at <= (now or timezone.now())


def statement_share_list(*, partner: Partner | None = None) -> QuerySet[StatementShare]:
    """Shared statements, newest first; of one partner when given."""
    shares = StatementShare.objects.select_related("partner", "created_by").order_by("-created_at", "-pk")
    if partner is not None:
        shares = shares.filter(partner=partner)
    return shares
