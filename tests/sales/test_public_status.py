"""The public order status page behind a signed link: open without logging in, the parcels and their events, and
nothing else — no customer, no prices, no menu, no links into the app."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from jxc.sales.choices import DeliveryStatus
from jxc.sales.selectors.tracking import status_token
from jxc.sales.services.orders import sales_order_submit
from jxc.sales.services.shipments import sales_shipment_post
from jxc.sales.services.tracking import tracking_event_add
from tests.sales.conftest import sale, ship


@pytest.fixture
def visitor():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def shipped(sell, owner, make_product, customer):
    """An order of 10, 4 of them shipped by SF Express (dated two days ago, expected yesterday), then two events."""
    noodles = make_product(sku="KSF-105", name="康师傅红烧牛肉面")
    sell.stock(noodles, 100, "2.00")
    order = sell.order(sale(noodles, 10, "3.39"))
    sales_order_submit(actor=owner, order=order)
    today = timezone.localdate()
    shipment = sell.shipment(ship(noodles, 4, order_line_id=order.lines.get().pk), date=today - timedelta(days=2))
    sales_shipment_post(
        actor=owner,
        shipment=shipment,
        carrier="顺丰速运",
        tracking_no="SF1234567890",
        expected_delivery=today - timedelta(days=1),
    )
    now = timezone.now()
    tracking_event_add(
        actor=owner,
        shipment=shipment,
        status=DeliveryStatus.IN_TRANSIT,
        occurred_at=now + timedelta(minutes=1),
        place="杭州转运中心",
    )
    tracking_event_add(
        actor=None,
        shipment=shipment,
        status=DeliveryStatus.OUT_FOR_DELIVERY,
        occurred_at=now + timedelta(minutes=2),
        place="上海浦东",
        description="快递员正在派送",
        source="api",
    )
    return order, shipment


def test_the_link_works_logged_out_and_shows_the_parcels_newest_event_first(visitor, shipped, company):
    order, shipment = shipped
    response = visitor.get(f"/sales/status/{status_token(order=order)}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert order.number in page and order.date.strftime("%Y-%m-%d") in page
    assert 'id="status-progress">partly shipped</span>' in page
    assert "顺丰速运" in page and "SF1234567890" in page and shipment.number in page
    assert 'data-status="out_for_delivery"' in page
    assert "data-late" in page  # expected yesterday, still on the way
    assert page.index("上海浦东") < page.index("杭州转运中心")  # newest first
    assert "快递员正在派送" in page
    assert company.name in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_page_shows_nothing_else(visitor, owner, shipped, customer):
    order, _shipment = shipped
    for client in (visitor, Client(HTTP_ACCEPT_LANGUAGE="en")):
        if client is not visitor:
            client.force_login(owner)  # a logged-in user sees the same page, still without the app around it
        page = client.get(f"/sales/status/{status_token(order=order)}/").content.decode()
        assert customer.name not in page
        text = re.sub(r'datetime="[^"]*"', "", page)  # event times carry fractions of seconds such as 43.394567
        assert "3.39" not in text and "3.00" not in text and "2.00" not in text  # no prices, no costs
        assert "康师傅红烧牛肉面" not in page and "KSF-105" not in page
        assert 'class="sidebar"' not in page and "global-search" not in page and "<nav" not in page
        assert "<a " not in page  # no links into the app
        assert "¥" not in page


def test_a_shipment_without_an_order_has_its_own_link(visitor, sell, owner, make_product):
    water = make_product(sku="NFSQ", name="农夫山泉")
    sell.stock(water, 10, "1.00")
    shipment = sell.shipment(ship(water, 2, "2.00"))
    sales_shipment_post(actor=owner, shipment=shipment, carrier="中通", tracking_no="ZT9")
    page = visitor.get(f"/sales/status/{status_token(shipment=shipment)}/").content.decode()
    assert shipment.number in page and "ZT9" in page and "中通" in page


def test_a_tampered_or_unknown_link_is_a_404_that_says_so(visitor, shipped):
    order, _shipment = shipped
    token = status_token(order=order)
    other = token.replace(f"o{order.pk}", f"o{order.pk + 1}")
    for bad in (other, token[:-2] + "xx", "nonsense"):
        response = visitor.get(f"/sales/status/{bad}/")
        page = response.content.decode()
        assert response.status_code == 404
        assert 'role="alert" id="status-error">This status link is not valid. Ask the seller for a new one.' in page
        assert order.number not in page and "SF1234567890" not in page
