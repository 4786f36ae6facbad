"""Sales orders through the services: proposed prices, review rules, reservation on approval, every transition."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from jxc.accounts.approvals import SALES_ORDER
from jxc.accounts.errors import ApprovalRoleRequired
from jxc.accounts.models import AuditEntry
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.catalog.services.products import product_set_active
from jxc.core.errors import ValidationFailed
from jxc.inventory.errors import DocumentNotDraft, InsufficientStock, OrderStatusConflict
from jxc.inventory.models import Reservation, StockBalance
from jxc.partners.services.ledger import EntrySource, partner_entry_post
from jxc.sales.models import CustomerPrice, SalesOrder
from jxc.sales.services.orders import (
    sales_order_approve,
    sales_order_close,
    sales_order_reject,
    sales_order_submit,
    sales_order_unapprove,
    sales_order_update,
    sales_order_void,
)
from tests.conftest import audit_count
from tests.sales.conftest import DAY, sale


def reserved(product):
    balance = StockBalance.objects.filter(product=product).first()
    return balance.reserved if balance else D(0)


def rule(owner, condition, threshold=D(0), role="accountant"):
    return approval_rule_save(
        actor=owner,
        data=RuleData(name=condition, document_type=SALES_ORDER, condition=condition, threshold=threshold, role=role),
    )


def test_totals_and_proposed_prices(sell, make_product, units, customer):
    noodles = make_product(name="方便面", wholesale_price=D("3.00"), tax_rate=D(13))
    order = sell.order(sale(noodles, 2, unit_id=units["箱"].pk, discount_pct=D(5)), freight=D("10.00"))
    line = order.lines.get()
    assert (line.price, line.price_source) == (D("72.000000"), "wholesale")  # 3.00 × 24, the customer's level
    assert (line.amount, line.tax, line.total) == (D("121.06"), D("15.74"), D("136.80"))  # 144 − 5 % = 136.80
    assert order.total == D("146.80") and order.number.startswith("XS")
    CustomerPrice.objects.create(customer=customer, product=noodles, price=D("2.80"))
    assert sell.order(sale(noodles, 1)).lines.get().price_source == "agreed"


def test_the_last_price_sold_to_the_customer_is_recalled(sell, make_product, owner):
    noodles = make_product(name="方便面", wholesale_price=D("3.00"))
    sell.stock(noodles, 100, "2.00")
    first = sell.order(sale(noodles, 10, "3.39"))  # 3.00 + 13 % tax
    sales_order_submit(actor=owner, order=first)
    again = sell.order(sale(noodles, 1)).lines.get()
    assert (again.price, again.price_source) == (D("3.390000"), "last_sale")


def test_submit_without_rules_approves_and_reserves(sell, make_product, owner, units):
    noodles = make_product(name="方便面")
    sell.stock(noodles, 100, "2.00")
    order = sell.order(sale(noodles, 2, "80", unit_id=units["箱"].pk))
    assert sales_order_submit(actor=owner, order=order).approved
    order.refresh_from_db()
    assert order.status == "approved" and reserved(noodles) == D(48)
    assert Reservation.objects.get(source_id=order.pk).source_line_id == order.lines.get().pk


def test_approval_that_cannot_reserve_writes_nothing(sell, make_product, owner):
    noodles = make_product(name="方便面")
    sell.stock(noodles, 5, "2.00")
    order = sell.order(sale(noodles, 6, "3"))
    before = audit_count()
    with pytest.raises(InsufficientStock):
        sales_order_submit(actor=owner, order=order)
    order.refresh_from_db()
    assert order.status == "draft" and reserved(noodles) == 0 and audit_count() == before
    assert not Reservation.objects.exists()


def test_bad_lines_are_refused_and_nothing_is_written(sell, make_product, units, owner):
    old = make_product(name="停产")
    product_set_active(actor=owner, product=old, active=False)
    other = make_product(name="饮料")
    before = (SalesOrder.objects.count(), audit_count())
    with pytest.raises(ValidationFailed) as error:
        sell.order(sale(old, 1, "1"), sale(other, 1, "1", unit_id=units["瓶"].pk), sale(other, 0, "1"))
    assert {"lines.0.product_id", "lines.1.unit_id", "lines.2.quantity"} <= set(error.value.errors)
    assert (SalesOrder.objects.count(), audit_count()) == before


def test_credit_limit_and_overdue_receivables_need_review(sell, make_product, owner, customer, make_user):
    rule(owner, "over_credit_limit")
    rule(owner, "overdue_receivables", role="owner")
    noodles = make_product(name="方便面")
    sell.stock(noodles, 1000, "2.00")
    small = sell.order(sale(noodles, 100, "3.00"))  # 300.00: within 1000.00
    assert sales_order_submit(actor=owner, order=small).approved
    partner_entry_post(
        partner=customer,
        account="receivable",
        amount=D("500.00"),
        day=DAY,
        source=EntrySource("tests.shipment", 1, "CK1"),
        actor=None,
    )
    big = sell.order(sale(noodles, 100, "3.00"))  # 500 owed + 300 on order + 300 > 1000
    outcome = sales_order_submit(actor=owner, order=big)
    reasons = {s.condition: s.reason for s in outcome.waiting}
    assert set(reasons) == {"over_credit_limit"}  # due on 2026-12-02: not overdue yet
    assert "800.00 + 300.00 > 1,000.00" in reasons["over_credit_limit"]
    seller = make_user("seller", "sales")
    with pytest.raises(ApprovalRoleRequired):
        sales_order_approve(actor=seller, order=big)
    assert reserved(noodles) == D(100)
    sales_order_approve(actor=make_user("acc", "accountant"), order=big)
    assert reserved(noodles) == D(200)
    partner_entry_post(
        partner=customer,
        account="receivable",
        amount=D("50.00"),
        day=date.today() - timedelta(days=60),
        due_date=date.today() - timedelta(days=30),
        source=EntrySource("tests.shipment", 2, "CK2"),
        actor=None,
    )
    late = sell.order(sale(noodles, 1, "3.00"))
    waiting = {s.condition for s in sales_order_submit(actor=owner, order=late).waiting}
    assert waiting == {"over_credit_limit", "overdue_receivables"}


def test_prices_below_floor_or_cost_and_big_discounts_need_review(sell, make_product, owner):
    rule(owner, "price_below_floor")
    rule(owner, "price_below_cost")
    rule(owner, "discount_above", D(10))
    noodles = make_product(name="方便面", min_price=D("2.26"))  # with 13 % tax: 2.00 without
    sell.stock(noodles, 100, "2.10")
    fine = sell.order(sale(noodles, 1, "2.70", discount_pct=D(10)))  # 2.43 with tax → 2.15 without
    assert sales_order_submit(actor=owner, order=fine).approved
    cheap = sell.order(sale(noodles, 1, "2.26", discount_pct=D("10.5")))  # 2.02 → 1.79 < 2.00 and < 2.10
    outcome = sales_order_submit(actor=owner, order=cheap)
    assert {s.condition for s in outcome.waiting} == {"price_below_floor", "price_below_cost", "discount_above"}
    cost_reason = next(s.reason for s in outcome.waiting if s.condition == "price_below_cost")
    assert "1.79 < 2.1" in cost_reason


def test_reject_unapprove_close_and_void_release_the_stock(sell, make_product, owner, company):
    company.approve_without_rule = False
    company.save()
    noodles = make_product(name="方便面")
    sell.stock(noodles, 100, "2.00")
    order = sell.order(sale(noodles, 10, "3"))
    sales_order_submit(actor=owner, order=order)
    assert reserved(noodles) == 0  # waiting for anyone allowed to approve
    with pytest.raises(ValidationFailed):
        sales_order_reject(actor=owner, order=order, reason="")
    sales_order_reject(actor=owner, order=order, reason="价格再议")
    order.refresh_from_db()
    assert order.status == "draft"
    sales_order_update(actor=owner, order=order, data=sell.data(sale(noodles, 20, "3")))
    sales_order_submit(actor=owner, order=order)
    sales_order_approve(actor=owner, order=order)
    assert reserved(noodles) == 20
    with pytest.raises(DocumentNotDraft):
        sales_order_update(actor=owner, order=order, data=sell.data(sale(noodles, 1, "3")))
    sales_order_unapprove(actor=owner, order=order)
    assert reserved(noodles) == 0
    sales_order_submit(actor=owner, order=order)
    sales_order_approve(actor=owner, order=order)
    sales_order_close(actor=owner, order=order, reason="客户取消余量")
    order.refresh_from_db()
    assert order.status == "closed" and reserved(noodles) == 0
    with pytest.raises(OrderStatusConflict):
        sales_order_void(actor=owner, order=order)
    other = sell.order(sale(noodles, 5, "3"))
    sales_order_submit(actor=owner, order=other)
    sales_order_approve(actor=owner, order=other)
    sales_order_void(actor=owner, order=other, reason="重复下单")
    other.refresh_from_db()
    assert other.status == "void" and reserved(noodles) == 0
    assert AuditEntry.objects.filter(action="sales_order.voided", after__released=1).exists()


def test_proposing_a_price_reads_one_row_however_long_the_history(sell, make_product, owner, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jxc.sales.selectors.prices import sale_price

    noodles = make_product(name="方便面")
    sell.stock(noodles, 100, "2.00")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            sale_price(customer=customer, product=noodles, factor=D(1), tax_rate=D(13), include_tax=True)
        return len(captured.captured_queries)

    sales_order_submit(actor=owner, order=sell.order(sale(noodles, 1, "3.39")))
    few = queries()
    for price in ("3.50", "3.61", "3.72"):
        sales_order_submit(actor=owner, order=sell.order(sale(noodles, 1, price)))
    assert queries() == few
    assert sale_price(customer=customer, product=noodles, factor=D(1), tax_rate=D(13), include_tax=True) == (
        D("3.720000"),
        "last_sale",
    )
