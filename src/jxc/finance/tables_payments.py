"""The columns of the payment list, the cash account list and a cash journal: one definition for the pages, the API
export and Excel."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column
from jxc.finance.choices import PaymentStatus
from jxc.finance.models import Payment

STATUS_BADGES = {PaymentStatus.POSTED: "badge-success", PaymentStatus.REVERSED: "badge-danger"}
ZERO = Decimal(0)


def status_text(payment: Payment) -> str:
    if payment.reversal_of_id:
        return str(_("reversal"))
    return str(payment.get_status_display())


def status_badge(payment: Payment) -> SafeString:
    badge = "badge-warning" if payment.reversal_of_id else STATUS_BADGES.get(PaymentStatus(payment.status), "")
    return format_html('<span class="badge {}" data-status="{}">{}</span>', badge, payment.status, status_text(payment))


def unallocated(payment: Payment) -> Decimal:
    """What is left to apply (from the list's annotation): 0 for reversed payments and reversals."""
    if payment.reversal_of_id or payment.status != PaymentStatus.POSTED:
        return ZERO
    value = getattr(payment, "open_amount", None)
    return -value if value is not None and value < 0 else ZERO


def allocated(payment: Payment) -> Decimal:
    if payment.reversal_of_id or payment.status != PaymentStatus.POSTED:
        return ZERO
    return payment.amount - unallocated(payment)


def _payment_columns(*, html: bool) -> tuple[Column, ...]:
    status: Callable[[Payment], Any] = status_badge if html else status_text
    columns = [
        Column("number", _("Number"), sort="number"),
        Column("date", _("Date"), kind="date", sort="date", width=12),
        Column("direction", _("Type"), get=lambda p: p.get_direction_display(), sort="direction", width=10),
        Column("partner", _("Partner"), get=lambda p: p.partner.name, sort="partner__name", width=24),
        Column("cash_account", _("Cash account"), get=lambda p: p.cash_account.name, sort="cash_account__name"),
        Column("method", _("Method"), get=lambda p: p.get_method_display(), width=10),
        Column("amount", _("Amount"), kind="money", sort="amount"),
        Column("allocated", _("Allocated"), kind="money", get=allocated),
        Column("unallocated", _("Prepaid (not allocated)"), kind="money", get=unallocated),
        Column("reference", _("Reference"), width=16),
        Column("status", _("Status"), get=status, sort="status", width=10),
    ]
    if not html:
        columns += [
            Column("created_by", _("Prepared by"), get=lambda p: str(p.created_by)),
            Column("created_at", _("Created at"), kind="datetime", width=16),
            Column("notes", _("Notes"), width=30),
        ]
    return tuple(columns)


PAYMENT_COLUMNS = _payment_columns(html=True)
PAYMENT_EXPORT_COLUMNS = _payment_columns(html=False)

CASH_ACCOUNT_COLUMNS = (
    Column("code", _("Code"), sort="code", width=10),
    Column("name", _("Name"), sort="name", width=20),
    Column("kind", _("Kind"), get=lambda a: a.get_kind_display(), sort="kind", width=10),
    Column("bank_name", _("Bank"), width=20),
    Column("account_no", _("Account number"), width=22),
    Column("balance", _("Account balance"), kind="money", sort="balance"),
    Column("active", _("Active"), kind="bool", width=8),
    Column("notes", _("Notes"), width=24),
)

JOURNAL_COLUMNS = (
    Column("date", _("Date"), kind="date", width=12),
    Column("number", _("Document"), width=18),
    Column("memo", _("Memo"), width=30),
    Column("money_in", _("Money in"), kind="money"),
    Column("money_out", _("Money out"), kind="money"),
    Column("balance", _("Running balance"), kind="money"),
)
