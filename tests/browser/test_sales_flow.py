"""Selling end to end in a real browser: a salesperson submits an order over the customer's credit limit → the
accountant sees why it waits and approves it (the stock is reserved) → the warehouse keeper picks it by scanning
(a wrong item is refused on the spot) and ships it with a tracking number → the customer, not logged in, opens the
order's status link and sees the parcel; a tampered link is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.accounts.approvals import SALES_ORDER
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.models import StockBalance
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.partners.models import PartnerBalance
from jxc.sales.models import SalesOrder, SalesShipment
from jxc.sales.services.orders import SalesLineData, SalesOrderData, sales_order_create

pytestmark = pytest.mark.browser


def test_order_credit_review_pick_by_scan_ship_and_the_customer_follows_it(
    page, new_page, log_in, owner, make_user, make_warehouse, make_partner, make_product
):
    warehouse = make_warehouse("MAIN", "总仓")
    customer = make_partner("城东惠民超市", price_level="wholesale", credit_limit=Decimal(100))
    water = make_product(sku="NFSQ-550", name="农夫山泉", wholesale_price=Decimal("1.50"))
    chips = make_product(sku="LAYS-70", name="乐事薯片")
    opening = stock_document_create(
        actor=owner,
        data=DocumentData(
            kind=DocumentKind.RECEIPT,
            date=date.today(),
            warehouse_id=warehouse.pk,
            reason=ReceiptReason.OPENING,
            lines=[LineData(product_id=water.pk, quantity=Decimal(200), unit_cost=Decimal("1.00"))],
        ),
    )
    stock_document_post(actor=owner, document=opening)
    approval_rule_save(
        actor=owner,
        data=RuleData(name="超信用额度", document_type=SALES_ORDER, condition="over_credit_limit", role="accountant"),
    )
    salesperson = make_user("xiaoshou", "sales")
    make_user("caiwu", "accountant")
    make_user("cangguan", "warehouse")
    order = sales_order_create(
        actor=salesperson,
        data=SalesOrderData(
            customer_id=customer.pk,
            warehouse_id=warehouse.pk,
            date=date.today(),
            lines=[SalesLineData(product_id=water.pk, quantity=Decimal(80))],  # 80 × 1.50 = 120 > 100
        ),
    )

    log_in(page, "xiaoshou")
    page.goto(f"/sales/orders/{order.pk}/")
    page.locator("#order-submit").click()
    expect(page.locator("#order-status")).to_have_attribute("data-status", "submitted")

    accountant = new_page()
    log_in(accountant, "caiwu")
    accountant.goto(f"/sales/orders/{order.pk}/")
    expect(accountant.locator("#approval-reasons")).to_contain_text("120.00")  # exposure + order > limit
    expect(accountant.locator("#approval-reasons")).to_contain_text("100.00")
    accountant.locator("#order-approve").click()
    expect(accountant.locator("#order-status")).to_have_attribute("data-status", "approved")
    assert StockBalance.objects.get(product=water).reserved == 80

    keeper = new_page()
    log_in(keeper, "cangguan")
    keeper.on("dialog", lambda dialog: dialog.accept())
    keeper.goto("/sales/to-ship/")
    keeper.locator(f"[data-ship-order='{order.pk}']").click()
    expect(keeper.locator("#lines-rows tr")).to_have_count(1)
    keeper.locator("input[name='lines-0-quantity']").fill("3")  # three now, the rest stays reserved
    keeper.locator("#document-save-pick").click()
    keeper.wait_for_url("**/pick/")
    keeper.wait_for_load_state("load")
    scan = keeper.locator("#id_code")
    expect(scan).to_be_focused()
    scan.fill(chips.barcodes.get(unit=chips.base_unit).code)  # not on the shipment
    scan.press("Enter")
    expect(keeper.locator("#scan-error")).to_contain_text("乐事薯片")
    for _n in range(3):
        keeper.locator("#id_code").fill(water.barcodes.get(unit=water.base_unit).code)
        keeper.locator("#id_code").press("Enter")
    expect(keeper.locator("#pick-complete")).to_be_visible()
    shipment = SalesShipment.objects.get()
    assert sorted(shipment.lines.values_list("picked_quantity", flat=True)) == [Decimal(3)]
    keeper.goto(f"/sales/shipments/{shipment.pk}/")
    keeper.locator("#id_carrier").fill("顺丰速运")
    keeper.locator("#id_tracking_no").fill("SF1234567890")
    keeper.locator("#document-ship").click()
    expect(keeper.locator("#tracking")).to_be_visible()
    shipment.refresh_from_db()
    assert shipment.status == "posted" and shipment.cost == Decimal("3.00")
    assert SalesOrder.objects.get().status == "partial"
    assert StockBalance.objects.get(product=water).reserved == 77
    assert PartnerBalance.objects.get(partner=customer).receivable == Decimal("4.50")

    page.goto(f"/sales/orders/{order.pk}/")
    link = page.locator("#order-status-link").input_value()
    visitor = new_page()  # the customer: not logged in
    visitor.goto(link)
    expect(visitor.locator("body")).to_contain_text(order.number)
    expect(visitor.locator("body")).to_contain_text("SF1234567890")
    expect(visitor.locator("body")).to_contain_text("顺丰速运")
    expect(visitor.locator("body")).not_to_contain_text("城东惠民超市")
    expect(visitor.locator("body")).not_to_contain_text("4.50")
    tampered = link.replace(f"/o{order.pk}:", f"/o{order.pk + 1}:")
    assert tampered != link
    response = visitor.goto(tampered)
    assert response is not None and response.status == 404
