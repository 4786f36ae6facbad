"""A cashier at the counter with a keyboard and a scanner only: scan, scan again, scan another, cash, pay, receipt."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.models import StockBalance
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.partners.models import PartnerBalance
from jxc.sales.models import SalesShipment

pytestmark = pytest.mark.browser


def test_a_scanner_only_counter_sale_prints_a_receipt(page, log_in, owner, make_user, make_warehouse, make_product):
    warehouse = make_warehouse("SHOP", "城东门店")
    cola = make_product(sku="COLA-330", name="可口可乐 330ml", retail_price=Decimal("3.00"))
    chips = make_product(sku="LAYS-70", name="乐事薯片 70g", retail_price=Decimal("6.50"))
    opening = stock_document_create(
        actor=owner,
        data=DocumentData(
            kind=DocumentKind.RECEIPT,
            date=date.today(),
            warehouse_id=warehouse.pk,
            reason=ReceiptReason.OPENING,
            lines=[
                LineData(product_id=cola.pk, quantity=Decimal(48), unit_cost=Decimal("1.80")),
                LineData(product_id=chips.pk, quantity=Decimal(5), unit_cost=Decimal("4.00")),
            ],
        ),
    )
    stock_document_post(actor=owner, document=opening)
    cola_code = cola.barcodes.get(unit=cola.base_unit).code
    chips_code = chips.barcodes.get(unit=chips.base_unit).code
    make_user("shouyin", "cashier")
    log_in(page, "shouyin")

    page.goto("/sales/counter/")
    page.wait_for_load_state("load")
    scan = page.locator("#counter-scan")
    rows = page.locator("#cart-rows tr.cart-row")
    expect(scan).to_be_focused()
    expect(page.locator("#pay-cash")).to_contain_text("F5")

    # The same barcode twice: one row of 2. Another barcode: a second row. All by typing and Enter.
    for code in (cola_code, cola_code, chips_code):
        page.keyboard.type(code)
        page.keyboard.press("Enter")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("input[data-cart=quantity]")).to_have_value("2")
    expect(rows.nth(0)).to_contain_text("可口可乐 330ml")
    expect(rows.nth(1)).to_contain_text("乐事薯片 70g")
    expect(page.locator("#counter-total")).to_have_text("12.50")
    expect(scan).to_be_focused()

    # + and − change the last item's quantity while the scan field is empty.
    page.keyboard.press("+")
    expect(rows.nth(1).locator("input[data-cart=quantity]")).to_have_value("2")
    page.keyboard.press("-")
    expect(rows.nth(1).locator("input[data-cart=quantity]")).to_have_value("1")

    # A barcode nobody knows is refused and adds nothing; the next scan replaces it.
    page.keyboard.type("6999999999999")
    page.keyboard.press("Enter")
    expect(page.locator("#counter-scan-error")).to_contain_text("6999999999999")
    expect(rows).to_have_count(2)
    expect(page.locator("#counter-total")).to_have_text("12.50")
    expect(scan).to_be_focused()

    # Cash: F5, type what the customer gives, see the change, pay with F9.
    page.keyboard.press("F5")
    expect(page.locator("#id_cash_given")).to_be_focused()
    expect(page.locator("#pay-cash")).to_have_attribute("aria-pressed", "true")
    page.keyboard.type("20")
    expect(page.locator("#counter-change")).to_have_text("7.50")
    page.keyboard.press("F9")

    expect(page).to_have_url(re.compile(r"/sales/counter/\d+/receipt/"))
    expect(page.locator("#receipt-total")).to_contain_text("12.50")
    expect(page.locator("#receipt-given")).to_have_text("20.00")
    expect(page.locator("#receipt-change")).to_have_text("7.50")
    expect(page.locator("#receipt-lines")).to_contain_text("2 包 × 3.00")

    shipment = SalesShipment.objects.get()
    assert (shipment.channel, shipment.status, shipment.payment_method) == ("counter", "posted", "cash")
    assert (shipment.total, shipment.cash_given, shipment.change) == (
        Decimal("12.50"),
        Decimal("20.00"),
        Decimal("7.50"),
    )
    assert shipment.warehouse == warehouse and shipment.created_by.username == "shouyin"
    assert StockBalance.objects.get(product=cola, warehouse=warehouse).on_hand == 46
    assert StockBalance.objects.get(product=chips, warehouse=warehouse).on_hand == 4
    assert PartnerBalance.objects.get(partner=shipment.customer).receivable == 0

    # Enter on the receipt starts the next sale in the same shop, the scan field ready.
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/sales/counter/\?warehouse={warehouse.pk}$"))
    page.wait_for_load_state("load")
    expect(page.locator("#counter-scan")).to_be_focused()
    expect(page.locator("#id_warehouse")).to_have_value(str(warehouse.pk))
    expect(page.locator("#cart-rows tr.cart-row")).to_have_count(0)


def test_a_refused_payment_keeps_the_cart(page, log_in, owner, make_user, make_warehouse, make_product):
    warehouse = make_warehouse("SHOP", "城东门店")
    cola = make_product(sku="COLA-330", name="可口可乐 330ml", retail_price=Decimal("3.00"))
    opening = stock_document_create(
        actor=owner,
        data=DocumentData(
            kind=DocumentKind.RECEIPT,
            date=date.today(),
            warehouse_id=warehouse.pk,
            reason=ReceiptReason.OPENING,
            lines=[LineData(product_id=cola.pk, quantity=Decimal(2), unit_cost=Decimal("1.80"))],
        ),
    )
    stock_document_post(actor=owner, document=opening)
    code = cola.barcodes.get(unit=cola.base_unit).code
    make_user("shouyin", "cashier")
    log_in(page, "shouyin")
    page.goto("/sales/counter/")
    page.wait_for_load_state("load")

    for _ in range(3):  # one more than the shop has
        page.keyboard.type(code)
        page.keyboard.press("Enter")
    rows = page.locator("#cart-rows tr.cart-row")
    expect(rows.nth(0).locator("input[data-cart=quantity]")).to_have_value("3")
    page.keyboard.press("F7")  # Alipay
    expect(page.locator("#counter-cash")).to_be_hidden()
    expect(page.locator("#counter-scan")).to_be_focused()
    page.keyboard.press("Control+Enter")

    expect(page.locator("#counter-errors")).to_be_visible()
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator("input[data-cart=quantity]")).to_have_value("3")
    expect(rows.nth(0).locator("[role=alert]")).to_be_visible()
    expect(page.locator("#pay-alipay")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#counter-scan")).to_be_focused()
    assert not SalesShipment.objects.exists()
    assert StockBalance.objects.get(product=cola, warehouse=warehouse).on_hand == 2

    # Down to what is there, and it goes through.
    page.keyboard.press("-")
    page.keyboard.press("F9")
    expect(page.locator("#receipt-method")).to_be_visible()
    assert SalesShipment.objects.get().payment_method == "alipay"
