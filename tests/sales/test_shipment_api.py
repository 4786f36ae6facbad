"""The shipment API: an order shipped through picking, packing and tracking; errors with their codes and nothing
written; idempotent retries; prices and costs hidden from a warehouse keeper; lists, exports and scope."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jxc.accounts.models import AuditEntry
from jxc.inventory.models import StockBalance, StockMove
from jxc.partners.models import PartnerBalance
from jxc.sales.models import SalesShipment, SalesShipmentLine, TrackingEvent
from jxc.sales.services.orders import sales_order_submit
from jxc.sales.services.shipments import sales_shipment_post
from tests.helpers import sheet_rows
from tests.sales.conftest import sale, ship


@pytest.fixture
def goods(sell, make_product):
    noodles = make_product(sku="NOODLE", name="方便面", wholesale_price=D("3.00"))
    water = make_product(sku="WATER", name="矿泉水", wholesale_price=D("1.50"))
    chips = make_product(sku="CHIPS", name="薯片")
    sell.stock(noodles, 100, "2.00")
    sell.stock(water, 50, "1.00")
    sell.stock(chips, 5, "1.00")
    return noodles, water, chips


@pytest.fixture
def order(sell, owner, goods, units):
    noodles, water, _chips = goods
    order = sell.order(sale(noodles, 2, "72.00", unit_id=units["箱"].pk), sale(water, 10, "1.50"))
    sales_order_submit(actor=owner, order=order)
    return order


def barcode(product, unit=None):
    return product.barcodes.get(unit=unit or product.base_unit).code


def _written():
    return (
        SalesShipment.objects.count(),
        SalesShipmentLine.objects.count(),
        StockMove.objects.count(),
        TrackingEvent.objects.count(),
        AuditEntry.objects.count(),
    )


def _payload(sell, *lines, **header):
    return {"customer_id": sell.customer.pk, "warehouse_id": sell.warehouse.pk, "lines": list(lines), **header}


def test_an_order_shipped_through_picking_packing_and_tracking(api, sell, order, goods, units):
    noodles, water, chips = goods
    noodle_line, water_line = order.lines.order_by("position")
    created = api.post(
        "/shipments",
        _payload(
            sell,
            {"product_id": noodles.pk, "order_line_id": noodle_line.pk, "quantity": "1"},
            {"product_id": water.pk, "order_line_id": water_line.pk, "quantity": "10"},
        ),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    shipment_id = body["id"]
    assert body["number"].startswith("CK") and body["status"] == "draft" and body["channel"] == "order"
    assert body["lines"][0]["unit"] == "箱" and body["lines"][0]["base_quantity"] == "24.000000"
    assert body["total"] == "87.00" and not body["pick_complete"]
    before = _written()
    wrong = api.post(f"/shipments/{shipment_id}/scan", {"code": barcode(chips)})
    assert wrong.status_code == 409 and wrong.json()["code"] == "scan_not_on_document"
    assert "薯片" in wrong.json()["message"]
    unknown = api.post(f"/shipments/{shipment_id}/scan", {"code": "0000"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "scan_unknown"
    assert _written() == before
    case = api.post(f"/shipments/{shipment_id}/scan", {"code": barcode(noodles, units["箱"])}).json()
    assert D(case["quantity"]) == 24 and D(case["line_picked"]) == 24 and not case["complete"]
    for _n in range(10):
        last = api.post(f"/shipments/{shipment_id}/scan", {"code": barcode(water)}).json()
    assert last["complete"] is True
    over = api.post(f"/shipments/{shipment_id}/scan", {"code": barcode(water)})
    assert over.status_code == 409 and over.json()["code"] == "over_pick"
    lines = {ln["product_id"]: ln["id"] for ln in api.get(f"/shipments/{shipment_id}").json()["lines"]}
    packed = api.put(
        f"/shipments/{shipment_id}/packages",
        {"packages": [{"number": 1, "weight_kg": "8.5", "line_ids": [lines[noodles.pk], lines[water.pk]]}]},
    )
    assert packed.status_code == 200 and packed.json()["packages"][0]["line_ids"] == sorted(lines.values())
    bad = api.put(f"/shipments/{shipment_id}/packages", {"packages": [{"number": 0, "line_ids": []}]})
    assert bad.status_code == 422 and "packages.0.number" in bad.json()["data"]["errors"]
    assert len(api.get(f"/shipments/{shipment_id}").json()["packages"]) == 1
    expected = (timezone.localdate() + timedelta(days=2)).isoformat()
    posted = api.post(
        f"/shipments/{shipment_id}/post", {"carrier": "顺丰", "tracking_no": "SF1", "expected_delivery": expected}
    ).json()
    assert posted["status"] == "posted" and posted["delivery_status"] == "shipped" and posted["cost"] == "58.00"
    assert posted["status_links"] and "/sales/status/" in posted["status_links"][0]["url"]
    assert PartnerBalance.objects.get(partner=sell.customer).receivable == D("87.00")
    assert api.post(f"/shipments/{shipment_id}/post").json()["status"] == "posted"  # again: harmless
    assert StockBalance.objects.get(product=noodles).on_hand == D(76)
    order.refresh_from_db()
    assert order.status == "partial"
    event = api.post(
        f"/shipments/{shipment_id}/tracking-events",
        {"status": "in_transit", "place": "杭州", "occurred_at": (timezone.now() + timedelta(minutes=1)).isoformat()},
    )
    assert event.status_code == 201 and event.json()["source"] == "api"
    events = api.get(f"/shipments/{shipment_id}/tracking-events").json()
    assert [e["status"] for e in events] == ["shipped", "in_transit"]
    assert api.get(f"/shipments/{shipment_id}").json()["delivery_status"] == "in_transit"
    patched = api.patch(f"/shipments/{shipment_id}/delivery", {"tracking_no": "SF2"}).json()
    assert (patched["carrier"], patched["tracking_no"], patched["expected_delivery"]) == ("顺丰", "SF2", expected)
    reversal = api.post(f"/shipments/{shipment_id}/reverse")
    assert reversal.status_code == 201 and reversal.json()["reversal_of_id"] == shipment_id
    assert PartnerBalance.objects.get(partner=sell.customer).receivable == 0


def test_errors_have_their_codes_and_write_nothing(api, sell, order, goods):
    noodles, _water, _chips = goods
    noodle_line = order.lines.get(product=noodles)
    before = _written()
    over = api.post(
        "/shipments", _payload(sell, {"product_id": noodles.pk, "order_line_id": noodle_line.pk, "quantity": "3"})
    )
    assert over.status_code == 409 and over.json()["code"] == "over_shipment"
    assert over.json()["data"]["field"] == "lines.0.quantity"
    invalid = api.post("/shipments", _payload(sell, {"product_id": noodles.pk, "quantity": "abc"}))
    assert invalid.status_code == 422 and "lines.0.quantity" in invalid.json()["data"]["errors"]
    empty = api.post("/shipments", _payload(sell))
    assert empty.status_code == 422 and "lines" in empty.json()["data"]["errors"]
    assert _written() == before
    draft = api.post("/shipments", _payload(sell, {"product_id": noodles.pk, "quantity": "1"})).json()
    early = api.post(f"/shipments/{draft['id']}/post", {"expected_delivery": "2020-01-01"})
    assert early.status_code == 422 and "expected_delivery" in early.json()["data"]["errors"]
    not_shipped = api.post(f"/shipments/{draft['id']}/tracking-events", {"status": "in_transit"})
    assert not_shipped.status_code == 409 and not_shipped.json()["code"] == "not_shipped"
    assert api.post(f"/shipments/{draft['id']}/reverse").json()["code"] == "document_not_posted"
    api.post(f"/shipments/{draft['id']}/post")
    changed = api.put(f"/shipments/{draft['id']}", _payload(sell, {"product_id": noodles.pk, "quantity": "2"}))
    assert changed.status_code == 409 and changed.json()["code"] == "document_not_draft"
    no_reason = api.post(f"/shipments/{draft['id']}/tracking-events", {"status": "exception"})
    assert no_reason.status_code == 422 and "description" in no_reason.json()["data"]["errors"]
    assert api.get("/shipments/999999").json()["code"] == "not_found"


def test_a_retried_create_with_the_same_key_replays(api, sell, goods):
    noodles, _water, _chips = goods
    payload = _payload(sell, {"product_id": noodles.pk, "quantity": "2"})
    one = api.post("/shipments", payload, HTTP_IDEMPOTENCY_KEY="ck-1")
    two = api.post("/shipments", payload, HTTP_IDEMPOTENCY_KEY="ck-1")
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    assert SalesShipment.objects.count() == 1
    bad = api.post(f"/shipments/{one.json()['id']}/post", {"expected_delivery": "soon"})
    assert bad.status_code == 422 and "expected_delivery" in bad.json()["data"]["errors"]
    bare = api.client.post(f"/api/v1/shipments/{one.json()['id']}/post")  # no body at all: as entered
    assert bare.status_code == 200 and bare.json()["status"] == "posted"


def test_a_draft_is_replaced_and_deleted(api, sell, goods):
    noodles, water, _chips = goods
    draft = api.post("/shipments", _payload(sell, {"product_id": noodles.pk, "quantity": "2", "price": "3.50"})).json()
    replaced = api.put(
        f"/shipments/{draft['id']}", _payload(sell, {"product_id": water.pk, "quantity": "3"}, notes="改")
    ).json()
    assert [ln["product"] for ln in replaced["lines"]] == ["矿泉水"] and replaced["notes"] == "改"
    assert api.client.delete(f"/api/v1/shipments/{draft['id']}").status_code == 204
    assert api.get(f"/shipments/{draft['id']}").status_code == 404


def test_a_keeper_sees_no_prices_or_costs_and_sends_none(api, api_for, sell, order, goods, make_user):
    noodles, _water, _chips = goods
    noodle_line = order.lines.get(product=noodles)
    keeper = api_for(make_user("keeper", "warehouse"))
    created = keeper.post(
        "/shipments",
        _payload(
            sell,
            {"product_id": noodles.pk, "order_line_id": noodle_line.pk, "quantity": "1", "price": "0.01"},
            freight="999",
        ),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert "total" not in body and "cost" not in body and "price" not in body["lines"][0]
    stored = SalesShipment.objects.get()
    assert stored.lines.get().price == D("72.000000") and stored.freight == 0
    posted = keeper.post(f"/shipments/{body['id']}/post").json()
    assert posted["status"] == "posted" and "cost" not in posted and "cost" not in posted["lines"][0]
    listed = keeper.get("/shipments").json()["items"][0]
    assert "total" not in listed and "cost" not in listed
    rows = sheet_rows(keeper.get("/shipments/export").content)
    assert "应收合计" not in rows[0] and "销售成本" not in rows[0]  # exports speak the shop's language
    owner_rows = sheet_rows(api.get("/shipments/export").content)
    assert "应收合计" in owner_rows[0] and "销售成本" in owner_rows[0] and len(owner_rows) == 2


def test_permissions_and_scope(api, api_for, sell, goods, make_user, make_warehouse):
    noodles, _water, _chips = goods
    draft = api.post("/shipments", _payload(sell, {"product_id": noodles.pk, "quantity": "1"})).json()
    seller = api_for(make_user("seller", "sales"))
    assert seller.get(f"/shipments/{draft['id']}").status_code == 200
    refused = seller.post(f"/shipments/{draft['id']}/post")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    branch = make_warehouse("BR", "分店仓")
    limited = api_for(make_user("limited", "warehouse", all_warehouses=False, warehouse_ids=[branch.pk]))
    assert limited.get("/shipments").json()["count"] == 0
    assert limited.get(f"/shipments/{draft['id']}").status_code == 404
    assert limited.post(f"/shipments/{draft['id']}/scan", {"code": "NOODLE"}).status_code == 404
    reader = api_for(make_user("reader", "accountant"))
    assert reader.post(f"/shipments/{draft['id']}/scan", {"code": "NOODLE"}).status_code == 403


def test_lists_filter_page_and_do_not_query_per_row(api, sell, owner, goods):
    noodles, water, _chips = goods
    sales_shipment_post(actor=owner, shipment=sell.shipment(ship(noodles, 1, "3")), tracking_no="YT9")
    api.get("/shipments")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        api.get("/shipments")
    for _n in range(4):
        sell.shipment(ship(water, 1, "2"))
    with CaptureQueriesContext(connection) as many:
        listed = api.get("/shipments").json()
    assert listed["count"] == 5 and len(many.captured_queries) == len(few.captured_queries)
    assert api.get("/shipments", {"q": "YT9"}).json()["count"] == 1
    assert api.get("/shipments", {"q": "矿泉水"}).json()["count"] == 4
    assert api.get("/shipments", {"status": "posted"}).json()["count"] == 1
    assert api.get("/shipments", {"delivery_status": "not_shipped"}).json()["count"] == 4
    assert api.get("/shipments", {"customer_id": sell.customer.pk, "channel": "direct"}).json()["count"] == 5
    assert len(api.get("/shipments", {"page": 2, "page_size": 3}).json()["items"]) == 2


def test_late_and_exception_deliveries(api, sell, owner, goods):
    noodles, _water, _chips = goods
    today = timezone.localdate()
    late = sell.shipment(ship(noodles, 1, "3"), date=today - timedelta(days=4))
    sales_shipment_post(actor=owner, shipment=late, expected_delivery=today - timedelta(days=1))
    fine = sales_shipment_post(actor=owner, shipment=sell.shipment(ship(noodles, 1, "3"), date=today))
    api.post(f"/shipments/{fine.pk}/tracking-events", {"status": "exception", "description": "地址不详"})
    problems = api.get("/deliveries/problems").json()
    assert problems["count"] == 2
    by_number = {p["number"]: p for p in problems["items"]}
    assert by_number[late.number]["days_late"] == 1
    assert by_number[fine.number]["delivery_status"] == "exception" and by_number[fine.number]["days_late"] is None
