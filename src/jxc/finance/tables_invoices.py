"""The columns of the tax invoice list and of the report "invoiced / not yet invoiced": one definition for the
pages, the API export and Excel."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from jxc.core.columns import Column
from jxc.finance.models import Invoice
from jxc.finance.selectors.invoices import DOCUMENT_URL
from jxc.partners.models import PartnerEntry


def document_url(entry: PartnerEntry) -> str:
    """The page of the shipment or receipt a partner-ledger entry belongs to ("" if there is none)."""
    name = DOCUMENT_URL.get(entry.source_type)
    if not name:
        return ""
    try:
        return reverse(name, args=[entry.source_id])
    except NoReverseMatch:
        return ""


def void_badge(invoice: Invoice) -> SafeString:
    if invoice.void:
        return format_html('<span class="badge badge-danger" data-void="1">{}</span>', _("void"))
    return format_html('<span class="badge badge-success" data-void="0">{}</span>', _("valid"))


def _invoice_columns(*, html: bool) -> tuple[Column, ...]:
    columns = [
        Column("number", _("Invoice number"), sort="number"),
        Column("direction", _("Direction"), get=lambda i: i.get_direction_display(), sort="direction", width=8),
        Column("date", _("Invoice date"), kind="date", sort="date", width=12),
        Column("partner", _("Partner"), get=lambda i: i.partner.name, sort="partner__name", width=24),
        Column("amount", _("Amount with tax"), kind="money", sort="amount"),
        Column("tax", _("Tax"), kind="money", sort="tax"),
        Column("line_count", _("Documents"), kind="int", sort="line_count", width=8),
        Column(
            "void", _("Status"), get=void_badge if html else (lambda i: _("void") if i.void else _("valid")), width=8
        ),
    ]
    if not html:
        columns += [
            Column("created_by", _("Recorded by"), get=lambda i: str(i.created_by)),
            Column("created_at", _("Recorded at"), kind="datetime", width=16),
            Column("notes", _("Notes"), width=30),
        ]
    return tuple(columns)


INVOICE_COLUMNS = _invoice_columns(html=True)
INVOICE_EXPORT_COLUMNS = _invoice_columns(html=False)


def _state(item: Any) -> Any:
    return _("fully invoiced") if item.left <= 0 else (_("partly invoiced") if item.invoiced else _("not invoiced"))


STATUS_COLUMNS = (
    Column("partner", _("Partner"), get=lambda i: i.partner.name, sort="partner__name", width=24),
    Column("number", _("Document"), get=lambda i: i.entry.source_number, sort="entry__source_number", width=18),
    Column("date", _("Date"), kind="date", sort="date", width=12),
    Column("amount", _("Amount with tax"), kind="money", sort="amount"),
    Column("invoiced", _("Invoiced"), kind="money", sort="invoiced"),
    Column("left", _("Not yet invoiced"), kind="money", sort="left"),
    Column("state", _("Status"), get=_state, width=12),
)
