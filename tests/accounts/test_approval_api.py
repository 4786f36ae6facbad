"""The approval API: rules, the condition catalogue, a document's steps, and the steps waiting for the caller."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.models import ApprovalRule, AuditEntry
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.purchasing.services.orders import purchase_order_approve, purchase_order_submit
from tests.conftest import audit_count
from tests.purchasing.conftest import Buy, line


@pytest.fixture
def buy(owner: Any, make_partner: Any, make_warehouse: Any) -> Buy:
    supplier = make_partner("华南食品批发", is_customer=False, is_supplier=True)
    return Buy(owner, supplier, make_warehouse())


def payload(**fields: Any) -> dict[str, Any]:
    body = {
        "name": "大额采购",
        "document_type": "purchase_order",
        "condition": "total_above",
        "threshold": "10000",
        "role": "accountant",
        "position": 1,
    }
    body.update(fields)
    return body


def save_rule(owner: Any, **fields: Any) -> ApprovalRule:
    data = RuleData(name="大额采购", document_type=PURCHASE_ORDER, condition="total_above", role="accountant")
    for key, value in fields.items():
        setattr(data, key, value)
    return approval_rule_save(actor=owner, data=data)


def test_create_get_list_and_change_a_rule(api):
    created = api.post("/approval-rules", payload(), HTTP_ACCEPT_LANGUAGE="en")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["condition_text"] == "total above 10000" and body["condition_kind"] == "amount"
    assert body["role_label"] == "Accountant" and body["document_type_label"] == "purchase order"
    assert body["active"] is True and D(body["threshold"]) == D(10000)
    rule_id = body["id"]
    assert AuditEntry.objects.filter(action="approval_rule.created", target_id=str(rule_id)).exists()

    assert api.get(f"/approval-rules/{rule_id}").json()["name"] == "大额采购"
    listed = api.get("/approval-rules", {"document_type": "purchase_order"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == rule_id
    assert api.get("/approval-rules", {"document_type": "sales_order"}).json()["count"] == 0

    changed = api.put(f"/approval-rules/{rule_id}", payload(threshold="20000", role="owner"), HTTP_ACCEPT_LANGUAGE="en")
    assert changed.status_code == 200 and changed.json()["condition_text"] == "total above 20000"
    assert changed.json()["role"] == "owner" and changed.json()["active"] is True


def test_put_without_active_keeps_it_and_with_active_sets_it(api, owner):
    rule = save_rule(owner, active=False)
    assert api.put(f"/approval-rules/{rule.pk}", payload()).json()["active"] is False
    assert api.put(f"/approval-rules/{rule.pk}", payload(active=True)).json()["active"] is True


def test_activate_and_deactivate(api, owner):
    rule = save_rule(owner)
    off = api.post(f"/approval-rules/{rule.pk}/deactivate")
    assert off.status_code == 200 and off.json()["active"] is False
    assert api.get("/approval-rules", {"active": True}).json()["count"] == 0
    on = api.post(f"/approval-rules/{rule.pk}/activate")
    assert on.status_code == 200 and on.json()["active"] is True
    actions = AuditEntry.objects.filter(target_type="accounts.approvalrule", target_id=str(rule.pk)).order_by("seq")
    assert list(actions.values_list("action", flat=True)) == [
        "approval_rule.created",
        "approval_rule.deactivated",
        "approval_rule.activated",
    ]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"condition": "no_such_condition"}, "condition"),
        ({"condition": "discount_above"}, "condition"),
        ({"document_type": "invoice"}, "document_type"),
        ({"role": "boss"}, "role"),
        ({"threshold": "-1"}, "threshold"),
        ({"threshold": "0.001"}, "threshold"),
        ({"position": -1}, "position"),
    ],
)
def test_bad_rules_are_refused_with_422_and_nothing_written(api, change, field):
    before = audit_count()
    response = api.post("/approval-rules", payload(**change))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and field in body["data"]["errors"]
    assert ApprovalRule.objects.count() == 0 and audit_count() == before


def test_bad_change_writes_nothing(api, owner):
    rule = save_rule(owner, threshold=D(5000))
    before = audit_count()
    response = api.put(f"/approval-rules/{rule.pk}", payload(role="boss", threshold="1"))
    assert response.status_code == 422 and "role" in response.json()["data"]["errors"]
    rule.refresh_from_db()
    assert rule.role == "accountant" and rule.threshold == D(5000) and audit_count() == before


def test_writes_need_the_settings_permission_and_reads_do_not(api_for, make_user, owner):
    rule = save_rule(owner)
    purchaser = api_for(make_user("buyer", "purchaser"))
    before = audit_count()
    for response in (
        purchaser.post("/approval-rules", payload(name="我的规则")),
        purchaser.put(f"/approval-rules/{rule.pk}", payload(role="purchaser")),
        purchaser.post(f"/approval-rules/{rule.pk}/deactivate"),
    ):
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        assert response.json()["data"]["missing"] == ["accounts.manage_settings"]
    rule.refresh_from_db()
    assert rule.active and rule.role == "accountant" and ApprovalRule.objects.count() == 1
    assert audit_count() == before
    assert purchaser.get("/approval-rules").json()["count"] == 1
    assert purchaser.get(f"/approval-rules/{rule.pk}").status_code == 200


def test_missing_rules_are_404(api):
    assert api.get("/approval-rules/999").json()["code"] == "not_found"
    assert api.put("/approval-rules/999", payload()).status_code == 404
    assert api.post("/approval-rules/999/activate").status_code == 404


def test_the_condition_catalogue(api):
    conditions = {c["code"]: c for c in api.get("/approval-conditions", HTTP_ACCEPT_LANGUAGE="en").json()}
    assert conditions["total_above"]["kind"] == "amount" and conditions["total_above"]["unit"] == "¥"
    assert [t["code"] for t in conditions["total_above"]["document_types"]] == [
        "purchase_order",
        "sales_order",
        "write_off",
    ]
    assert conditions["discount_above"]["kind"] == "percent" and conditions["discount_above"]["unit"] == "%"
    assert conditions["discount_above"]["document_types"] == [{"code": "sales_order", "label": "sales order"}]
    assert conditions["supplier_not_approved"]["kind"] == "flag" and conditions["supplier_not_approved"]["unit"] == ""
    assert conditions["price_above_last"]["label"] == "a price above the last price by more than"


def test_the_steps_of_a_document_and_those_waiting_for_me(api, api_for, buy, make_product, owner, make_user, english):
    big = save_rule(owner, threshold=D(100), name="大额采购")
    save_rule(owner, name="每单必审", condition="always", role="purchaser", position=2)
    order = buy.order(line(make_product(), 1, "500"), prices_include_tax=True)
    never = api.get("/approval-steps", {"document_type": "purchase_order", "document_id": order.pk})
    assert never.status_code == 200 and never.json() == []
    purchase_order_submit(actor=owner, order=order)

    accountant_user = make_user("acc", "accountant")
    accountant = api_for(accountant_user)
    waiting = accountant.get("/approvals/waiting").json()
    assert waiting["count"] == 1
    [step] = waiting["items"]
    assert step["document_number"] == order.number and step["document_id"] == order.pk
    assert step["rule_id"] == big.pk and step["role"] == "accountant" and step["status"] == "pending"
    assert "100: 500.00" in step["reason"] and step["decided_by_name"] == ""
    assert api.get("/approvals/waiting").json()["count"] == 2  # the owner may decide every step
    assert api.get("/approvals/waiting", {"document_type": "sales_order"}).json()["count"] == 0

    purchase_order_approve(actor=accountant_user, order=order, comment="已核对")
    steps = accountant.get("/approval-steps", {"document_type": "purchase_order", "document_id": order.pk})
    assert steps.status_code == 200
    assert [(s["rule_name"], s["status"]) for s in steps.json()] == [("大额采购", "approved"), ("每单必审", "pending")]
    assert steps.json()[0]["decided_by_name"] == "acc" and steps.json()[0]["comment"] == "已核对"
    assert steps.json()[0]["decided_at"] is not None and steps.json()[0]["round"] == 1
    assert accountant.get("/approvals/waiting").json()["count"] == 0


def test_reading_steps_needs_to_see_the_document_or_decide_it(api, api_for, buy, make_product, owner, make_user):
    save_rule(owner, threshold=D(100))
    order = buy.order(line(make_product(), 1, "500"), prices_include_tax=True)
    purchase_order_submit(actor=owner, order=order)
    query = {"document_type": "purchase_order", "document_id": order.pk}
    cashier = api_for(make_user("cash", "cashier"))  # sees no purchase orders, decides none of its steps
    refused = cashier.get("/approval-steps", query)
    assert refused.status_code == 403 and refused.json()["data"]["missing"] == ["purchasing.view_purchaseorder"]
    assert api_for(make_user("buyer", "purchaser")).get("/approval-steps", query).status_code == 200
    bad = api.get("/approval-steps", {"document_type": "invoice", "document_id": order.pk})
    assert bad.status_code == 422 and "document_type" in bad.json()["data"]["errors"]
    assert api.get("/approval-steps", {"document_type": "purchase_order"}).status_code == 422


def test_the_wrong_role_is_refused_through_the_purchase_order_api_with_the_roles(
    api_for, buy, make_product, owner, make_user
):
    """The engine's refusal as a client sees it: 403 approval_role_required naming the roles needed."""
    save_rule(owner, threshold=D(100))
    order = buy.order(line(make_product(), 1, "500"), prices_include_tax=True)
    purchase_order_submit(actor=owner, order=order)
    purchaser = make_user("buyer", "purchaser")
    purchaser.user_permissions.add(*_approve_permission())
    client = api_for(purchaser)
    before = audit_count()
    response = client.post(f"/purchase-orders/{order.pk}/approve", {}, HTTP_ACCEPT_LANGUAGE="en")
    if response.status_code == 404:
        pytest.skip("the purchase order API has no approve action yet")
    assert response.status_code == 403, response.content
    body = response.json()
    assert body["code"] == "approval_role_required" and body["data"]["role_codes"] == ["accountant"]
    assert audit_count() == before


def _approve_permission() -> Any:
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename="approve_purchaseorder")
