"""The partner ledger: entries move balances, once per document step; the checker proves balance = Σ entries."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import DatabaseError, connection, transaction

from jxc.core.invariants import invariants_check
from jxc.partners.models import PartnerBalance, PartnerEntry
from jxc.partners.services.ledger import EntrySource, partner_entry_post, partner_entry_reverse

DAY = date(2026, 11, 2)


@pytest.fixture
def supplier(make_partner):
    return make_partner("华南食品批发", is_customer=True, is_supplier=True, payment_terms_days=45)


def test_entries_move_the_balance_and_record_it(supplier):
    first = partner_entry_post(
        partner=supplier, account="payable", amount=D("100.005"), day=DAY, source=EntrySource("t", 1, "RK1"), actor=None
    )
    second = partner_entry_post(
        partner=supplier, account="payable", amount=D("-30"), day=DAY, source=EntrySource("t", 2, "CT1"), actor=None
    )
    partner_entry_post(
        partner=supplier, account="receivable", amount=D("8"), day=DAY, source=EntrySource("t", 3, "CK1"), actor=None
    )
    assert first.amount == D("100.01") and first.balance_after == D("100.01")  # half up to the cent
    assert second.balance_after == D("70.01") and first.due_date == date(2026, 12, 17)
    balance = PartnerBalance.objects.get(partner=supplier)
    assert (balance.payable, balance.receivable) == (D("70.01"), D("8"))


def test_the_same_step_posts_once(supplier):
    source = EntrySource("t", 1, "RK1")
    one = partner_entry_post(partner=supplier, account="payable", amount=D(5), day=DAY, source=source, actor=None)
    two = partner_entry_post(partner=supplier, account="payable", amount=D(5), day=DAY, source=source, actor=None)
    assert one.pk == two.pk and PartnerBalance.objects.get(partner=supplier).payable == D(5)


def test_reverse_negates_every_entry_of_a_step(supplier):
    original = EntrySource("t", 1, "RK1")
    partner_entry_post(partner=supplier, account="payable", amount=D("12.34"), day=DAY, source=original, actor=None)
    partner_entry_reverse(source=EntrySource("t", 2, "RK2", "reverse-post"), original=original, day=DAY, actor=None)
    assert PartnerBalance.objects.get(partner=supplier).payable == 0
    assert sorted(PartnerEntry.objects.values_list("amount", flat=True)) == [D("-12.34"), D("12.34")]


@pytest.mark.tampers
def test_the_checker_finds_a_balance_that_drifted(supplier):
    partner_entry_post(
        partner=supplier, account="payable", amount=D(10), day=DAY, source=EntrySource("t", 1, "RK1"), actor=None
    )
    PartnerBalance.objects.filter(partner=supplier).update(payable=D(11))
    _ran, violations = invariants_check(only=["partner_balances"])
    assert len(violations) == 1 and "entries sum to 10" in violations[0].message


@pytest.mark.postgres
def test_postgres_refuses_to_change_entries(supplier):
    entry = partner_entry_post(
        partner=supplier, account="payable", amount=D(10), day=DAY, source=EntrySource("t", 1, "RK1"), actor=None
    )
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        PartnerEntry.objects.filter(pk=entry.pk).update(amount=D(1))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        # straight to SQL: Django itself already refuses, since the entry's open item protects it
        PartnerEntry.objects.filter(pk=entry.pk)._raw_delete(connection.alias)
