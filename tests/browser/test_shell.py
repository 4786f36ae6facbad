"""The page shell: switching the language, and the layout on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


def test_switch_to_english_and_back(live_server, page, log_in, owner):
    log_in(page, "boss")
    page.goto("/catalog/products/")
    sidebar = page.locator("#sidebar")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(sidebar.get_by_role("link", name="商品", exact=True)).to_be_visible()
    expect(page.locator("button[data-lang=zh-hans]")).to_have_class(re.compile(r"\bis-current\b"))

    page.locator("button[data-lang=en]").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/catalog/products/$"))  # stays on the same page
    expect(sidebar.get_by_role("link", name="Products", exact=True)).to_be_visible()
    expect(sidebar.get_by_role("link", name="商品", exact=True)).to_have_count(0)
    expect(page.locator(".page-head h1")).to_have_text("Products")
    expect(page.locator("a[data-export]")).to_have_text("Export Excel")
    expect(page.locator("button[data-lang=en]")).to_have_class(re.compile(r"\bis-current\b"))

    # The choice is remembered on the next page.
    sidebar.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".page-head h1")).to_have_text("Hello, boss")

    page.locator("button[data-lang=zh-hans]").click()
    expect(page.locator("button[data-lang=zh-hans]")).to_have_text("简体中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator(".page-head h1")).to_have_text("您好，boss")
    expect(sidebar.get_by_role("link", name="商品", exact=True)).to_be_visible()


def test_the_product_list_is_usable_on_a_phone(live_server, new_page, log_in, owner, make_product):
    make_product("P0001", "康师傅红烧牛肉面")
    make_product("P0002", "农夫山泉550ml")
    page = log_in(new_page(viewport=PHONE, is_mobile=True, has_touch=True), "boss")

    sidebar = page.locator("#sidebar")
    menu = page.locator(".menu-toggle")
    expect(menu).to_be_visible()
    expect(sidebar).not_to_be_in_viewport()

    menu.click()
    expect(sidebar).to_be_in_viewport()
    products_link = sidebar.get_by_role("link", name="商品", exact=True)
    expect(products_link).to_be_in_viewport()
    # Tapping the dimmed page beside the menu closes it again.
    page.locator(".backdrop").click(position={"x": PHONE["width"] - 20, "y": PHONE["height"] // 2})
    expect(sidebar).not_to_be_in_viewport()

    menu.click()
    products_link.click()
    expect(page).to_have_url(re.compile(r"/catalog/products/$"))
    expect(sidebar).not_to_be_in_viewport()
    expect(page.locator("#global-search")).to_be_in_viewport()
    expect(page.locator(".page-head h1")).to_have_text("商品")

    # The page itself does not scroll sideways; the table does, inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    wrap = page.locator("#list-results .table-wrap")
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    last_header = page.locator("#list-table thead th").last
    expect(last_header).not_to_be_in_viewport()
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    expect(last_header).to_be_in_viewport()

    # Filtering the list on a phone: type in the list's search box, the rows narrow down.
    filter_box = page.locator("form.toolbar input[name=q]")
    expect(filter_box).to_be_in_viewport()
    filter_box.fill("NFSQ")
    rows = page.locator("#list-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("农夫山泉550ml")
    expect(page).to_have_url(re.compile(r"[?&]q=NFSQ\b"))

    rows.first.get_by_role("link", name="农夫山泉550ml").click()
    expect(page.locator(".page-head h1")).to_contain_text("农夫山泉550ml")
