"""Invariants of the partner ledger, run by `jxc check`: each balance is the sum of the partner's entries."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum

from jxc.core.invariants import invariant
from jxc.partners.models import Account, PartnerBalance, PartnerEntry

ZERO = Decimal(0)


@invariant("partner_balances")
def balances_equal_entries() -> Iterator[str]:
    """Receivable and payable per partner = Σ entry amounts of that account."""
    sums = {
        (r["partner_id"], r["account"]): r["total"]
        for r in PartnerEntry.objects.values("partner_id", "account").annotate(total=Sum("amount"))
    }
    for balance in PartnerBalance.objects.all():
        for account, value in ((Account.RECEIVABLE, balance.receivable), (Account.PAYABLE, balance.payable)):
            expected = sums.pop((balance.partner_id, account.value), ZERO)
            if value != expected:
                yield f"partner {balance.partner_id} {account.value}: balance {value} but entries sum to {expected}"
    for (partner_id, account), expected in sums.items():
        if expected != 0:
            yield f"partner {partner_id} {account}: entries sum to {expected} but there is no balance row"


@invariant("partner_entries_chain")
def entries_chain() -> Iterator[str]:
    """Each entry's balance after = the previous entry's balance after + its amount (per partner and account)."""
    running: dict[tuple[int, str], Decimal] = {}
    for entry in PartnerEntry.objects.order_by("pk").only("partner_id", "account", "amount", "balance_after"):
        key = (entry.partner_id, entry.account)
        expected = running.get(key, ZERO) + entry.amount
        if entry.balance_after != expected:
            yield f"partner entry {entry.pk}: balance after {entry.balance_after}, expected {expected}"
        running[key] = entry.balance_after
