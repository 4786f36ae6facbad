"""The partner ledger (往来账): receivables and payables raised and lowered by documents, append-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from jxc.accounts.models import User
from jxc.core.numbers import round_money
from jxc.partners.models import Account, Partner, PartnerBalance, PartnerEntry


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
    balance = PartnerBalance.objects.select_for_update().get(partner_id=partner.pk)
    field = "receivable" if account == Account.RECEIVABLE else "payable"
    after = getattr(balance, field) + amount
    setattr(balance, field, after)
    balance.save(update_fields=[field])
    return PartnerEntry.objects.create(
        partner=partner,
        account=account,
        date=day,
        due_date=due_date or day + timedelta(days=partner.payment_terms_days),
        amount=amount,
        balance_after=after,
        source_type=source.type,
        source_id=source.id,
        source_number=source.number,
        phase=source.phase,
        memo=memo[:200],
        created_by=actor if actor is not None and actor.pk else None,
    )


def partner_entry_reverse(*, source: EntrySource, original: EntrySource, day: date, actor: User | None) -> None:
    """Post the exact opposite of every entry of an earlier step (红冲), as the entries of `source`."""
    for entry in PartnerEntry.objects.filter(
        source_type=original.type, source_id=original.id, phase=original.phase
    ).select_related("partner"):
        partner_entry_post(
            partner=entry.partner,
            account=entry.account,
            amount=-entry.amount,
            day=day,
            due_date=entry.due_date,
            source=source,
            actor=actor,
            memo=entry.memo,
        )
