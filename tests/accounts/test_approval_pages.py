"""The approval rules pages, the approval steps panel and the home page's "Waiting for your approval" card."""

from __future__ import annotations

import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.models import ApprovalRule, AuditEntry
from jxc.accounts.selectors import approval_steps
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.accounts.views_approvals import document_url
from jxc.purchasing.services.orders import purchase_order_approve, purchase_order_submit
from tests.conftest import audit_count
from tests.purchasing.conftest import Buy, line

LIST = "/settings/approval-rules/"
NEW = "/settings/approval-rules/new/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def buy(owner: Any, make_partner: Any, make_warehouse: Any) -> Buy:
    supplier = make_partner("华南食品批发", is_customer=False, is_supplier=True)
    return Buy(owner, supplier, make_warehouse())


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def save_rule(owner: Any, **fields: Any) -> ApprovalRule:
    data = RuleData(name="大额采购", document_type=PURCHASE_ORDER, condition="total_above", role="accountant")
    for key, value in fields.items():
        setattr(data, key, value)
    return approval_rule_save(actor=owner, data=data)


def options(html: str, name: str) -> list[str]:
    """The option values of the <select name=…> in the page."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def field_region(html: str, field: str) -> str:
    """The markup of one field of a form: its label, input and errors."""
    start = html.index(f'id="field-{field}"')
    end = html.find('id="field-', start + 1)
    region = html[start : end if end > 0 else None]
    assert 'class="errorlist"' in region, f"no error shown at {field}"
    return region


def form_post(**fields: Any) -> dict[str, Any]:
    data = {
        "name": "大额采购",
        "document_type": PURCHASE_ORDER,
        "condition": "total_above",
        "threshold": "10000",
        "role": "accountant",
        "position": "10",
    }
    data.update(fields)
    return data


# The list


def test_the_list_groups_rules_by_document_type_and_explains_the_engine(web, owner):
    save_rule(owner, threshold=D(10000))
    save_rule(owner, name="涨价", condition="price_above_last", threshold=D("12.5"), role="purchaser", position=2)
    save_rule(owner, name="新供应商", condition="supplier_not_approved", role="owner", active=False, position=3)
    response = web.get(LIST, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "every rule that fires" in html.lower() or "Every rule that fires" in html
    assert 'href="/settings/company/"' in html  # where documents matching no rule are decided
    assert "approved when it is submitted" in html
    purchase = html[html.index('id="rules-purchase_order"') : html.index('id="rules-sales_order"')]
    assert "total above 10000" in purchase and "¥10,000.00" in purchase and "Accountant" in purchase
    assert "a price above the last price by more than 12.5%" in purchase and "12.5%" in purchase
    assert "Purchaser" in purchase and "Deactivated" in purchase
    assert purchase.index("大额采购") < purchase.index("涨价") < purchase.index("新供应商")
    sales = html[html.index('id="rules-sales_order"') :]
    assert "No rules" in sales and f"{NEW}?document_type=sales_order" in sales


def test_the_list_and_the_menu_need_the_settings_permission(make_user, owner):
    purchaser = client_for(make_user("buyer", "purchaser"))
    assert purchaser.get(LIST).status_code == 403
    assert purchaser.get(NEW).status_code == 403
    assert LIST not in purchaser.get("/").content.decode()
    assert LIST in client_for(owner).get("/").content.decode()


# Create and edit


def test_the_form_offers_only_the_conditions_of_the_document_type(web):
    html = web.get(NEW, **EN).content.decode()
    assert options(html, "document_type") == ["purchase_order", "sales_order", "write_off"]
    conditions = options(html, "condition")
    assert "total_above" in conditions and "supplier_not_approved" in conditions
    assert "discount_above" not in conditions
    assert "Threshold (¥)" in html  # total above: an amount
    sales = web.get(f"{NEW}?document_type=sales_order", **EN).content.decode()
    assert "discount_above" in options(sales, "condition") and "supplier_not_approved" not in options(
        sales, "condition"
    )


def test_changing_the_type_or_condition_refreshes_only_the_condition_region(web):
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "rule-condition", **EN}
    html = web.get(NEW, {"document_type": "sales_order", "condition": "discount_above", "threshold": "15"}, **headers)
    body = html.content.decode()
    assert html.status_code == 200 and "<html" not in body and 'id="rule-condition"' in body
    assert options(body, "condition")[0] == "always" and "supplier_not_approved" not in options(body, "condition")
    assert '<option value="discount_above" selected>' in body  # the condition chosen is kept
    assert "Threshold (%)" in body and 'value="15"' in body  # typed threshold kept, unit percent
    flag = web.get(NEW, {"document_type": "sales_order", "condition": "price_below_cost"}, **headers).content.decode()
    assert 'name="threshold"' not in flag and "no threshold" in flag
    # the condition of another type falls back to the first that fits
    moved = web.get(NEW, {"document_type": "write_off", "condition": "discount_above"}, **headers).content.decode()
    assert options(moved, "condition") == ["always", "total_above"]


def test_create_a_rule(web, owner):
    response = web.post(NEW, form_post())
    rule = ApprovalRule.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{LIST}#rule-{rule.pk}")
    assert (rule.name, rule.condition, rule.threshold, rule.role, rule.position, rule.active) == (
        "大额采购",
        "total_above",
        D(10000),
        "accountant",
        10,
        True,
    )
    assert AuditEntry.objects.filter(action="approval_rule.created", target_id=str(rule.pk), actor=owner).exists()


def test_a_flag_rule_saves_without_a_threshold(web):
    web.post(NEW, form_post(condition="supplier_not_approved", threshold=""))
    rule = ApprovalRule.objects.get()
    assert rule.condition == "supplier_not_approved" and rule.threshold == 0


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"condition": "discount_above"}, "condition", "Choose one of the conditions offered"),
        ({"threshold": "-5"}, "threshold", "greater than or equal to 0"),
        ({"threshold": ""}, "threshold", "This field is required"),
        ({"role": "boss"}, "role", "Select a valid choice"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_bad_input_shows_next_to_the_field_keeps_the_input_and_writes_nothing(web, change, field, message):
    before = audit_count()
    response = web.post(NEW, form_post(**{"name": "保留我的输入", **change}), **EN)
    assert response.status_code == 422
    html = response.content.decode()
    assert message in field_region(html, field)
    if field != "name":
        assert 'value="保留我的输入"' in html
    assert ApprovalRule.objects.count() == 0 and audit_count() == before


def test_a_service_error_shows_next_to_its_field(web):
    before = audit_count()
    response = web.post(NEW, form_post(threshold="1000000000000"), **EN)  # the form takes it, the service does not
    assert response.status_code == 422
    html = response.content.decode()
    assert "below 1,000,000,000,000" in field_region(html, "threshold") and 'value="1000000000000"' in html
    assert ApprovalRule.objects.count() == 0 and audit_count() == before


def test_edit_a_rule_keeps_it_active_state(web, owner):
    rule = save_rule(owner, threshold=D(5000), active=False)
    page = web.get(f"/settings/approval-rules/{rule.pk}/edit/", **EN).content.decode()
    assert 'value="5000"' in page and "approval_rule.created" in page  # its history
    response = web.post(
        f"/settings/approval-rules/{rule.pk}/edit/", form_post(threshold="8000", role="owner", position="0")
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.threshold == D(8000) and rule.role == "owner" and not rule.active
    changed = AuditEntry.objects.get(action="approval_rule.changed", target_id=str(rule.pk))
    assert changed.after == {"threshold": "8000.000000", "role": "owner"}


def test_deactivate_and_activate(web, owner, make_user):
    rule = save_rule(owner)
    assert web.get(f"/settings/approval-rules/{rule.pk}/deactivate/").status_code == 405
    assert web.post(f"/settings/approval-rules/{rule.pk}/deactivate/").status_code == 302
    rule.refresh_from_db()
    assert not rule.active
    purchaser = client_for(make_user("buyer", "purchaser"))
    assert purchaser.post(f"/settings/approval-rules/{rule.pk}/activate/").status_code == 403
    rule.refresh_from_db()
    assert not rule.active
    web.post(f"/settings/approval-rules/{rule.pk}/activate/")
    rule.refresh_from_db()
    assert rule.active
    entries = AuditEntry.objects.filter(target_type="accounts.approvalrule", target_id=str(rule.pk)).order_by("seq")
    actions = list(entries.values_list("action", flat=True))
    assert actions == ["approval_rule.created", "approval_rule.deactivated", "approval_rule.activated"]


def test_a_purchaser_cannot_create_rules(make_user):
    response = client_for(make_user("buyer", "purchaser")).post(NEW, form_post())
    assert response.status_code == 403 and ApprovalRule.objects.count() == 0


# The steps panel and the home page


def test_the_steps_panel_shows_why_who_and_what_was_decided(buy, make_product, owner, make_user, english):
    save_rule(owner, threshold=D(100), name="大额采购")
    save_rule(owner, name="每单必审", condition="always", role="purchaser", position=2)
    order = buy.order(line(make_product(), 1, "500"), prices_include_tax=True)
    purchase_order_submit(actor=owner, order=order)
    accountant = make_user("acc", "accountant")
    purchase_order_approve(actor=accountant, order=order, comment="已核对")
    steps = approval_steps(document_type=PURCHASE_ORDER, document_id=order.pk)
    with translation.override("en"):
        html = render_to_string("accounts/approval_steps.html", {"steps": steps})
    assert "大额采购" in html and "total above 100: 500.00" in html and "每单必审" in html
    assert "Accountant" in html and "Purchaser" in html
    assert html.count('data-step-status="approved"') == 1 and html.count('data-step-status="pending"') == 1
    assert "badge-success" in html and "badge-warning" in html and "acc" in html and "已核对" in html
    with translation.override("en"):
        empty = render_to_string("accounts/approval_steps.html", {"steps": []})
    assert "Not submitted for approval yet." in empty


def test_home_lists_the_documents_waiting_for_my_approval(buy, make_product, owner, make_user, english):
    save_rule(owner, threshold=D(100), name="大额采购")
    order = buy.order(line(make_product(), 1, "500"), prices_include_tax=True)
    purchase_order_submit(actor=owner, order=order)
    accountant = make_user("acc", "accountant")
    html = client_for(accountant).get("/", **EN).content.decode()
    assert "Waiting for your approval" in html
    card = html[html.index('id="waiting-approvals"') :]
    card = card[: card.index("</table>")]
    assert order.number in card and "purchase order" in card and "total above 100" in card and "Accountant" in card
    url = document_url(PURCHASE_ORDER, order.pk)
    if url:  # the order page exists: the number links to it
        assert url == f"/purchasing/orders/{order.pk}/" and f'href="{url}"' in card
    else:
        assert "<a " not in card
    # someone whose roles are not asked does not see the card; nor does anyone once it is decided
    assert "waiting-approvals" not in client_for(make_user("wh", "warehouse")).get("/").content.decode()
    purchase_order_approve(actor=accountant, order=order)
    assert "waiting-approvals" not in client_for(accountant).get("/").content.decode()
