"""The columns of the partner account's entries, the ageing table and the overdue lists: one definition for the
pages and Excel. Amounts owed are not cost data: anyone who may see the ledger sees them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.columns import Column
from jxc.finance.selectors.ageing import days_past_due
from jxc.finance.selectors.ledger import source_label, source_url


def _linked(number: str, url: str) -> SafeString | str:
    return format_html('<a class="mono" href="{}">{}</a>', url, number) if url else number


def _entry_number(entry: Any) -> SafeString | str:
    return _linked(entry.source_number, source_url(entry.source_type, entry.source_id))


def _item_number(item: Any) -> SafeString | str:
    entry = item.entry
    return _linked(entry.source_number, source_url(entry.source_type, entry.source_id))


def _partner_link(item: Any) -> SafeString:
    return format_html(
        '<a href="{}">{}</a>', reverse("finance:partner_ledger", args=[item.partner_id]), item.partner.name
    )


def _entry_columns(*, html: bool) -> tuple[Column, ...]:
    number: Callable[[Any], Any] = _entry_number if html else (lambda e: e.source_number)
    return (
        Column("date", _("Date"), kind="date", sort="date", width=12),
        Column("kind", _("Type"), get=lambda e: source_label(e.source_type), sort="source_type", width=12),
        Column("source_number", _("Document"), get=number, sort="source_number", width=18),
        Column("account", _("Account"), get=lambda e: e.get_account_display(), sort="account", width=10),
        Column("due_date", _("Due date"), kind="date", sort="due_date", width=12),
        Column(
            "debit", pgettext_lazy("ledger", "Raised"), kind="money", get=lambda e: e.amount if e.amount > 0 else None
        ),
        Column(
            "credit",
            pgettext_lazy("ledger", "Lowered"),
            kind="money",
            get=lambda e: -e.amount if e.amount < 0 else None,
        ),
        Column("balance_after", _("Balance"), kind="money"),
        Column("memo", _("Memo"), width=30),
    )


ENTRY_COLUMNS = _entry_columns(html=True)
ENTRY_EXPORT_COLUMNS = _entry_columns(html=False)

AGEING_COLUMNS = (
    Column("code", _("Code"), width=10),
    Column("partner", _("Partner"), width=24),
    Column("not_due", _("Not yet due"), kind="money"),
    Column("days_0_30", _("0–30 days"), kind="money"),
    Column("days_31_60", _("31–60 days"), kind="money"),
    Column("days_61_90", _("61–90 days"), kind="money"),
    Column("over_90", _("Over 90 days"), kind="money"),
    Column("credits", _("Unapplied credits"), kind="money"),
    Column("total", _("Total"), kind="money"),
)


def due_columns(as_of: date, *, html: bool) -> list[Column]:
    """The overdue list's columns, days counted from `as_of` (negative: days until due)."""
    number: Callable[[Any], Any] = _item_number if html else (lambda i: i.entry.source_number)
    partner: Callable[[Any], Any] = _partner_link if html else (lambda i: i.partner.name)
    return [
        Column("number", _("Document"), get=number, sort="entry__source_number", width=18),
        Column("partner", _("Partner"), get=partner, sort="partner__name", width=24),
        Column("kind", _("Type"), get=lambda i: source_label(i.entry.source_type), width=12),
        Column("date", _("Date"), kind="date", sort="date", width=12),
        Column("due_date", _("Due date"), kind="date", sort="due_date", width=12),
        Column("days", _("Days past due"), kind="int", get=lambda i: days_past_due(i, as_of), width=10),
        Column("amount", _("Amount"), kind="money", sort="amount"),
        Column("open", _("Open"), kind="money", sort="open"),
    ]
