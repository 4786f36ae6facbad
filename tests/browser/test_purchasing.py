"""A purchaser's loop in a real browser: low stock → suggestion → draft order → submit → approve → receive with
one line partly rejected → stock, cost and payable → the rejected goods go back to the supplier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.models import CostState, StockBalance
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.partners.models import PartnerBalance
from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt, PurchaseReturn
from jxc.purchasing.services.terms import TermData, supplier_term_save

pytestmark = pytest.mark.browser


def test_low_stock_to_order_to_receipt_with_inspection_to_return(
    page, new_page, log_in, owner, make_user, make_warehouse, make_partner, make_product, units
):
    warehouse = make_warehouse("MAIN", "总仓")
    supplier = make_partner("华南食品批发", is_customer=False, is_supplier=True, payment_terms_days=30)
    noodles = make_product(sku="KSF-105", name="康师傅红烧牛肉面", min_stock=Decimal(48), max_stock=Decimal(240))
    water = make_product(sku="NFSQ-550", name="农夫山泉", min_stock=Decimal(20), max_stock=Decimal(100))
    for product, price in ((noodles, "2.00"), (water, "1.00")):
        supplier_term_save(
            actor=owner,
            data=TermData(
                supplier_id=supplier.pk,
                product_id=product.pk,
                unit_id=units["箱"].pk,
                last_price=Decimal(price),
                preferred=True,
            ),
        )
    opening = stock_document_create(
        actor=owner,
        data=DocumentData(
            kind=DocumentKind.RECEIPT,
            date=date.today(),
            warehouse_id=warehouse.pk,
            reason=ReceiptReason.OPENING,
            lines=[
                LineData(product_id=noodles.pk, quantity=Decimal(24), unit_cost=Decimal("2.00")),
                LineData(product_id=water.pk, quantity=Decimal(10), unit_cost=Decimal("1.00")),
            ],
        ),
    )
    stock_document_post(actor=owner, document=opening)
    approval_rule_save(
        actor=owner,
        data=RuleData(
            name="大额采购",
            document_type=PURCHASE_ORDER,
            condition="total_above",
            threshold=Decimal(300),
            role="accountant",
        ),
    )
    make_user("caiwu", "accountant")
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, "boss")

    # 补货建议: 24 on hand < 48 → up to 240 = 216 = 9 箱; 10 < 20 → up to 100 = 90 → 4 箱 (96).
    page.goto("/purchasing/replenishment/")
    table = page.locator("#replenishment-table")
    noodle_row = table.locator("tr", has_text="KSF-105")
    expect(noodle_row).to_contain_text("216")
    expect(noodle_row).to_contain_text("9 箱")
    expect(table.locator("tr", has_text="NFSQ-550")).to_contain_text("96")
    for row in (noodle_row, table.locator("tr", has_text="NFSQ-550")):
        row.locator("input[name=pick]").check()
    page.locator("#create-orders").click()
    expect(page.locator(".alert-success")).to_contain_text("CG")
    order = PurchaseOrder.objects.get()
    assert order.status == "draft" and order.supplier == supplier
    assert sorted((ln.product.sku, ln.unit_quantity, ln.unit.name) for ln in order.lines.all()) == [
        ("KSF-105", Decimal(9), "箱"),
        ("NFSQ-550", Decimal(4), "箱"),
    ]

    # 提交: 9 箱 × 54.24 + 4 箱 × 27.12 = 596.64 (with tax) > 300 → the accountant must approve.
    page.goto(f"/purchasing/orders/{order.pk}/")
    page.locator("#order-submit").click()
    expect(page.locator("#order-status")).to_have_attribute("data-status", "submitted")
    expect(page.locator("#approval-steps")).to_contain_text("大额采购")
    accountant = new_page()
    log_in(accountant, "caiwu")
    accountant.goto(f"/purchasing/orders/{order.pk}/")
    expect(accountant.locator("#approval-reasons")).to_contain_text("300")
    accountant.locator("#order-approve").click()
    expect(accountant.locator("#order-status")).to_have_attribute("data-status", "approved")

    # 收货: noodles 6 箱 arrive, 1 rejected (broken); water 4 箱 all fine.
    page.goto(f"/purchasing/orders/{order.pk}/")
    page.locator("#order-receive").click()
    rows = page.locator("#lines-rows tr.doc-line")
    expect(rows).to_have_count(2)
    noodle_line = rows.filter(has_text="KSF-105")
    noodle_line.locator("input[name$='-received_quantity']").fill("6")
    noodle_line.locator("input[name$='-rejected_quantity']").fill("1")
    expect(noodle_line.locator("input[name$='-accepted_quantity']")).to_have_value("5")
    noodle_line.locator("input[name$='-reject_reason']").fill("外箱破损")
    page.locator("#document-save-post").click()
    expect(page.locator("#document-status")).to_have_attribute("data-status", "posted")

    receipt = PurchaseReceipt.objects.get()
    order.refresh_from_db()
    assert order.status == "partial"
    # Last prices 2.00 and 1.00 without tax per 包: 48.00 and 24.00 a 箱 at cost, 54.24 and 27.12 with 13 % tax.
    noodle_cost, water_cost = Decimal("240.00"), Decimal("96.00")  # 5 accepted 箱, 4 箱
    assert StockBalance.objects.get(product=noodles, warehouse=warehouse).on_hand == 24 + 120
    assert StockBalance.objects.get(product=water, warehouse=warehouse).on_hand == 10 + 96
    assert CostState.objects.get(product=noodles).value == Decimal("48.00") + noodle_cost
    assert CostState.objects.get(product=water).value == Decimal("10.00") + water_cost
    payable = Decimal("271.20") + Decimal("108.48")
    assert receipt.total == payable and PartnerBalance.objects.get(partner=supplier).payable == payable
    expect(page.locator("#receipt-total")).to_contain_text(f"{payable:,}")

    # 退货: the rejected box goes back; no stock and no payable move.
    page.locator("#receipt-return").click()
    rejected_row = page.locator("#lines-rows tr.doc-line.is-rejected")
    expect(rejected_row).to_have_count(1)
    expect(rejected_row).to_contain_text("外箱破损")
    accepted_rows = page.locator("#lines-rows tr.doc-line:not(.is-rejected)")
    for index in range(accepted_rows.count()):
        accepted_rows.nth(index).locator("[data-formset-remove]").click()
    page.locator("#document-save-post").click()
    expect(page.locator("#document-status")).to_have_attribute("data-status", "posted")
    returned = PurchaseReturn.objects.get()
    assert [(ln.rejected, ln.unit_quantity, ln.cost) for ln in returned.lines.all()] == [(True, Decimal(1), Decimal(0))]
    assert StockBalance.objects.get(product=noodles, warehouse=warehouse).on_hand == 144
    assert PartnerBalance.objects.get(partner=supplier).payable == payable
    assert receipt.lines.get(product=noodles).rejected_open == 0
