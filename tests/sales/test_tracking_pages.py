"""Delivery tracking pages: the tracking section of a shipped shipment (events by hand, carrier and tracking number,
the public status link), errors next to their field with nothing written, the list of late and exception
deliveries with its export, and the home page card."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone

from jxc.accounts.models import AuditEntry
from jxc.sales.choices import DeliveryStatus
from jxc.sales.models import TrackingEvent
from jxc.sales.selectors.tracking import status_token
from jxc.sales.services.orders import sales_order_submit
from jxc.sales.services.shipments import sales_shipment_post
from jxc.sales.services.tracking import tracking_event_add
from tests.helpers import sheet_rows
from tests.sales.conftest import sale, ship


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner):
    return _client(owner)


@pytest.fixture
def noodles(sell, make_product):
    product = make_product(sku="NOODLE", name="方便面")
    sell.stock(product, 100, "2.00")
    return product


@pytest.fixture
def shipped(sell, owner, noodles):
    """A shipment of 5 包 sent with 顺丰 SF1, expected in three days."""
    shipment = sell.shipment(ship(noodles, 5, "3.00"))
    return sales_shipment_post(
        actor=owner,
        shipment=shipment,
        carrier="顺丰",
        tracking_no="SF1",
        expected_delivery=timezone.localdate() + timedelta(days=3),
    )


def _written():
    return TrackingEvent.objects.count(), AuditEntry.objects.count()


def test_events_entered_by_hand_move_the_delivery_on(web, shipped, english):
    page = web.get(f"/sales/shipments/{shipped.pk}/").content.decode()
    assert 'id="tracking"' in page and 'id="event-form"' in page and "SF1" in page
    assert f"/sales/status/{status_token(shipment=shipped)}/" in page  # the shipment's own link: no order
    when = (timezone.localtime() + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")  # after the shipping event
    response = web.post(
        f"/sales/shipments/{shipped.pk}/events/",
        {"status": "in_transit", "occurred_at": when, "place": "杭州转运中心", "description": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="tracking"' in html and "<html" not in html
    assert "杭州转运中心" in html and "Recorded: in transit." in html
    shipped.refresh_from_db()
    assert shipped.delivery_status == DeliveryStatus.IN_TRANSIT
    event = shipped.events.get(status="in_transit")
    assert event.source == "page" and event.created_by is not None
    later = (timezone.localtime() + timedelta(minutes=6)).strftime("%Y-%m-%dT%H:%M")
    plain = web.post(f"/sales/shipments/{shipped.pk}/events/", {"status": "delivered", "occurred_at": later})
    assert plain.status_code == 302 and plain["Location"].endswith("#tracking")
    shipped.refresh_from_db()
    assert shipped.delivery_status == DeliveryStatus.DELIVERED and shipped.delivered_at is not None


def test_an_event_error_shows_next_to_its_field_and_nothing_is_written(web, shipped, english):
    before = _written()
    response = web.post(
        f"/sales/shipments/{shipped.pk}/events/",
        {"status": "exception", "place": "仓库", "description": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 422 and 'class="field is-invalid" id="field-description"' in html
    assert "Say what went wrong." in html and 'value="仓库"' in html
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = web.post(f"/sales/shipments/{shipped.pk}/events/", {"status": "delivered", "occurred_at": future})
    html = response.content.decode()
    assert response.status_code == 422 and 'id="field-occurred_at"' in html
    assert "cannot be in the future" in html and 'id="document-error"' in html  # the whole shipment page
    missing = web.post(f"/sales/shipments/{shipped.pk}/events/", {"status": ""}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 422 and 'class="field is-invalid" id="field-status"' in missing.content.decode()
    assert _written() == before


def test_carrier_and_tracking_number_change_after_shipping(web, shipped, english):
    response = web.post(
        f"/sales/shipments/{shipped.pk}/delivery/",
        {"carrier": "中通", "tracking_no": "ZT7", "expected_delivery": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "ZT7" in response.content.decode()
    shipped.refresh_from_db()
    assert (shipped.carrier, shipped.tracking_no, shipped.expected_delivery) == ("中通", "ZT7", None)
    before = _written()
    early = web.post(
        f"/sales/shipments/{shipped.pk}/delivery/",
        {"carrier": "中通", "tracking_no": "ZT8", "expected_delivery": "2020-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        early.status_code == 422 and 'class="field is-invalid" id="field-expected_delivery"' in early.content.decode()
    )
    shipped.refresh_from_db()
    assert shipped.tracking_no == "ZT7" and _written() == before


def test_a_draft_has_no_tracking_and_refuses_events(web, sell, noodles, english):
    draft = sell.shipment(ship(noodles, 1, "3"))
    assert 'id="tracking"' not in web.get(f"/sales/shipments/{draft.pk}/").content.decode()
    response = web.post(f"/sales/shipments/{draft.pk}/events/", {"status": "in_transit"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422 and TrackingEvent.objects.count() == 0


def test_the_order_link_is_shown_for_a_shipment_against_an_order(web, sell, owner, noodles, english):
    order = sell.order(sale(noodles, 4, "3.00"))
    sales_order_submit(actor=owner, order=order)
    line = order.lines.get()
    shipment = sales_shipment_post(actor=owner, shipment=sell.shipment(ship(noodles, 4, order_line_id=line.pk)))
    page = web.get(f"/sales/shipments/{shipment.pk}/").content.decode()
    assert f"/sales/status/{status_token(order=order)}/" in page and order.number in page
    public = Client().get(f"/sales/status/{status_token(order=order)}/")
    assert public.status_code == 200
    order_page = web.get(f"/sales/orders/{order.pk}/").content.decode()
    assert 'id="order-status-link"' in order_page and status_token(order=order) in order_page


def test_an_open_order_page_offers_to_ship_it(web, sell, owner, noodles, english):
    order = sell.order(sale(noodles, 4, "3.00"))
    assert 'id="order-shipping"' not in web.get(f"/sales/orders/{order.pk}/").content.decode()  # a draft
    sales_order_submit(actor=owner, order=order)
    page = web.get(f"/sales/orders/{order.pk}/").content.decode()
    assert f"/sales/shipments/new/?order={order.pk}" in page and 'id="order-status-link"' in page


@pytest.fixture
def troubled(sell, owner, noodles):
    """One shipment two days late, one with an exception, one on time."""
    today = timezone.localdate()
    late = sell.shipment(ship(noodles, 1, "3"), date=today - timedelta(days=5))
    late = sales_shipment_post(actor=owner, shipment=late, carrier="顺丰", expected_delivery=today - timedelta(days=2))
    broken = sales_shipment_post(actor=owner, shipment=sell.shipment(ship(noodles, 1, "3"), date=today))
    tracking_event_add(actor=owner, shipment=broken, status=DeliveryStatus.EXCEPTION, description="外箱破损")
    on_time = sell.shipment(ship(noodles, 1, "3"), date=today)
    on_time = sales_shipment_post(actor=owner, shipment=on_time, expected_delivery=today + timedelta(days=2))
    return late, broken, on_time


def test_the_home_page_card_lists_late_and_exception_deliveries(web, troubled, make_user, english):
    late, broken, on_time = troubled
    home = web.get("/").content.decode()
    assert 'id="delivery-problems-card"' in home
    card = home[home.index('id="delivery-problems-card"') :]
    card = card[: card.index("</table>")]
    assert late.number in card and broken.number in card and on_time.number not in card
    assert "2 days late" in card and "exception" in card
    outsider = _client(make_user("cashier", "cashier"))
    outsider_home = outsider.get("/").content.decode()
    assert 'id="delivery-problems-card"' in outsider_home  # cashiers see shipments too
    nobody = _client(make_user("nobody"))
    assert 'id="delivery-problems-card"' not in nobody.get("/").content.decode()


def test_the_list_of_deliveries_in_trouble_and_its_export(web, troubled, english):
    late, broken, on_time = troubled
    page = web.get("/sales/deliveries/").content.decode()
    assert late.number in page and broken.number in page and on_time.number not in page
    assert "外箱破损" in page  # the last event
    only_late = web.get("/sales/deliveries/", {"problem": "late"}).content.decode()
    assert late.number in only_late and broken.number not in only_late
    rows = sheet_rows(web.get("/sales/deliveries/", {"export": "xlsx"}).content)
    assert rows[0][0] == "Shipment" and {r[0] for r in rows[1:]} == {late.number, broken.number}
    late_row = next(r for r in rows if r[0] == late.number)
    assert late_row[rows[0].index("Days late")] == 2


def test_nothing_is_late_when_the_card_has_nothing_to_say(web, shipped, english):
    assert 'id="delivery-problems-card"' not in web.get("/").content.decode()
    assert shipped.total == D("15.00")
