"""A salesperson's order in a real browser: scan a product, see the proposed price and the stock, search another
by name, save and submit; the accountant sees the gross profit, the warehouse keeper neither prices nor profit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from jxc.inventory.choices import DocumentKind, ReceiptReason
from jxc.inventory.models import StockBalance
from jxc.inventory.services.documents import DocumentData, LineData, stock_document_create, stock_document_post
from jxc.sales.models import CustomerPrice, SalesOrder

pytestmark = pytest.mark.browser


def test_enter_an_order_with_scan_search_proposed_prices_and_stock(
    page, new_page, log_in, owner, make_user, make_warehouse, make_partner, make_product, units
):
    warehouse = make_warehouse("MAIN", "总仓")
    customer = make_partner("城东惠民超市", price_level="wholesale", credit_limit=Decimal(10000))
    noodles = make_product(sku="KSF-105", name="康师傅红烧牛肉面", wholesale_price=Decimal("3.00"))
    water = make_product(sku="NFSQ-550", name="农夫山泉饮用天然水", wholesale_price=Decimal("1.50"))
    CustomerPrice.objects.create(customer=customer, product=water, price=Decimal("1.40"))
    opening = stock_document_create(
        actor=owner,
        data=DocumentData(
            kind=DocumentKind.RECEIPT,
            date=date.today(),
            warehouse_id=warehouse.pk,
            reason=ReceiptReason.OPENING,
            lines=[
                LineData(product_id=noodles.pk, quantity=Decimal(100), unit_cost=Decimal("2.00")),
                LineData(product_id=water.pk, quantity=Decimal(30), unit_cost=Decimal("1.00")),
            ],
        ),
    )
    stock_document_post(actor=owner, document=opening)
    make_user("xiaoshou", "sales")
    make_user("caiwu", "accountant")
    keeper_user = make_user("cangguan", "warehouse")
    keeper_user.user_permissions.add(Permission.objects.get(codename="view_salesorder"))  # to ship the orders
    log_in(page, "xiaoshou")

    page.goto("/sales/orders/new/")
    page.locator("select[name=customer]").select_option(str(customer.pk))
    scan = page.locator("#scan-code")
    scan.fill(noodles.barcodes.get(unit=units["箱"]).code)  # a box barcode: one 箱 of 24
    scan.press("Enter")
    rows = page.locator("#lines-rows tr.doc-line")
    expect(rows).to_have_count(1)
    first = rows.nth(0)
    expect(first.locator("input[name$='-price']")).to_have_attribute("placeholder", "72")  # 24 × 3.00 wholesale
    expect(first.locator("[data-price-source]")).not_to_be_empty()
    expect(first.locator("[data-figure=available]")).to_have_text("100")
    expect(first.locator("[data-figure=on_order]")).to_have_text("0")
    expect(page.locator("#total-sum")).to_have_text("72.00")

    scan.press_sequentially("农夫")  # search by name: the suggestion is picked by its SKU
    expect(page.locator("#product-suggestions option")).to_have_count(1)
    scan.fill("NFSQ-550")
    scan.press("Enter")
    expect(rows).to_have_count(2)
    second = rows.nth(1)
    expect(second.locator("input[name$='-price']")).to_have_attribute("placeholder", "1.4")  # agreed
    expect(second.locator("[data-figure=available]")).to_have_text("30")
    second.locator("input[name$='-quantity']").fill("10")
    first.locator("input[name$='-price']").fill("70")  # typed: the source says so
    expect(page.locator("#total-sum")).to_have_text("84.00")

    page.locator("#order-save-submit").click()
    expect(page.locator("#order-status")).to_have_attribute("data-status", "approved")
    order = SalesOrder.objects.get()
    lines = {ln.product.sku: ln for ln in order.lines.select_related("product")}
    assert (lines["KSF-105"].price, lines["KSF-105"].price_source) == (Decimal(70), "typed")
    assert (lines["NFSQ-550"].price, lines["NFSQ-550"].price_source) == (Decimal("1.4"), "agreed")
    assert StockBalance.objects.get(product=noodles).reserved == 24
    expect(page.locator("#order-total")).to_contain_text("84.00")
    expect(page.locator("#order-profit")).to_have_count(0)  # a salesperson sees no cost

    accountant = new_page()
    log_in(accountant, "caiwu")
    accountant.goto(f"/sales/orders/{order.pk}/")
    expect(accountant.locator("#order-profit")).to_contain_text("%")

    keeper = new_page()
    log_in(keeper, "cangguan")
    keeper.goto(f"/sales/orders/{order.pk}/")
    expect(keeper.locator("#order-lines")).to_contain_text("康师傅红烧牛肉面")
    expect(keeper.locator("#order-total")).to_have_count(0)
    expect(keeper.locator("#order-profit")).to_have_count(0)
