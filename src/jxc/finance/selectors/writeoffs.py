"""Reads of write-offs (坏账核销) and discounts (折让): the list with filters, one write-off's lines and allocations."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from jxc.finance.choices import WRITE_OFF_SOURCE
from jxc.finance.models import WriteOff, WriteOffLine
from jxc.partners.models import Allocation


def writeoff_search(
    *,
    q: str = "",
    status: str = "",
    kind: str = "",
    account: str = "",
    partner_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[WriteOff]:
    """Write-offs by number, partner or reason, and filters."""
    found = WriteOff.objects.select_related("partner", "created_by")
    if q:
        q = q.strip()
        found = found.filter(Q(number__icontains=q) | Q(partner__name__icontains=q) | Q(reason__icontains=q))
    if status:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    if account:
        found = found.filter(account=account)
    if partner_id:
        found = found.filter(partner_id=partner_id)
    if date_from:
        found = found.filter(date__gte=date_from)
    if date_to:
        found = found.filter(date__lte=date_to)
    return found


def writeoff_get(*, pk: int) -> WriteOff:
    """One write-off with its partner (raises WriteOff.DoesNotExist)."""
    return WriteOff.objects.select_related("partner", "created_by").get(pk=pk)


def writeoff_lines(write_off: WriteOff) -> list[WriteOffLine]:
    """The documents the write-off names, with their entries."""
    return list(write_off.lines.select_related("item__entry").order_by("pk"))


def writeoff_allocations(write_off: WriteOff) -> list[Allocation]:
    """The documents a posted write-off settled (undone ones included, marked by `released_at`)."""
    return list(
        Allocation.objects.filter(source_type=WRITE_OFF_SOURCE, source_id=write_off.pk)
        .select_related("debit__entry")
        .order_by("pk")
    )
