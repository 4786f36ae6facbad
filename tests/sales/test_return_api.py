"""The sales return API: against a shipment and free, every error as {"code","message","data"} with nothing written,
hidden prices and costs, warehouse scope, pages, filters, export, reversal with its preview, and Idempotency-Key."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.sales.models import SalesReturn
from tests.helpers import sheet_rows
from tests.sales.conftest import ship
from tests.sales.test_returns import on_hand, receivable, shipped, written

RETURN_PERMS = ("view_salesreturn", "add_salesreturn", "change_salesreturn", "post_salesreturn")


@pytest.fixture
def noodles(make_product: Any) -> Any:
    return make_product(sku="KSF", name="康师傅红烧牛肉面", wholesale_price=D("3.00"), tax_rate=D(13))


@pytest.fixture
def shipment(sell: Any, noodles: Any) -> Any:
    """40 包 at 2.10; 12 shipped at 3.39 with tax (cost 25.20, receivable 40.68)."""
    sell.stock(noodles, 40, "2.10")
    return shipped(sell, ship(noodles, 12, "3.39"))


def against(shipment: Any, quantity: str = "5", **line: Any) -> dict[str, Any]:
    source = shipment.lines.get()
    return {
        "shipment_id": shipment.pk,
        "date": "2026-11-02",
        "reason": "破损",
        "lines": [{"product_id": source.product_id, "shipment_line_id": source.pk, "quantity": quantity, **line}],
    }


def _with_return_perms(user: Any) -> Any:
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="sales", codename__in=RETURN_PERMS))
    return user


def test_the_whole_life_of_a_return_against_a_shipment(api, sell, shipment, noodles):
    created = api.post("/sales-returns", against(shipment))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["number"].startswith("XT") and body["status"] == "draft" and body["shipment"] == shipment.number
    assert body["customer_id"] == sell.customer.pk and body["warehouse_id"] == sell.warehouse.pk
    line = body["lines"][0]
    assert line["price"] == "3.390000" and line["total"] == "16.95" and line["disposition"] == "restock"
    assert body["total"] == "16.95" and body["line_count"] == 1
    posted = api.post(f"/sales-returns/{body['id']}/post")
    assert posted.status_code == 200 and posted.json()["status"] == "posted"
    assert posted.json()["cost"] == "10.50" and posted.json()["lines"][0]["cost"] == "10.50"
    assert on_hand(noodles) == D(33) and receivable(sell.customer) == D("23.73")
    again = api.post(f"/sales-returns/{body['id']}/post")
    assert again.status_code == 200 and on_hand(noodles) == D(33)
    left = api.get("/sales-returns/returnable", {"shipment_id": shipment.pk}).json()
    assert D(left[0]["left"]) == 7 and D(left[0]["returned"]) == 5
    preview = api.get(f"/sales-returns/{body['id']}/reversal-preview").json()
    assert (D(preview[0]["change"]), D(preview[0]["after"]), D(preview[0]["value"])) == (-5, 28, D("-10.50"))
    reversed_ = api.post(f"/sales-returns/{body['id']}/reverse")
    assert reversed_.status_code == 201
    reversal = reversed_.json()
    assert reversal["reversal_of_id"] == body["id"] and reversal["total"] == "-16.95"
    assert api.get(f"/sales-returns/{body['id']}").json()["reversed_by_id"] == reversal["id"]
    assert on_hand(noodles) == D(28) and receivable(sell.customer) == D("40.68")
    twice = api.post(f"/sales-returns/{body['id']}/reverse")
    assert twice.status_code == 409 and twice.json()["code"] == "already_reversed"


def test_a_free_return_with_scrap(api, sell, noodles):
    sell.stock(noodles, 10, "2.00")
    body = {
        "customer_id": sell.customer.pk,
        "warehouse_id": sell.warehouse.pk,
        "prices_include_tax": False,
        "lines": [{"product_id": noodles.pk, "quantity": "3", "price": "2.50", "disposition": "scrap"}],
    }
    created = api.post("/sales-returns", body).json()
    assert created["shipment_id"] is None and created["total"] == "8.48"  # 7.50 + 0.98 tax
    posted = api.post(f"/sales-returns/{created['id']}/post").json()
    assert posted["cost"] == "6.00" and on_hand(noodles) == D(10)
    assert receivable(sell.customer) == D("-8.48")


def test_errors_are_codes_with_nothing_written(api, sell, shipment, noodles):
    draft = sell.shipment(ship(noodles, 1, "3.39"))
    before = written()
    too_many = api.post("/sales-returns", against(shipment, "13"))
    assert too_many.status_code == 409 and too_many.json()["code"] == "return_exceeds_shipment"
    assert too_many.json()["data"]["field"] == "lines.0.quantity" and D(too_many.json()["data"]["left"]) == 12
    quarantine = api.post("/sales-returns", against(shipment, "1", disposition="quarantine"))
    assert quarantine.status_code == 422 and "lines.0.location_id" in quarantine.json()["data"]["errors"]
    unposted = api.post("/sales-returns", {**against(shipment), "shipment_id": draft.pk})
    assert unposted.status_code == 409 and unposted.json()["code"] == "document_not_posted"
    other_line = api.post(
        "/sales-returns",
        {
            **against(shipment),
            "lines": [{"product_id": noodles.pk, "shipment_line_id": draft.lines.get().pk, "quantity": "1"}],
        },
    )
    assert other_line.status_code == 422 and "lines.0.shipment_line_id" in other_line.json()["data"]["errors"]
    no_lines = api.post("/sales-returns", {**against(shipment), "lines": []})
    assert no_lines.status_code == 422 and no_lines.json()["code"] == "validation_error"
    assert written() == before
    missing = api.get("/sales-returns/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_drafts_are_replaced_and_deleted_posted_ones_are_not(api, sell, shipment):
    created = api.post("/sales-returns", against(shipment, "1")).json()
    changed = api.put(f"/sales-returns/{created['id']}", against(shipment, "3"))
    assert changed.status_code == 200 and changed.json()["total"] == "10.17"
    api.post(f"/sales-returns/{created['id']}/post")
    refused = api.put(f"/sales-returns/{created['id']}", against(shipment, "2"))
    assert refused.status_code == 409 and refused.json()["code"] == "document_not_draft"
    assert api.client.delete(f"/api/v1/sales-returns/{created['id']}").status_code == 409
    other = api.post("/sales-returns", against(shipment, "1")).json()
    assert api.client.delete(f"/api/v1/sales-returns/{other['id']}").status_code == 204
    assert not SalesReturn.objects.filter(pk=other["id"]).exists()
    early = api.post(f"/sales-returns/{created['id']}/reverse?date=2026-01-01")
    assert early.status_code == 422 and "date" in early.json()["data"]["errors"]


def test_prices_and_costs_are_left_out_for_users_who_may_not_see_them(api, api_for, sell, shipment, make_user, english):
    created = api.post("/sales-returns", against(shipment, "2")).json()
    api.post(f"/sales-returns/{created['id']}/post")
    seller = api_for(_with_return_perms(make_user("seller", "sales")))
    theirs = seller.get(f"/sales-returns/{created['id']}").json()
    assert theirs["total"] == "6.78" and "cost" not in theirs and "cost" not in theirs["lines"][0]
    keeper = api_for(_with_return_perms(make_user("keeper", "warehouse")))
    hidden = keeper.get(f"/sales-returns/{created['id']}").json()
    assert "total" not in hidden and "price" not in hidden["lines"][0] and "cost" not in hidden
    listed = keeper.get("/sales-returns").json()["items"][0]
    assert "total" not in listed and "cost" not in listed
    # A keeper's return keeps the shipment's prices whatever it sends.
    theirs_new = keeper.post("/sales-returns", against(shipment, "1", price="0.01")).json()
    assert SalesReturn.objects.get(pk=theirs_new["id"]).total == D("3.39")
    header, *_rows = sheet_rows(keeper.get("/sales-returns/export", HTTP_ACCEPT_LANGUAGE="en").content)
    assert "Customer" in header
    assert "Total credited" not in header and "Cost returned" not in header


def test_permissions_and_warehouse_scope(api, api_for, sell, shipment, make_user, make_warehouse):
    created = api.post("/sales-returns", against(shipment, "1")).json()
    assert api_for(make_user("cash", "cashier")).get("/sales-returns").status_code == 403
    branch = make_warehouse("BR", "分店仓")
    limited = api_for(
        _with_return_perms(make_user("limited", "sales", all_warehouses=False, warehouse_ids=[branch.pk]))
    )
    assert limited.get("/sales-returns").json()["count"] == 0
    assert limited.get(f"/sales-returns/{created['id']}").status_code == 404
    assert limited.post(f"/sales-returns/{created['id']}/post").status_code == 404
    elsewhere = limited.post(
        "/sales-returns",
        {
            "customer_id": sell.customer.pk,
            "warehouse_id": sell.warehouse.pk,
            "lines": [{"product_id": shipment.lines.get().product_id, "quantity": "1", "price": "3"}],
        },
    )
    assert elsewhere.status_code == 422 and "warehouse_id" in elsewhere.json()["data"]["errors"]


def test_lists_filter_page_export_and_do_not_query_per_row(api, sell, shipment, noodles, english):
    first = api.post("/sales-returns", against(shipment, "1")).json()
    api.post(f"/sales-returns/{first['id']}/post")
    free = {
        "customer_id": sell.customer.pk,
        "warehouse_id": sell.warehouse.pk,
        "reason": "过期",
        "lines": [{"product_id": noodles.pk, "quantity": "1", "price": "3", "disposition": "scrap"}],
    }
    second = api.post("/sales-returns", free).json()
    assert api.get("/sales-returns").json()["count"] == 2
    assert [r["id"] for r in api.get("/sales-returns", {"status": "posted"}).json()["items"]] == [first["id"]]
    assert [r["id"] for r in api.get("/sales-returns", {"disposition": "scrap"}).json()["items"]] == [second["id"]]
    assert [r["id"] for r in api.get("/sales-returns", {"q": "过期"}).json()["items"]] == [second["id"]]
    assert [r["id"] for r in api.get("/sales-returns", {"shipment_id": shipment.pk}).json()["items"]] == [first["id"]]
    paged = api.get("/sales-returns", {"page_size": 1}).json()
    assert paged["count"] == 2 and len(paged["items"]) == 1
    export = api.get("/sales-returns/export", {"status": "posted"}, HTTP_ACCEPT_LANGUAGE="en")
    header, *rows = sheet_rows(export.content)
    assert len(rows) == 1 and rows[0][0] == first["number"]
    assert D(str(rows[0][header.index("Total credited")])) == D("3.39")
    with CaptureQueriesContext(connection) as few:
        api.get("/sales-returns")
    for _ in range(4):
        api.post("/sales-returns", free)
    with CaptureQueriesContext(connection) as many:
        assert api.get("/sales-returns").json()["count"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_retried_idempotency_key_replays_the_creation_and_the_posting(api, shipment, noodles):
    body = against(shipment, "2")
    one = api.post("/sales-returns", body, HTTP_IDEMPOTENCY_KEY="xt-1")
    two = api.post("/sales-returns", body, HTTP_IDEMPOTENCY_KEY="xt-1")
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    assert two["Idempotent-Replayed"] == "true" and SalesReturn.objects.count() == 1
    reused = api.post("/sales-returns", against(shipment, "3"), HTTP_IDEMPOTENCY_KEY="xt-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    return_id = one.json()["id"]
    first = api.post(f"/sales-returns/{return_id}/post", HTTP_IDEMPOTENCY_KEY="xt-1-post")
    second = api.post(f"/sales-returns/{return_id}/post", HTTP_IDEMPOTENCY_KEY="xt-1-post")
    assert first.status_code == second.status_code == 200 and on_hand(noodles) == D(30)


def test_the_openapi_schema_lists_the_return_endpoints(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/sales-returns",
        "/api/v1/sales-returns/export",
        "/api/v1/sales-returns/returnable",
        "/api/v1/sales-returns/{return_id}",
        "/api/v1/sales-returns/{return_id}/post",
        "/api/v1/sales-returns/{return_id}/reversal-preview",
        "/api/v1/sales-returns/{return_id}/reverse",
    ):
        assert path in paths
