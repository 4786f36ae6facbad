"""Receivables in a real browser: the accountant receives a customer's payment and allocates it across two
shipments by hand, prints the customer's statement (对账单), shares it; the customer opens the link without
logging in and confirms it, and the confirmation shows on the customer's page."""

from __future__ import annotations

import re
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jxc.finance.choices import ReplyStatus
from jxc.finance.models import Payment, StatementShare
from tests.finance.conftest import Books

pytestmark = pytest.mark.browser


def test_receive_a_payment_print_and_share_the_statement_and_the_customer_confirms_it(
    page: Any, new_page: Any, log_in: Any, owner: Any, make_partner: Any, make_warehouse: Any, make_product: Any
) -> None:
    today = timezone.localdate()
    books = Books(
        owner,
        make_partner("城东惠民超市", payment_terms_days=30),
        make_partner("康师傅华东经销部", is_customer=False, is_supplier=True),
        make_warehouse(),
        make_product(),
    )
    books.stock(100, "2.00", day=today)
    first = books.ship(10, "5.00", day=today)  # 50.00
    second = books.ship(20, "3.00", day=today)  # 60.00
    customer = books.customer

    log_in(page, "boss")
    page.goto("/finance/payments/new/?direction=in")
    page.locator("#id_partner").select_option(str(customer.pk))
    expect(page.locator("#open-items-table")).to_contain_text(second.number)
    page.locator("#id_amount").fill("30.00")
    page.locator(f"[name=alloc-{books.item(first).pk}]").fill("10.00")
    page.locator(f"[name=alloc-{books.item(second).pk}]").fill("20.00")
    expect(page.locator("#summary-allocated")).to_contain_text("30.00")
    page.locator("#payment-save").click()
    expect(page).to_have_url(re.compile(r"/finance/payments/\d+/$"))
    payment = Payment.objects.get()
    assert (books.open(first), books.open(second), books.open(payment)) == (D("40.00"), D("40.00"), D("0.00"))

    page.goto(f"/finance/statements/?partner={customer.pk}")
    expect(page.locator("#statement-lines")).to_contain_text(first.number)
    expect(page.locator("#statement-lines")).to_contain_text(second.number)
    expect(page.locator("#statement-lines")).to_contain_text(payment.number)
    expect(page.locator("#statement-closing")).to_have_text("80.00")
    with page.expect_popup() as opened:
        page.locator("#statement-print").click()
    printed = opened.value
    expect(printed.locator("body")).to_contain_text("城东惠民超市")
    expect(printed.locator("body")).to_contain_text(payment.number)
    assert printed.evaluate("document.documentElement.lang") == "zh-Hans"
    printed.close()

    page.locator("#statement-share-button").click()
    link = page.locator("#statement-share-link")
    expect(link).to_be_visible()
    url = link.input_value()
    assert "/finance/s/" in url

    partner_side = new_page()  # the customer: another browser, not logged in
    partner_side.goto(url)
    expect(partner_side.locator("#public-partner")).to_have_text("城东惠民超市")
    expect(partner_side.locator("#public-closing")).to_have_text("80.00")
    partner_side.locator("#id_name").fill("王会计")
    partner_side.locator("#answer-confirm").click()
    expect(partner_side.locator("#answer-recorded [data-status]")).to_have_attribute("data-status", "confirmed")
    assert StatementShare.objects.get().status == ReplyStatus.CONFIRMED

    page.goto(f"/partners/{customer.pk}/")
    panel = page.locator("#partner-statements")
    expect(panel.locator('[data-status="confirmed"]')).to_be_visible()
    expect(panel).to_contain_text("王会计")
    expect(panel).to_contain_text("80.00")
