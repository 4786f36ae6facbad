"""The columns of the write-off list: one definition for the page and Excel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column
from jxc.finance.choices import WriteOffStatus
from jxc.finance.models import WriteOff

STATUS_BADGES = {
    WriteOffStatus.DRAFT: "badge-muted",
    WriteOffStatus.SUBMITTED: "badge-warning",
    WriteOffStatus.POSTED: "badge-success",
    WriteOffStatus.REJECTED: "badge-danger",
}


def status_badge(write_off: WriteOff) -> SafeString:
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_BADGES.get(WriteOffStatus(write_off.status), ""),
        write_off.status,
        write_off.get_status_display(),
    )


def _columns(*, html: bool) -> tuple[Column, ...]:
    status: Callable[[WriteOff], Any] = status_badge if html else (lambda w: w.get_status_display())
    columns = [
        Column("number", _("Number"), sort="number"),
        Column("date", _("Date"), kind="date", sort="date", width=12),
        Column("kind", _("Kind"), get=lambda w: w.get_kind_display(), sort="kind", width=14),
        Column("partner", _("Partner"), get=lambda w: w.partner.name, sort="partner__name", width=24),
        Column("account", _("Account"), get=lambda w: w.get_account_display(), sort="account", width=10),
        Column("amount", _("Amount"), kind="money", sort="amount"),
        Column("status", _("Status"), get=status, sort="status", width=10),
        Column("reason", _("Reason"), width=30),
    ]
    if not html:
        columns += [
            Column("created_by", _("Prepared by"), get=lambda w: str(w.created_by)),
            Column("posted_at", _("Posted at"), kind="datetime", width=16),
        ]
    return tuple(columns)


WRITEOFF_COLUMNS = _columns(html=True)
WRITEOFF_EXPORT_COLUMNS = _columns(html=False)
