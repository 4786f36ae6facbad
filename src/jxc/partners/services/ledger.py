"""The partner ledger (往来账): receivables and payables raised and lowered by documents, append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import models, transaction

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_queue
from jxc.core.numbers import round_money
from jxc.partners.errors import ItemSettled
from jxc.partners.models import Account, Allocation, OpenItem, Partner, PartnerBalance, PartnerEntry


@dataclass(frozen=True)
class EntrySource:
    """The document step an entry comes from (one entry per account per step)."""

    type: str
    id: int
    number: str
    phase: str = "post"


def partner_entry_post(
    *,
    partner: Partner,
    account: str,
    amount: Decimal,
    day: date,
    source: EntrySource,
    actor: User | None,
    due_date: date | None = None,
    memo: str = "",
) -> PartnerEntry:
    """Add an entry and move the partner's balance with it, in the caller's transaction; once per source step.

    The balance row is locked first, so concurrent postings for one partner queue and each entry records the
    balance after it. The due date defaults to the date plus the partner's payment terms.
    """
    existing = PartnerEntry.objects.filter(
        source_type=source.type, source_id=source.id, phase=source.phase, account=account
    ).first()
    if existing is not None:
        return existing
    assert account in Account.values
    amount = round_money(amount)
    with transaction.atomic():
        PartnerBalance.objects.get_or_create(partner_id=partner.pk)
    balance = balance_lock(partner_id=partner.pk)
    field = "receivable" if account == Account.RECEIVABLE else "payable"
    after = getattr(balance, field) + amount
    setattr(balance, field, after)
    balance.save(update_fields=[field])
    due = due_date or day + timedelta(days=partner.payment_terms_days)
    entry = PartnerEntry.objects.create(
        partner=partner,
        account=account,
        date=day,
        due_date=due,
        amount=amount,
        balance_after=after,
        source_type=source.type,
        source_id=source.id,
        source_number=source.number,
        phase=source.phase,
        memo=memo[:200],
        created_by=actor if actor is not None and actor.pk else None,
    )
    if amount:
        OpenItem.objects.create(
            entry=entry, partner=partner, account=account, date=day, due_date=due, amount=amount, open=amount
        )
    return entry


def balance_lock(*, partner_id: int) -> PartnerBalance:
    """Lock the partner's balance row (made on first use): every change to the partner's ledger queues here."""
    audit_queue()
    with transaction.atomic():
        PartnerBalance.objects.get_or_create(partner_id=partner_id)
    return PartnerBalance.objects.select_for_update(of=("self",)).get(partner_id=partner_id)


def partner_entry_reverse(*, source: EntrySource, original: EntrySource, day: date, actor: User | None) -> None:
    """Post the exact opposite of every entry of an earlier step (红冲), as the entries of `source`.

    The entry and its opposite settle each other and are marked reversed; an entry that payments, returns or
    write-offs already settle (in part) is refused until those allocations are undone.
    """
    entries = list(
        PartnerEntry.objects.filter(
            source_type=original.type, source_id=original.id, phase=original.phase
        ).select_related("partner")
    )
    for partner_id in sorted({e.partner_id for e in entries}):
        balance_lock(partner_id=partner_id)
    items = {i.pk: i for i in OpenItem.objects.select_for_update(of=("self",)).filter(entry__in=entries).order_by("pk")}
    for entry in entries:
        item = items.get(entry.pk)
        if item is not None and item.open != item.amount and not item.reversed:
            allocation = (
                Allocation.objects.filter(released_at__isnull=True)
                .filter(models.Q(debit=item) | models.Q(credit=item))
                .order_by("pk")
                .first()
            )
            raise ItemSettled(
                number=entry.source_number,
                by=allocation.source_number if allocation else "",
                amount=f"{item.amount - item.open:,.2f}",
            )
    for entry in entries:
        opposite = partner_entry_post(
            partner=entry.partner,
            account=entry.account,
            amount=-entry.amount,
            day=day,
            due_date=entry.due_date,
            source=source,
            actor=actor,
            memo=entry.memo,
        )
        item = items.get(entry.pk)
        if item is None or item.reversed:
            continue
        counter = OpenItem.objects.get(pk=opposite.pk)
        debit, credit = (item, counter) if item.amount > 0 else (counter, item)
        Allocation.objects.create(
            debit=debit,
            credit=credit,
            amount=debit.amount,
            date=day,
            source_type=source.type,
            source_id=source.id,
            source_number=source.number,
            created_by=actor if actor is not None and actor.pk else None,
        )
        OpenItem.objects.filter(pk__in=[item.pk, counter.pk]).update(open=0, reversed=True)
