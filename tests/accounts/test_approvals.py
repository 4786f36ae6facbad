"""The approval rules engine: saving rules, and rules firing on real purchase orders through their services."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from jxc.accounts.approvals import PURCHASE_ORDER, SALES_ORDER
from jxc.accounts.errors import ApprovalRoleRequired
from jxc.accounts.models import ApprovalRule, ApprovalStep, AuditEntry, Company
from jxc.accounts.selectors import approval_steps, approvals_waiting_for
from jxc.accounts.services.approvals import RuleData, approval_rule_save, approval_rule_set_active
from jxc.core.errors import ValidationFailed
from jxc.purchasing.services.orders import purchase_order_approve, purchase_order_reject, purchase_order_submit
from tests.conftest import audit_count
from tests.purchasing.conftest import Buy, line


@pytest.fixture
def buy(owner: Any, make_partner: Any, make_warehouse: Any) -> Buy:
    supplier = make_partner("华南食品批发", is_customer=False, is_supplier=True)
    return Buy(owner, supplier, make_warehouse())


def rule(actor: Any, condition: str = "total_above", threshold: Any = 0, role: str = "accountant", **fields: Any):
    data = RuleData(
        name=fields.pop("name", f"{condition} {role}"),
        document_type=fields.pop("document_type", PURCHASE_ORDER),
        condition=condition,
        threshold=D(str(threshold)),
        role=role,
        **fields,
    )
    return approval_rule_save(actor=actor, data=data)


def order_of_total(buy: Buy, make_product: Any, total: str) -> Any:
    """A draft order whose total is exactly `total` (one line, prices with tax)."""
    return buy.order(line(make_product(), 1, total), prices_include_tax=True)


def strict_company() -> Company:
    """The company setting: documents that match no rule wait for an approver."""
    company = Company.objects.order_by("pk").first() or Company(name="测试商贸有限公司")
    company.approve_without_rule = False
    company.save()
    return company


def decisions(order: Any, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, target_id=str(order.pk)).order_by("seq"))


# Saving rules


@pytest.mark.parametrize(
    "change, field",
    [
        ({"condition": "no_such_condition"}, "condition"),
        ({"condition": "discount_above"}, "condition"),  # a sales condition on a purchase order
        ({"document_type": "invoice"}, "document_type"),
        ({"role": "boss"}, "role"),
        ({"threshold": D("-0.01")}, "threshold"),
        ({"threshold": D("0.001")}, "threshold"),
        ({"threshold": D(10) ** 12}, "threshold"),
        ({"position": -1}, "position"),
        ({"name": "  "}, "name"),
        ({"name": "规" * 121}, "name"),
    ],
)
def test_rule_save_refuses_bad_input_and_writes_nothing(owner, english, change, field):
    data = RuleData(name="大额采购", document_type=PURCHASE_ORDER, condition="total_above", role="accountant")
    for key, value in change.items():
        setattr(data, key, value)
    before = audit_count()
    with pytest.raises(ValidationFailed) as error:
        approval_rule_save(actor=owner, data=data)
    assert error.value.status == 422 and field in error.value.errors
    assert ApprovalRule.objects.count() == 0
    assert audit_count() == before


def test_rule_condition_must_fit_the_document_type(owner, english):
    with pytest.raises(ValidationFailed) as error:
        rule(owner, "supplier_not_approved", document_type=SALES_ORDER)
    assert error.value.errors == {"condition": ["This condition does not apply to this document type."]}
    assert rule(owner, "discount_above", 15, document_type=SALES_ORDER).condition == "discount_above"


def test_rule_save_and_switch_are_audited_with_what_changed(owner):
    saved = rule(owner, "total_above", 10000, name="  大额  采购 ")
    assert saved.name == "大额 采购" and saved.active
    created = AuditEntry.objects.get(action="approval_rule.created", target_id=str(saved.pk))
    assert created.after["threshold"] == "10000.000000" and created.after["role"] == "accountant"

    data = RuleData(
        name="大额 采购", document_type=PURCHASE_ORDER, condition="total_above", role="owner", threshold=D(10000)
    )
    approval_rule_save(actor=owner, data=data, rule=saved)
    changed = AuditEntry.objects.get(action="approval_rule.changed", target_id=str(saved.pk))
    assert changed.before == {"role": "accountant"} and changed.after == {"role": "owner"}
    before = audit_count()
    approval_rule_save(actor=owner, data=data, rule=saved)  # nothing changed: nothing recorded
    assert audit_count() == before

    approval_rule_set_active(actor=owner, rule=saved, active=False)
    saved.refresh_from_db()
    assert not saved.active
    assert AuditEntry.objects.filter(action="approval_rule.deactivated", target_id=str(saved.pk)).exists()


# Rules firing on purchase orders


def test_total_above_fires_only_above_the_threshold(buy, make_product, owner):
    rule(owner, "total_above", 1000, name="大额采购")
    at = order_of_total(buy, make_product, "1000.00")
    assert at.total == D("1000.00")
    assert purchase_order_submit(actor=owner, order=at).approved  # at the threshold: not above

    above = order_of_total(buy, make_product, "1000.01")
    outcome = purchase_order_submit(actor=owner, order=above)
    assert not outcome.approved
    [step] = outcome.waiting
    assert step.rule_name == "大额采购" and step.role == "accountant" and step.status == "pending"
    assert "1000" in step.reason and "1,000.01" in step.reason  # the approver sees why
    above.refresh_from_db()
    assert above.status == "submitted"


def test_inactive_rules_do_not_fire(buy, make_product, owner):
    approval_rule_set_active(actor=owner, rule=rule(owner, "total_above", 10), active=False)
    assert purchase_order_submit(actor=owner, order=order_of_total(buy, make_product, "500")).approved


def test_price_above_last_fires_on_a_rise_of_more_than_the_percent(buy, make_product, owner):
    noodles = make_product()
    buy.approved_order(line(noodles, 10, "2.00"))  # the supplier's last price: 2.00
    rule(owner, "price_above_last", 10, name="涨价")
    same = purchase_order_submit(actor=owner, order=buy.order(line(noodles, 1, "2.20")))  # +10 %: not above
    assert same.approved
    # approving it made 2.20 the last price: +15 % on that fires
    outcome = purchase_order_submit(actor=owner, order=buy.order(line(noodles, 1, "2.53")))
    assert not outcome.approved
    assert "+15.00%" in outcome.waiting[0].reason and "10%" in outcome.waiting[0].reason


def test_flag_rules_fire_when_the_flag_is_set(buy, make_product, make_partner, owner):
    rule(owner, "supplier_not_approved", role="admin", name="新供应商")
    assert purchase_order_submit(actor=owner, order=buy.order(line(make_product(), 1, "5"))).approved

    stranger = make_partner("新开的批发部", is_customer=False, is_supplier=True, supplier_approved=False)
    order = buy.order(line(make_product(), 1, "5"), supplier=stranger)
    outcome = purchase_order_submit(actor=owner, order=order)
    [step] = outcome.waiting
    assert step.rule_name == "新供应商" and step.role == "admin" and "新开的批发部" in step.reason


def test_an_always_rule_fires_for_every_document(buy, make_product, owner):
    rule(owner, "always", role="accountant", name="每单必审")
    outcome = purchase_order_submit(actor=owner, order=order_of_total(buy, make_product, "0.01"))
    assert not outcome.approved and [s.rule_name for s in outcome.waiting] == ["每单必审"]


def test_an_order_matching_no_rule_approves_on_submit(buy, make_product, owner):
    rule(owner, "total_above", 1000)
    order = order_of_total(buy, make_product, "10")
    outcome = purchase_order_submit(actor=owner, order=order)
    order.refresh_from_db()
    assert outcome.approved and order.status == "approved"
    [step] = approval_steps(document_type=PURCHASE_ORDER, document_id=order.pk)
    assert step.rule is None and step.status == "approved" and step.role == ""
    requested = AuditEntry.objects.get(action="approval.requested", target_id=str(order.pk))
    assert requested.after["approved_on_submit"] is True and requested.after["rules"] == []


def test_without_approve_on_submit_an_order_waits_for_anyone_allowed(buy, make_product, owner, make_user, english):
    strict_company()
    order = order_of_total(buy, make_product, "10")
    outcome = purchase_order_submit(actor=owner, order=order)
    assert not outcome.approved and [s.role for s in outcome.waiting] == [""]
    purchaser = make_user("buyer", "purchaser")  # may order, may not approve
    before = audit_count()
    with pytest.raises(ApprovalRoleRequired) as error:
        purchase_order_approve(actor=purchaser, order=order)
    assert error.value.status == 403 and "anyone allowed to approve" in error.value.text
    assert audit_count() == before
    admin = make_user("admin", "admin")  # holds purchasing.approve_purchaseorder
    assert list(approvals_waiting_for(user=admin)) == outcome.waiting
    assert list(approvals_waiting_for(user=purchaser)) == []
    assert purchase_order_approve(actor=admin, order=order).approved
    order.refresh_from_db()
    assert order.status == "approved" and order.approved_by == admin


def test_the_wrong_role_is_refused_with_the_roles_needed(buy, make_product, owner, make_user, english):
    rule(owner, "total_above", 100, role="accountant")
    order = order_of_total(buy, make_product, "500")
    purchase_order_submit(actor=owner, order=order)
    purchaser = make_user("buyer", "purchaser")
    before = audit_count()
    with pytest.raises(ApprovalRoleRequired) as error:
        purchase_order_approve(actor=purchaser, order=order)
    body = error.value.as_dict()
    assert body["code"] == "approval_role_required" and error.value.status == 403
    assert body["data"]["role_codes"] == ["accountant"] and body["data"]["roles"] == "Accountant"
    assert "Accountant" in body["message"] and body["data"]["reasons"]
    assert audit_count() == before
    assert [s.status for s in approval_steps(document_type=PURCHASE_ORDER, document_id=order.pk)] == ["pending"]
    order.refresh_from_db()
    assert order.status == "submitted"


def test_two_rules_for_two_roles_need_both(buy, make_product, owner, make_user):
    big = rule(owner, "total_above", 100, role="accountant", name="大额", position=1)
    every = rule(owner, "always", role="purchaser", name="采购主管", position=2)
    order = order_of_total(buy, make_product, "500")
    outcome = purchase_order_submit(actor=owner, order=order)
    assert [(s.rule_id, s.role) for s in outcome.waiting] == [(big.pk, "accountant"), (every.pk, "purchaser")]

    accountant = make_user("acc", "accountant")
    first = purchase_order_approve(actor=accountant, order=order, comment="金额核对无误")
    assert not first.approved and [s.role for s in first.waiting] == ["purchaser"]
    order.refresh_from_db()
    assert order.status == "submitted"
    assert list(approvals_waiting_for(user=accountant)) == []

    purchaser = make_user("buyer", "purchaser")
    assert [s.rule_id for s in approvals_waiting_for(user=purchaser)] == [every.pk]
    assert purchase_order_approve(actor=purchaser, order=order).approved
    order.refresh_from_db()
    assert order.status == "approved" and order.approved_by == purchaser

    steps = approval_steps(document_type=PURCHASE_ORDER, document_id=order.pk)
    assert [(s.status, s.decided_by) for s in steps] == [("approved", accountant), ("approved", purchaser)]
    assert steps[0].comment == "金额核对无误"
    entries = decisions(order, "approval.approved")
    assert [e.actor_name for e in entries] == ["acc", "buyer"]
    assert entries[0].after["rules"] == [
        {"rule": big.pk, "name": "大额", "role": "accountant", "reason": steps[0].reason}
    ]
    assert entries[1].after["rules"][0]["rule"] == every.pk


def test_an_owner_decides_every_step_at_once(buy, make_product, owner):
    rule(owner, "total_above", 100, role="accountant")
    rule(owner, "always", role="purchaser")
    order = order_of_total(buy, make_product, "500")
    purchase_order_submit(actor=owner, order=order)
    assert len(approvals_waiting_for(user=owner)) == 2
    assert purchase_order_approve(actor=owner, order=order).approved
    [entry] = decisions(order, "approval.approved")
    assert len(entry.after["rules"]) == 2


def test_reject_cancels_the_other_steps_and_a_new_submit_starts_a_new_round(buy, make_product, owner, make_user):
    big = rule(owner, "total_above", 100, role="accountant", name="大额")
    rule(owner, "always", role="purchaser", name="采购主管")
    order = order_of_total(buy, make_product, "500")
    purchase_order_submit(actor=owner, order=order)
    accountant = make_user("acc", "accountant")
    purchase_order_reject(actor=accountant, order=order, reason="预算不够")
    order.refresh_from_db()
    assert order.status == "draft"
    steps = approval_steps(document_type=PURCHASE_ORDER, document_id=order.pk)
    assert [(s.role, s.status) for s in steps] == [("accountant", "rejected"), ("purchaser", "cancelled")]
    assert steps[0].comment == "预算不够" and steps[0].decided_by == accountant and steps[1].decided_by is None
    [entry] = decisions(order, "approval.rejected")
    assert entry.actor_name == "acc" and entry.after["comment"] == "预算不够"
    assert entry.after["rules"][0]["rule"] == big.pk
    assert not ApprovalStep.objects.filter(document_id=order.pk, status="pending").exists()

    purchase_order_submit(actor=owner, order=order)
    latest = approval_steps(document_type=PURCHASE_ORDER, document_id=order.pk)
    assert {s.round for s in latest} == {2} and [s.status for s in latest] == ["pending", "pending"]
