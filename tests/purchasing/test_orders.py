"""Purchase orders through the services: totals, recalled prices, every transition, approval, and every error."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.errors import ApprovalRoleRequired
from jxc.accounts.models import ApprovalStep, AuditEntry, Company
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.catalog.services.products import product_set_active
from jxc.core.errors import RecordInactive, ValidationFailed
from jxc.inventory.errors import DocumentNotDraft, OrderStatusConflict
from jxc.partners.services.partners import partner_data_of, partner_set_active, partner_update
from jxc.purchasing.errors import OrderHasReceipts, OrderNotOpen, SupplierNotApproved
from jxc.purchasing.models import PurchaseOrder, PurchaseOrderLine, SupplierProduct
from jxc.purchasing.services.orders import (
    purchase_order_approve,
    purchase_order_close,
    purchase_order_reject,
    purchase_order_submit,
    purchase_order_unapprove,
    purchase_order_update,
    purchase_order_void,
)
from jxc.purchasing.services.receipts import purchase_receipt_post
from tests.conftest import audit_count
from tests.purchasing.conftest import DAY, line


def nothing_written(before_orders: int, before_audit: int) -> None:
    assert PurchaseOrder.objects.count() == before_orders
    assert audit_count() == before_audit


def test_order_totals_without_tax_with_discount_and_charges(buy, make_product, units):
    noodles = make_product(name="方便面", tax_rate=D(13))
    oil = make_product(name="食用油", tax_rate=D(9))
    order = buy.order(
        line(noodles, 10, "55.20", unit_id=units["箱"].pk, discount_pct=D("5")),  # 552.00 − 5 % = 524.40
        line(oil, 7, "19.99"),  # 139.93
        freight=D("35.50"),
        other_charges=D("4.50"),
    )
    first, second = order.lines.order_by("position")
    assert (first.amount, first.tax, first.total) == (D("524.40"), D("68.17"), D("592.57"))
    assert first.quantity == D(240) and first.factor == D(24) and first.unit_quantity == D(10)
    assert (second.amount, second.tax, second.total) == (D("139.93"), D("12.59"), D("152.52"))
    assert (order.amount, order.tax) == (D("664.33"), D("80.76"))
    assert order.total == D("664.33") + D("80.76") + D("35.50") + D("4.50") == D("785.09")
    assert order.number == f"CG{date.today():%Y%m%d}0001"


def test_order_totals_with_tax_included_split_the_tax_out(buy, make_product):
    soap = make_product(name="肥皂", tax_rate=D(13))
    order = buy.order(line(soap, 3, "11.30"), prices_include_tax=True)  # 33.90 gross
    only = order.lines.get()
    assert (only.amount, only.tax, only.total) == (D("30.00"), D("3.90"), D("33.90"))
    assert order.total == D("33.90")


def test_order_recalls_the_supplier_last_price_in_the_line_unit(buy, make_product, units):
    noodles = make_product(name="方便面", tax_rate=D(13))
    first = buy.approved_order(line(noodles, 2, "2.50"))
    term = SupplierProduct.objects.get(supplier=buy.supplier, product=noodles)
    assert term.last_price == D("2.50") and term.last_price_date == first.date
    again = buy.order(line(noodles, 1, unit_id=units["箱"].pk))  # no price: 2.50 × 24 = 60.00 per 箱
    assert again.lines.get().price == D("60.000000")
    with_tax = buy.order(line(noodles, 1, unit_id=units["箱"].pk), prices_include_tax=True)
    assert with_tax.lines.get().price == D("67.800000")  # 60.00 × 1.13


def test_order_without_last_price_proposes_the_purchase_price(buy, make_product):
    noodles = make_product(name="方便面")
    order = buy.order(line(noodles, 4))
    assert order.lines.get().price == noodles.purchase_price == D("2.35")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": D(0)}, "lines.0.quantity"),
        ({"quantity": D("1.5")}, "lines.0.quantity"),  # 包 counts whole units
        ({"price": D("-1")}, "lines.0.price"),
        ({"tax_rate": D(100)}, "lines.0.tax_rate"),
        ({"discount_pct": D(101)}, "lines.0.discount_pct"),
        ({"expected_date": date(2026, 10, 1)}, "lines.0.expected_date"),
    ],
)
def test_order_refuses_bad_lines_and_writes_nothing(buy, make_product, change, field):
    noodles = make_product()
    before = (PurchaseOrder.objects.count(), audit_count())
    entry = line(noodles, 2, "2.50")
    for key, value in change.items():
        setattr(entry, key, value)
    with pytest.raises(ValidationFailed) as error:
        buy.order(entry)
    assert field in error.value.errors
    nothing_written(*before)
    assert PurchaseOrderLine.objects.count() == 0


def test_order_refuses_an_inactive_product_and_a_foreign_unit(buy, make_product, units, owner):
    old = make_product(name="停产商品")
    product_set_active(actor=owner, product=old, active=False)
    other = make_product(name="饮料")
    before = (PurchaseOrder.objects.count(), audit_count())
    with pytest.raises(ValidationFailed) as error:
        buy.order(line(old, 1, "1"), line(other, 1, "1", unit_id=units["瓶"].pk))
    assert "停产商品" in error.value.errors["lines.0.product_id"][0]
    assert "lines.1.unit_id" in error.value.errors
    nothing_written(*before)


def test_order_refuses_a_partner_that_is_no_supplier_or_is_inactive(buy, make_partner, make_product, owner):
    customer = make_partner("只是客户")
    noodles = make_product()
    before = (PurchaseOrder.objects.count(), audit_count())
    with pytest.raises(ValidationFailed) as error:
        buy.order(line(noodles, 1, "1"), supplier=customer)
    assert "supplier_id" in error.value.errors
    partner_set_active(actor=owner, partner=buy.supplier, active=False)
    before = (PurchaseOrder.objects.count(), audit_count())
    with pytest.raises(RecordInactive):
        buy.order(line(noodles, 1, "1"))
    nothing_written(*before)


def test_order_in_a_warehouse_the_user_may_not_use_is_refused(buy, make_product, make_user, make_warehouse):
    shop = make_warehouse("SHOP", "门店")
    clerk = make_user("clerk", "purchaser", all_warehouses=False, warehouse_ids=[shop.pk])
    with pytest.raises(ValidationFailed) as error:
        buy.order(line(make_product(), 1, "1"), actor=clerk)
    assert "warehouse_id" in error.value.errors


def test_draft_changes_and_only_drafts_change(buy, make_product, owner):
    noodles = make_product()
    order = buy.order(line(noodles, 2, "2.50"))
    data = buy.order_data(line(noodles, 5, "2.40"), freight=D("10"))
    order = purchase_order_update(actor=owner, order=order, data=data)
    assert order.total == D("23.56") and order.lines.get().unit_quantity == D(5)  # 12.00 + 1.56 tax + 10.00
    purchase_order_submit(actor=owner, order=order)
    before = audit_count()
    with pytest.raises(DocumentNotDraft):
        purchase_order_update(actor=owner, order=order, data=data)
    assert audit_count() == before


def test_submit_without_rules_approves_at_once(buy, make_product, owner):
    order = buy.order(line(make_product(), 2, "2.50"))
    outcome = purchase_order_submit(actor=owner, order=order)
    order.refresh_from_db()
    assert outcome.approved and order.status == "approved" and order.approved_by is None
    step = ApprovalStep.objects.get(document_type=PURCHASE_ORDER, document_id=order.pk)
    assert step.status == "approved" and step.rule is None
    assert AuditEntry.objects.filter(action="purchase_order.approved", target_id=str(order.pk)).exists()


def test_submit_waits_when_the_company_wants_every_order_approved(buy, make_product, owner, make_user, company):
    Company.objects.update(approve_without_rule=False)
    order = buy.order(line(make_product(), 2, "2.50"))
    assert not purchase_order_submit(actor=owner, order=order).approved
    purchaser = make_user("buyer", "purchaser")
    with pytest.raises(ApprovalRoleRequired):
        purchase_order_approve(actor=purchaser, order=order)
    assert purchase_order_approve(actor=owner, order=order).approved
    order.refresh_from_db()
    assert order.status == "approved" and order.approved_by == owner


def test_rule_over_a_total_needs_its_role(buy, make_product, owner, make_user):
    approval_rule_save(
        actor=owner,
        data=RuleData(
            name="大额采购", document_type=PURCHASE_ORDER, condition="total_above", threshold=D(1000), role="accountant"
        ),
    )
    small = buy.order(line(make_product(), 10, "100.00"), prices_include_tax=True)  # total 1000.00: not above
    assert purchase_order_submit(actor=owner, order=small).approved
    big = buy.order(line(make_product(), 10, "100.01"), prices_include_tax=True)
    outcome = purchase_order_submit(actor=owner, order=big)
    assert not outcome.approved and [s.role for s in outcome.waiting] == ["accountant"]
    assert "1000" in outcome.waiting[0].reason
    buyer = make_user("buyer", "purchaser")
    before = audit_count()
    with pytest.raises(ApprovalRoleRequired) as error:
        purchase_order_approve(actor=buyer, order=big)
    assert error.value.data["role_codes"] == ["accountant"]
    assert audit_count() == before
    accountant = make_user("acc", "accountant")
    assert purchase_order_approve(actor=accountant, order=big, comment="ok").approved
    big.refresh_from_db()
    assert big.status == "approved" and big.approved_by == accountant
    decision = AuditEntry.objects.get(action="approval.approved", target_id=str(big.pk))
    assert decision.after["rules"][0]["name"] == "大额采购" and decision.after["comment"] == "ok"


def test_rule_on_a_price_rise_over_the_last_price(buy, make_product, owner):
    noodles = make_product()
    buy.approved_order(line(noodles, 10, "2.00"))
    approval_rule_save(
        actor=owner,
        data=RuleData(
            name="涨价", document_type=PURCHASE_ORDER, condition="price_above_last", threshold=D(10), role="owner"
        ),
    )
    outcome = purchase_order_submit(actor=owner, order=buy.order(line(noodles, 1, "2.21")))
    assert not outcome.approved and "+10.50%" in outcome.waiting[0].reason
    assert purchase_order_submit(actor=owner, order=buy.order(line(noodles, 1, "2.20"))).approved  # +10 %: not above


def test_reject_sends_the_order_back_to_draft_with_the_reason(buy, make_product, owner, company):
    Company.objects.update(approve_without_rule=False)
    order = buy.order(line(make_product(), 2, "2.50"))
    purchase_order_submit(actor=owner, order=order)
    with pytest.raises(ValidationFailed):
        purchase_order_reject(actor=owner, order=order, reason=" ")
    purchase_order_reject(actor=owner, order=order, reason="价格太高")
    order.refresh_from_db()
    assert order.status == "draft"
    step = ApprovalStep.objects.get(document_id=order.pk, document_type=PURCHASE_ORDER)
    assert step.status == "rejected" and step.comment == "价格太高"
    # submitted again: a new round
    purchase_order_submit(actor=owner, order=order)
    assert ApprovalStep.objects.filter(document_id=order.pk, round=2, status="pending").count() == 1


def test_unapproved_supplier_needs_the_override(buy, make_product, owner, make_user):
    data = partner_data_of(buy.supplier)
    data.supplier_approved = False
    partner_update(actor=owner, partner=buy.supplier, data=data)
    order = buy.order(line(make_product(), 2, "2.50"))
    assert not purchase_order_submit(actor=owner, order=order).approved  # never on submit
    approver = make_user("approver", "purchaser")
    approver.user_permissions.add(*_perms("approve_purchaseorder"))
    with pytest.raises(SupplierNotApproved):
        purchase_order_approve(actor=approver, order=order)
    assert purchase_order_approve(actor=owner, order=order).approved
    decision = AuditEntry.objects.get(action="approval.approved", target_id=str(order.pk))
    assert decision.after["override"] == "supplier_not_approved"


def _perms(*codenames: str):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__in=codenames)


def test_unapprove_close_and_void(buy, make_product, owner):
    noodles = make_product()
    order = buy.approved_order(line(noodles, 2, "2.50"))
    purchase_order_unapprove(actor=owner, order=order)
    order.refresh_from_db()
    assert order.status == "draft" and order.approved_at is None
    with pytest.raises(OrderStatusConflict):
        purchase_order_close(actor=owner, order=order)
    purchase_order_void(actor=owner, order=order, reason="不要了")
    order.refresh_from_db()
    assert order.status == "void" and order.close_reason == "不要了"
    with pytest.raises(OrderStatusConflict):
        purchase_order_submit(actor=owner, order=order)


def test_received_orders_cannot_be_unapproved_or_voided_and_closing_stops_receipts(buy, make_product, owner):
    noodles = make_product()
    order = buy.approved_order(line(noodles, 10, "2.50"))
    buy.receive(*buy.against(order, l1=4))
    order.refresh_from_db()
    assert order.status == "partial"
    with pytest.raises(OrderStatusConflict):
        purchase_order_unapprove(actor=owner, order=order)
    with pytest.raises(OrderStatusConflict):
        purchase_order_void(actor=owner, order=order)
    draft = buy.receive(*buy.against(order, l1=2), post=False)
    purchase_order_close(actor=owner, order=order, reason="供应商缺货")
    order.refresh_from_db()
    assert order.status == "closed" and order.lines.get().remaining == 0
    with pytest.raises(OrderNotOpen):
        purchase_receipt_post(actor=owner, receipt=draft)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_approved_order_with_a_draft_receipt_cannot_be_unapproved(buy, make_product, owner):
    order = buy.approved_order(line(make_product(), 10, "2.50"))
    draft = buy.receive(*buy.against(order), post=False)
    with pytest.raises(OrderHasReceipts) as error:
        purchase_order_unapprove(actor=owner, order=order)
    assert draft.number in error.value.text


def test_submit_needs_lines_and_a_draft(buy, make_product, owner):
    order = buy.approved_order(line(make_product(), 1, "1"))
    with pytest.raises(OrderStatusConflict):
        purchase_order_submit(actor=owner, order=order)
    assert order.date == DAY
