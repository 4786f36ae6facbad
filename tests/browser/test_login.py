"""Logging in through the real form and landing on the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_owner_logs_in_and_sees_the_dashboard(live_server, page, owner, make_product, make_warehouse):
    make_product("P0001", "康师傅红烧牛肉面")
    make_product("P0002", "农夫山泉550ml")
    make_warehouse("MAIN", "总仓")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("h1")).to_have_text("JXC 进销存")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator(".page-head h1")).to_have_text("您好，boss")
    sidebar = page.locator("#sidebar")
    expect(sidebar.locator(".nav-title").first).to_have_text("首页")
    expect(sidebar.get_by_role("link", name="工作台")).to_have_attribute("aria-current", "page")
    products = page.locator("[data-figure=products]")
    expect(products).to_have_text("2")
    expect(page.locator(".stat", has=products).locator(".label")).to_have_text("启用商品")
    expect(page.locator("[data-figure=warehouses]")).to_have_text("1")
    expect(page.locator("[data-figure=customers]")).to_have_text("0")

    products.click()
    expect(page).to_have_url(re.compile(r"/catalog/products/$"))
    expect(page.locator("#list-table tbody tr")).to_have_count(2)


def test_a_wrong_password_says_so_and_keeps_the_user_name(live_server, page, owner):
    page.goto("/login/")
    page.locator("#id_username").fill("boss")
    page.locator("#id_password").fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    expect(page.locator("#login-form [role=alert]")).to_have_text("用户名或密码错误。")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.locator("#id_username")).to_have_value("boss")
    expect(page.locator("#id_password")).to_have_value("")

    # The user types the right password and gets in.
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".page-head h1")).to_have_text("您好，boss")
