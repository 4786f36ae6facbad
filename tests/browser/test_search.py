"""The global search box: pinyin initials while typing, and a barcode scanner typing a code + Enter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_find_a_product_by_its_pinyin_initials(live_server, page, log_in, owner, make_product):
    noodles = make_product("P0001", "康师傅红烧牛肉面")
    make_product("P0002", "农夫山泉550ml")
    log_in(page, "boss")

    search = page.locator("#global-search")
    suggest = page.locator("#search-suggest")
    expect(suggest).to_be_hidden()
    search.press_sequentially("KSF")

    expect(suggest).to_be_visible()
    expect(suggest.locator(".group").first).to_have_text("商品")
    hits = suggest.locator("a[href*='/catalog/products/']")
    expect(hits).to_have_count(1)
    expect(hits.first).to_contain_text("康师傅红烧牛肉面")
    expect(hits.first).to_contain_text("P0001")
    expect(suggest).not_to_contain_text("农夫山泉")

    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=KSF$"))
    expect(page.locator(".page-head h1")).to_have_text("搜索：“KSF”")
    rows = page.locator("#search-products tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("康师傅红烧牛肉面")
    expect(rows.first).to_contain_text("KSFHSNRM")
    expect(search).to_have_value("KSF")

    rows.first.get_by_role("link", name="康师傅红烧牛肉面").click()
    expect(page).to_have_url(f"{live_server.url}/catalog/products/{noodles.pk}/")


def test_scanning_a_barcode_into_the_search_opens_the_product(live_server, page, log_in, owner, make_product):
    make_product("P0001", "康师傅红烧牛肉面")
    water = make_product("P0002", "农夫山泉550ml")
    code = water.barcodes.get(unit=water.base_unit).code
    log_in(page, "boss")

    # A scanner types the digits fast and presses Enter.
    page.keyboard.press("/")
    search = page.locator("#global-search")
    expect(search).to_be_focused()
    page.keyboard.type(code)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/catalog/products/{water.pk}/")
    expect(page.locator(".page-head h1")).to_contain_text("农夫山泉550ml")
    expect(page.locator("#product-barcodes")).to_contain_text(code)
