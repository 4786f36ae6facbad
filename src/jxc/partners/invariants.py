"""Invariants of the partner ledger, run by `jxc check`: each balance is the sum of the partner's entries."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum

from jxc.core.invariants import invariant
from jxc.partners.models import Account, Allocation, OpenItem, PartnerBalance, PartnerEntry

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


@invariant("partner_open_items")
def open_items_add_up() -> Iterator[str]:
    """Every non-zero entry has an open item; open = amount less its active allocations, keeping the sign;
    the open amounts of a partner's account add up to its balance."""
    settled: dict[int, Decimal] = {}
    for row in Allocation.objects.filter(released_at__isnull=True).values("debit_id").annotate(total=Sum("amount")):
        settled[row["debit_id"]] = row["total"]
    for row in Allocation.objects.filter(released_at__isnull=True).values("credit_id").annotate(total=Sum("amount")):
        settled[row["credit_id"]] = settled.get(row["credit_id"], ZERO) - row["total"]
    missing = PartnerEntry.objects.exclude(amount=0).filter(item__isnull=True).values_list("pk", flat=True)[:20]
    for pk in missing:
        yield f"partner entry {pk}: no open item"
    for item in OpenItem.objects.select_related("entry").iterator(chunk_size=2000):
        if item.amount != item.entry.amount:
            yield f"open item {item.pk}: amount {item.amount} but its entry's is {item.entry.amount}"
        expected = item.amount - settled.get(item.pk, ZERO)
        if item.open != expected:
            yield f"open item {item.pk}: open {item.open}, amount less allocations is {expected}"
        if item.open * item.amount < 0 or abs(item.open) > abs(item.amount):
            yield f"open item {item.pk}: open {item.open} outside 0…{item.amount}"
    opens = {
        (r["partner_id"], r["account"]): r["total"]
        for r in OpenItem.objects.values("partner_id", "account").annotate(total=Sum("open"))
    }
    for balance in PartnerBalance.objects.all():
        for account, value in ((Account.RECEIVABLE, balance.receivable), (Account.PAYABLE, balance.payable)):
            total = opens.get((balance.partner_id, account.value), ZERO)
            if total != value:
                yield f"partner {balance.partner_id} {account.value}: open items add up to {total}, balance {value}"
