"""The audit log: who, when, what, before/after; hash-chained so any edit or deletion is detected."""

import itertools
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jxc.accounts.models import AuditEntry, AuditHead
from jxc.accounts.selectors import audit_verify
from jxc.catalog.services.products import product_data_of, product_set_active, product_update
from tests.conftest import raw_sql


def test_create_change_and_deactivate_are_recorded_with_before_and_after(owner, make_product):
    product = make_product(sku="A1")
    data = product_data_of(product)
    data.retail_price = Decimal("3.80")
    product_update(actor=owner, product=product, data=data)
    product_set_active(actor=owner, product=product, active=False)
    entries = list(AuditEntry.objects.filter(target_type="catalog.product", target_id=str(product.pk)).order_by("seq"))
    assert [e.action for e in entries] == ["product.created", "product.changed", "product.deactivated"]
    created, changed_entry, deactivated = entries
    assert created.after["sku"] == "A1" and created.before is None
    assert changed_entry.before == {"retail_price": "3.500000"}
    assert changed_entry.after == {"retail_price": "3.800000"}
    assert changed_entry.actor == owner and changed_entry.actor_name == owner.username
    assert deactivated.before == {"active": True} and deactivated.after == {"active": False}


def test_an_unchanged_save_records_nothing(owner, make_product):
    product = make_product()
    before = AuditEntry.objects.count()
    product_update(actor=owner, product=product, data=product_data_of(product))
    assert AuditEntry.objects.count() == before


def test_each_entry_links_to_the_one_before(make_product):
    make_product()
    make_product()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
    head = AuditHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)
    assert audit_verify() == (len(entries), [])


@pytest.mark.tampers
def test_an_edited_entry_is_detected(make_product):
    make_product(sku="A1")
    make_product(sku="A2")
    victim = AuditEntry.objects.get(action="product.created", target_repr__startswith="康师傅", after__sku="A1")
    raw_sql("UPDATE accounts_auditentry SET actor_name = %s WHERE id = %s", ["someone else", victim.pk])
    _count, problems = audit_verify()
    assert [p.seq for p in problems] == [victim.seq]
    assert "changed" in problems[0].problem
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("audit_verify")


@pytest.mark.tampers
def test_a_deleted_entry_is_detected(make_product):
    for n in range(3):
        make_product(sku=f"A{n}")
    middle = AuditEntry.objects.order_by("seq")[1]
    raw_sql("DELETE FROM accounts_auditentry WHERE id = %s", [middle.pk])
    _count, problems = audit_verify()
    assert problems and problems[0].seq == middle.seq
    assert "missing" in problems[0].problem


@pytest.mark.tampers
def test_a_deleted_last_entry_is_detected(make_product):
    make_product()
    last = AuditEntry.objects.order_by("-seq").first()
    raw_sql("DELETE FROM accounts_auditentry WHERE id = %s", [last.pk])
    _count, problems = audit_verify()
    assert len(problems) == 1 and "deleted tail" in problems[0].problem


@pytest.mark.postgres
def test_postgres_refuses_to_update_or_delete_entries(make_product):
    from django.db import DatabaseError, transaction

    make_product()
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor_name="x")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_audit_verify_command_reports_ok(make_product, capsys):
    make_product()
    call_command("audit_verify")
    assert "OK" in capsys.readouterr().out
