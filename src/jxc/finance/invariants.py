"""Invariants of finance, run by `jxc check`: cash balances are the sums of their journals, payments are whole."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Sum

from jxc.core.invariants import invariant
from jxc.finance.choices import PAYMENT_SOURCE
from jxc.finance.models import CashAccount, CashEntry, Payment
from jxc.partners.models import PartnerEntry

ZERO = Decimal(0)


@invariant("cash_balances")
def cash_balances_equal_entries() -> Iterator[str]:
    """Each cash account's balance = Σ its journal; each entry's balance after chains from the one before."""
    sums = {r["account_id"]: r["total"] for r in CashEntry.objects.values("account_id").annotate(total=Sum("amount"))}
    for account in CashAccount.objects.all():
        expected = sums.get(account.pk, ZERO)
        if account.balance != expected:
            yield f"cash account {account.code}: balance {account.balance} but its entries sum to {expected}"
    running: dict[int, Decimal] = {}
    for entry in CashEntry.objects.order_by("pk").only("account_id", "amount", "balance_after").iterator(2000):
        expected = running.get(entry.account_id, ZERO) + entry.amount
        if entry.balance_after != expected:
            yield f"cash entry {entry.pk}: balance after {entry.balance_after}, expected {expected}"
        running[entry.account_id] = entry.balance_after


@invariant("payments_posted")
def payments_have_entries() -> Iterator[str]:
    """Every payment moved its cash account and its partner's account by its amount, once."""
    cash = {
        r["source_id"]: r["total"]
        for r in CashEntry.objects.filter(source_type=PAYMENT_SOURCE).values("source_id").annotate(total=Sum("amount"))
    }
    ledger = {
        r["source_id"]: r["total"]
        for r in PartnerEntry.objects.filter(source_type=PAYMENT_SOURCE, phase="post")
        .values("source_id")
        .annotate(total=Sum("amount"))
    }
    for payment in Payment.objects.only("pk", "number", "direction", "amount").iterator(2000):
        sign = 1 if payment.direction == "in" else -1
        if cash.get(payment.pk, ZERO) != sign * payment.amount:
            yield f"payment {payment.number}: cash journal {cash.get(payment.pk, ZERO)}, amount {payment.amount}"
        if ledger.get(payment.pk, ZERO) != -payment.amount:
            yield f"payment {payment.number}: partner ledger {ledger.get(payment.pk, ZERO)}, amount {payment.amount}"
