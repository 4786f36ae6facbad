"""Allocation (核销): a credit — a payment, a return, a write-off — applied to a partner's open debts.

Runs in the caller's transaction. The partner's balance row is locked first (as every ledger change does), then
the open items in key order, so two payments settling the same document queue and the second sees what the
first left open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.core.errors import ValidationFailed
from jxc.core.numbers import round_money
from jxc.partners.errors import AllocationMismatch, CreditExceeded, DocumentVoid, OverAllocated
from jxc.partners.models import Allocation, OpenItem
from jxc.partners.services.ledger import EntrySource, balance_lock


@dataclass(frozen=True)
class Share:
    """An amount of a credit to apply to one debt (an open item, named by its entry's id)."""

    item_id: int
    amount: Decimal


def open_debts(*, partner_id: int, account: str) -> list[OpenItem]:
    """The partner's debts still open on the account, oldest due first (the order automatic allocation uses)."""
    return list(
        OpenItem.objects.filter(partner_id=partner_id, account=account, open__gt=0)
        .select_related("entry")
        .order_by("due_date", "date", "pk")
    )


def items_allocate(
    *,
    credit_id: int,
    shares: Sequence[Share] | None,
    source: EntrySource,
    day: date,
    actor: User | None,
) -> list[Allocation]:
    """Apply the credit item to debts: to the `shares` given, or (None) automatically oldest due first.

    Refuses a share above a debt's open amount, a total above the credit's open amount, a reversed document, and
    debts of another partner or account; nothing is written then. Automatic allocation stops when the credit or
    the debts run out; what is left of the credit stays open (a prepayment 预收/预付).
    """
    partner_id = OpenItem.objects.values_list("partner_id", flat=True).get(pk=credit_id)
    balance_lock(partner_id=partner_id)
    credit = OpenItem.objects.select_for_update(of=("self",)).select_related("entry", "partner").get(pk=credit_id)
    if credit.amount >= 0:
        raise ValidationFailed.one("allocations", _("Only a payment, a return or a write-off can settle documents."))
    if shares is None:
        wanted = [Share(i.pk, Decimal(-1)) for i in open_debts(partner_id=credit.partner_id, account=credit.account)]
    else:
        wanted = _merged(shares)
    if not wanted:
        return []
    debts = {
        i.pk: i
        for i in OpenItem.objects.select_for_update(of=("self",))
        .select_related("entry", "partner")
        .filter(pk__in=[s.item_id for s in wanted])
        .order_by("pk")
    }
    left = -credit.open
    made: list[Allocation] = []
    for share in wanted:
        debt = debts.get(share.item_id)
        if debt is None or debt.partner_id != credit.partner_id or debt.account != credit.account or debt.amount <= 0:
            number = debt.entry.source_number if debt is not None else f"#{share.item_id}"
            raise AllocationMismatch(field="allocations", number=number, partner=credit.partner.name)
        if debt.reversed:
            raise DocumentVoid(field="allocations", number=debt.entry.source_number)
        amount = min(debt.open, left) if share.amount < 0 else round_money(share.amount)
        if amount <= 0:
            if share.amount < 0:
                continue
            raise ValidationFailed.one("allocations", _("An allocated amount must be above zero."))
        if amount > debt.open:
            raise OverAllocated(field="allocations", number=debt.entry.source_number, open=debt.open, amount=amount)
        if amount > left:
            raise CreditExceeded(
                field="allocations", number=credit.entry.source_number, open=-credit.open, amount=_total(wanted)
            )
        debt.open -= amount
        left -= amount
        made.append(
            Allocation(
                debit=debt,
                credit=credit,
                amount=amount,
                date=day,
                source_type=source.type,
                source_id=source.id,
                source_number=source.number,
                created_by=actor if actor is not None and actor.pk else None,
            )
        )
        if left == 0 and shares is None:
            break
    if not made:
        return []
    credit.open = -left
    for item in [credit, *(debts[a.debit_id] for a in made)]:
        item.save(update_fields=["open"])
    return Allocation.objects.bulk_create(made)


def _merged(shares: Sequence[Share]) -> list[Share]:
    """Shares with the same debt added together, in the order first given."""
    totals: dict[int, Decimal] = {}
    for share in shares:
        totals[share.item_id] = totals.get(share.item_id, Decimal(0)) + round_money(share.amount)
    return [Share(item_id, amount) for item_id, amount in totals.items()]


def _total(shares: Sequence[Share]) -> str:
    return f"{sum((s.amount for s in shares if s.amount > 0), Decimal(0)):,.2f}"


def allocations_release(
    *, source: EntrySource | None = None, credit_id: int | None = None, allocation_id: int | None = None
) -> list[Allocation]:
    """Undo the active allocations made by a source, of one credit item, or one allocation; amounts open again."""
    assert source is not None or credit_id is not None or allocation_id is not None
    active = Allocation.objects.filter(released_at__isnull=True)
    if source is not None:
        active = active.filter(source_type=source.type, source_id=source.id)
    if credit_id is not None:
        active = active.filter(credit_id=credit_id)
    if allocation_id is not None:
        active = active.filter(pk=allocation_id)
    rows = list(active.order_by("pk"))
    if not rows:
        return []
    item_ids = sorted({a.debit_id for a in rows} | {a.credit_id for a in rows})
    partner_ids = sorted(set(OpenItem.objects.filter(pk__in=item_ids).values_list("partner_id", flat=True)))
    for partner_id in partner_ids:
        balance_lock(partner_id=partner_id)
    items = {i.pk: i for i in OpenItem.objects.select_for_update(of=("self",)).filter(pk__in=item_ids).order_by("pk")}
    rows = list(
        Allocation.objects.select_for_update(of=("self",)).filter(pk__in=[a.pk for a in rows], released_at__isnull=True)
    )
    now = timezone.now()
    for allocation in rows:
        items[allocation.debit_id].open += allocation.amount
        items[allocation.credit_id].open -= allocation.amount
        allocation.released_at = now
    for item in items.values():
        item.save(update_fields=["open"])
    Allocation.objects.filter(pk__in=[a.pk for a in rows]).update(released_at=now)
    return rows
