"""A warehouse keeper ships an order in a real browser: the orders to ship → a shipment of part of the order (the
rest stays on order) → the pick list, where a wrong scan is refused on the spot → pack → ship with the carrier →
a delivery exception, refused until it says what went wrong → the home page shows it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.sales.models import SalesOrder, SalesShipment
from jxc.sales.services.orders import SalesLineData, SalesOrderData, sales_order_create, sales_order_submit

pytestmark = pytest.mark.browser


def test_pick_by_scan_pack_ship_and_track(
    page, log_in, owner, make_user, make_warehouse, make_partner, make_product, units
):
    warehouse = make_warehouse("MAIN", "总仓")
    customer = make_partner("城东惠民超市", price_level="wholesale", address="城东路 8 号")
    noodles = make_product(sku="KSF-105", name="康师傅红烧牛肉面", wholesale_price=Decimal("3.00"))
    water = make_product(sku="NFSQ-550", name="农夫山泉", wholesale_price=Decimal("1.50"))
    chips = make_product(sku="LAYS-70", name="乐事薯片")
    opening = stock_document_create(
        actor=owner,
        data=DocumentData(
            kind=DocumentKind.RECEIPT,
            date=date.today(),
            warehouse_id=warehouse.pk,
            reason=ReceiptReason.OPENING,
            lines=[
                LineData(product_id=noodles.pk, quantity=Decimal(100), unit_cost=Decimal("2.00")),
                LineData(product_id=water.pk, quantity=Decimal(50), unit_cost=Decimal("1.00")),
            ],
        ),
    )
    stock_document_post(actor=owner, document=opening)
    order = sales_order_create(
        actor=owner,
        data=SalesOrderData(
            customer_id=customer.pk,
            warehouse_id=warehouse.pk,
            date=date.today(),
            prices_include_tax=True,
            lines=[
                SalesLineData(product_id=noodles.pk, quantity=Decimal(2), unit_id=units["箱"].pk, price=Decimal(72)),
                SalesLineData(product_id=water.pk, quantity=Decimal(10), price=Decimal("1.50")),
            ],
        ),
    )
    sales_order_submit(actor=owner, order=order)
    make_user("keeper", "warehouse")
    log_in(page, "keeper")
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto("/sales/to-ship/")
    page.locator(f"[data-ship-order='{order.pk}']").click()
    expect(page.locator("#lines-rows tr")).to_have_count(2)
    expect(page.locator("[data-order-line-row] button").first).to_be_disabled()  # already on the shipment
    assert page.locator("input[name$='-price']").count() == 0  # the keeper types no prices
    page.locator("input[name='lines-0-quantity']").fill("1")  # one 箱 now, the other stays on order
    page.locator("#document-save-pick").click()
    page.wait_for_url("**/pick/")
    page.wait_for_load_state("load")  # the scan field's script is running

    scan = page.locator("#id_code")
    expect(scan).to_be_focused()
    scan.fill(chips.barcodes.get(unit=chips.base_unit).code)
    scan.press("Enter")
    expect(page.locator("#scan-error")).to_contain_text("乐事薯片")
    expect(page.locator("#pick-progress")).to_contain_text("0")
    page.locator("#id_code").fill(noodles.barcodes.get(unit=units["箱"]).code)
    page.locator("#id_code").press("Enter")
    expect(page.locator("#scan-ok")).to_be_visible()
    for _n in range(10):  # as fast as a scanner reads: every scan is sent, in order
        page.locator("#id_code").fill(water.barcodes.get(unit=water.base_unit).code)
        page.locator("#id_code").press("Enter")
    expect(page.locator("#pick-complete")).to_be_visible()
    expect(page.locator("#scan-ok")).to_contain_text("10 / 10")

    page.locator("#shipment-pack").click()
    page.locator("#pack-save").click()
    expect(page.locator("#shipment-packages")).to_be_visible()
    expect(page.locator("#document-lines")).not_to_contain_text("72.00")
    page.locator("#id_carrier").fill("顺丰")
    page.locator("#id_tracking_no").fill("SF1234567890")
    page.locator("#document-ship").click()
    expect(page.locator("#tracking")).to_be_visible()
    shipment = SalesShipment.objects.get()
    assert shipment.status == "posted" and shipment.tracking_no == "SF1234567890"
    assert SalesOrder.objects.get().status == "partial"

    page.locator("#event-form select[name=status]").select_option("exception")
    page.locator("#event-add").click()
    expect(page.locator("#field-description.is-invalid")).to_be_visible()
    page.locator("#event-form input[name=description]").fill("外箱破损")
    page.locator("#event-add").click()
    expect(page.locator("#tracking-ok")).to_be_visible()
    page.goto("/")
    expect(page.locator("#delivery-problems-card")).to_contain_text(shipment.number)
