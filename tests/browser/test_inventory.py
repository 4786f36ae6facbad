"""The stock keeper's day in a real browser: opening stock by scanning, a count with one variance, the stock card."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from jxc.inventory.choices import CountStatus, DocumentStatus
from jxc.inventory.models import StockBalance, StockCount, StockDocument
from jxc.inventory.services.warehouses import LocationData, location_save

pytestmark = pytest.mark.browser


def scan(page, code: str) -> None:
    """What a USB scanner does: type the code into the focused field and press Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_opening_stock_count_and_stock_card(page, log_in, owner, make_warehouse, make_product):
    warehouse = make_warehouse("MAIN", "总仓")
    for code in ("A-01", "A-02"):
        location_save(actor=None, warehouse=warehouse, data=LocationData(code=code))
    noodles = make_product(sku="KSF-105", name="康师傅红烧牛肉面")
    box = noodles.barcodes.get(unit__name="箱").code
    each = noodles.barcodes.get(unit__name="包").code
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() before posting
    log_in(page, "boss")

    # 期初: two boxes and three packets, scanned; the second box scan adds to the first line.
    page.goto("/inventory/receipts/new/")
    page.get_by_label("原因").select_option("opening")
    scan_field = page.locator("#scan-code")
    expect(scan_field).to_be_focused()
    scan(page, box)
    lines = page.locator("#lines-rows tr.doc-line")
    expect(lines).to_have_count(1)
    scan(page, box)
    expect(lines.first.locator("input[name$='-quantity']")).to_have_value("2")
    scan(page, each)
    expect(lines).to_have_count(2)
    scan(page, "NO-SUCH-CODE")
    expect(page.locator("#scan-error")).not_to_be_empty()
    expect(lines).to_have_count(2)
    for row, cost in ((lines.nth(0), "56.40"), (lines.nth(1), "2.35")):
        row.locator("input[name$='-unit_cost']").fill(cost)
        row.locator("select[name$='-location']").select_option(label="A-01")
    lines.nth(1).locator("input[name$='-quantity']").fill("3")
    page.locator("#document-save-post").click()
    expect(page.locator(".badge", has_text="已过账")).to_be_visible()
    receipt = StockDocument.objects.get()
    assert receipt.status == DocumentStatus.POSTED
    balance = StockBalance.objects.get(product=noodles, warehouse=warehouse)
    assert balance.on_hand == Decimal(51)  # 2 × 24 + 3

    # 盘点 A-01: one packet is missing.
    page.goto("/inventory/counts/new/")
    page.locator("#id_warehouse").select_option(label="MAIN 总仓")
    page.locator("#count-form button[type=submit]").click()
    expect(page.locator("#id_code")).to_be_focused()
    page.wait_for_load_state("load")  # the page's deferred scripts (htmx) handle the scans
    count = StockCount.objects.get()
    line = count.lines.get()
    page.locator("#id_location").select_option(label="A-01")
    page.locator("#id_code").focus()
    scan(page, box)
    counted = page.locator(f"#line-{line.pk} input[data-count-input]")
    expect(counted).to_have_value("24")
    scan(page, box)
    expect(counted).to_have_value("48")
    scan(page, each)
    scan(page, each)
    expect(counted).to_have_value("50")
    page.locator("#count-submit").click()
    variances = page.locator("#variances")
    expect(variances).to_be_visible()
    expect(variances).to_contain_text("康师傅红烧牛肉面")
    expect(variances).to_contain_text("-1")
    page.locator("#count-approve").click()
    page.locator("#count-post").click()
    expect(page.locator(".badge", has_text="已过账")).to_be_visible()
    count.refresh_from_db()
    assert count.status == CountStatus.POSTED
    balance.refresh_from_db()
    assert balance.on_hand == Decimal(50)

    # 库存台账: the opening receipt in, the count loss out, the running balance ending at 50.
    page.goto(f"/inventory/stock-card/?product={noodles.pk}")
    card = page.locator("#card-table")
    expect(card).to_contain_text(receipt.number)
    expect(card).to_contain_text(count.number)
    expect(page.locator("#card-closing")).to_contain_text("50")
