"""The sales order API: the whole life, every error as {"code","message","data"} with nothing written, hidden prices
and profit, warehouse scope, pages, filters, export, the proposed price, and Idempotency-Key."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.accounts.approvals import SALES_ORDER
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.inventory.models import Reservation, StockBalance
from jxc.sales.models import CustomerPrice, SalesOrder, SalesOrderLine
from jxc.sales.services.shipments import sales_shipment_post
from tests.conftest import audit_count
from tests.helpers import sheet_rows
from tests.sales.conftest import ship


@pytest.fixture
def noodles(make_product):
    return make_product(sku="KSF", name="康师傅红烧牛肉面", wholesale_price=D("3.00"), tax_rate=D(13))


@pytest.fixture
def stocked(sell, noodles):
    sell.stock(noodles, 500, "2.00")
    return sell


def payload(sell, product, units, **fields):
    body = {
        "customer_id": sell.customer.pk,
        "warehouse_id": sell.warehouse.pk,
        "date": "2026-11-02",
        "delivery_date": "2026-11-06",
        "prices_include_tax": True,
        "freight": "10.00",
        "customer_reference": "PO-1",
        "lines": [
            {"product_id": product.pk, "unit_id": units["箱"].pk, "quantity": "2", "price": "75.00"},
            {"product_id": product.pk, "quantity": "6"},
        ],
    }
    body.update(fields)
    return body


def written():
    return SalesOrder.objects.count(), SalesOrderLine.objects.count(), Reservation.objects.count(), audit_count()


def reserved(product):
    return StockBalance.objects.get(product=product).reserved


def _rule(condition="total_above", threshold="100", role="accountant"):
    approval_rule_save(
        actor=None,
        data=RuleData(name="审核", document_type=SALES_ORDER, condition=condition, threshold=D(threshold), role=role),
    )


def test_an_order_over_the_api_from_draft_to_closed(api, stocked, noodles, units):
    created = api.post("/sales-orders", payload(stocked, noodles, units))
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["number"].startswith("XS") and order["status"] == "draft" and order["line_count"] == 2
    box, packs = order["lines"]
    assert (box["price"], box["price_source"], box["total"], box["base_quantity"]) == (
        "75.000000",
        "typed",
        "150.00",
        "48.000000",
    )
    assert (packs["price"], packs["price_source"], packs["total"]) == ("3.000000", "wholesale", "18.00")
    assert (order["amount"], order["tax"], order["total"]) == ("148.67", "19.33", "178.00")
    assert order["gross_profit"] == "40.67" and order["margin_pct"] == "27.36"  # 148.67 − 54 × 2.00
    assert packs["unit_cost"] == "2.000000" and packs["gross_profit"] == "3.93" and order["profit_complete"]

    changed = api.put(f"/sales-orders/{order['id']}", payload(stocked, noodles, units, freight="0", notes="改"))
    assert changed.status_code == 200 and changed.json()["total"] == "168.00" and changed.json()["notes"] == "改"

    submitted = api.post(f"/sales-orders/{order['id']}/submit").json()
    assert submitted["status"] == "approved" and submitted["approvals"][0]["status"] == "approved"
    assert reserved(noodles) == 54
    line = submitted["lines"][0]
    assert (D(line["shipped"]), D(line["remaining"])) == (0, 2)
    assert CustomerPrice.objects.get(customer=stocked.customer).last_price is not None

    closed = api.post(f"/sales-orders/{order['id']}/close", {"reason": "客户取消"}).json()
    assert closed["status"] == "closed" and closed["close_reason"] == "客户取消"
    assert D(closed["lines"][0]["remaining"]) == 0 and reserved(noodles) == 0


def test_review_rules_reach_the_api(api, api_for, stocked, noodles, units, make_user):
    _rule("total_above", "100", "accountant")
    order = api.post("/sales-orders", payload(stocked, noodles, units)).json()
    waiting = api.post(f"/sales-orders/{order['id']}/submit").json()
    assert waiting["status"] == "submitted" and reserved(noodles) == 0
    assert waiting["approvals"][0]["role"] == "accountant" and "178.00" in waiting["approvals"][0]["reason"]
    seller = api_for(make_user("seller", "sales"))
    refused = seller.post(f"/sales-orders/{order['id']}/approve", {"comment": ""})
    assert refused.status_code == 403 and refused.json()["code"] == "approval_role_required"
    assert refused.json()["data"]["role_codes"] == ["accountant"]
    accountant = api_for(make_user("acc", "accountant"))
    approved = accountant.post(f"/sales-orders/{order['id']}/approve", {"comment": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approvals"][0]["comment"] == "同意" and reserved(noodles) == 54


def test_reject_and_unapprove_send_the_order_back_to_draft(api, stocked, noodles, units):
    _rule("total_above", "100", "owner")
    order = api.post("/sales-orders", payload(stocked, noodles, units)).json()
    api.post(f"/sales-orders/{order['id']}/submit")
    before = written()
    empty = api.post(f"/sales-orders/{order['id']}/reject", {"reason": " "})
    assert empty.status_code == 422 and empty.json()["code"] == "validation_error"
    assert "reason" in empty.json()["data"]["errors"] and written() == before
    rejected = api.post(f"/sales-orders/{order['id']}/reject", {"reason": "价格再议"}).json()
    assert rejected["status"] == "draft" and rejected["approvals"][0]["status"] == "rejected"
    api.post(f"/sales-orders/{order['id']}/submit")
    api.post(f"/sales-orders/{order['id']}/approve", {})
    assert reserved(noodles) == 54
    back = api.post(f"/sales-orders/{order['id']}/unapprove").json()
    assert back["status"] == "draft" and reserved(noodles) == 0


def test_transitions_refused_in_the_wrong_state_write_nothing(api, stocked, noodles, units):
    order = api.post("/sales-orders", payload(stocked, noodles, units)).json()
    before = written()
    for action, body in (("close", {}), ("unapprove", None), ("approve", {}), ("reject", {"reason": "x"})):
        refused = api.post(f"/sales-orders/{order['id']}/{action}", body)
        assert refused.status_code == 409 and refused.json()["code"] == "order_status", action
        assert refused.json()["message"]
    assert written() == before
    api.post(f"/sales-orders/{order['id']}/submit")
    refused = api.put(f"/sales-orders/{order['id']}", payload(stocked, noodles, units))
    assert refused.status_code == 409 and refused.json()["code"] == "document_not_draft"
    again = api.post(f"/sales-orders/{order['id']}/submit")
    assert again.status_code == 409 and again.json()["code"] == "order_status"
    voided = api.post(f"/sales-orders/{order['id']}/void", {"reason": "重复"}).json()
    assert voided["status"] == "void" and reserved(noodles) == 0
    assert api.post(f"/sales-orders/{order['id']}/void", {}).json()["code"] == "order_status"


def test_a_partly_shipped_order_cannot_be_unapproved_or_voided(api, stocked, noodles, units):
    order = api.post("/sales-orders", payload(stocked, noodles, units)).json()
    line_id = api.post(f"/sales-orders/{order['id']}/submit").json()["lines"][1]["id"]
    sales_shipment_post(actor=stocked.owner, shipment=stocked.shipment(ship(noodles, 2, order_line_id=line_id)))
    progress = api.get(f"/sales-orders/{order['id']}").json()
    assert progress["status"] == "partial" and D(progress["lines"][1]["shipped"]) == 2
    before = written()
    for action in ("unapprove", "void"):
        refused = api.post(f"/sales-orders/{order['id']}/{action}", {} if action == "void" else None)
        assert refused.status_code == 409 and refused.json()["code"] == "order_status", action
    assert written() == before


def test_approval_without_the_stock_is_refused_and_writes_nothing(api, stocked, noodles, units):
    body = payload(stocked, noodles, units)
    body["lines"] = [{"product_id": noodles.pk, "quantity": "501", "price": "3"}]
    order = api.post("/sales-orders", body).json()
    before = written()
    refused = api.post(f"/sales-orders/{order['id']}/submit")
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_stock"
    assert written() == before and SalesOrder.objects.get().status == "draft"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"quantity": "0"}, "lines.0.quantity"),
        ({"price": "-1"}, "lines.0.price"),
        ({"discount_pct": "120"}, "lines.0.discount_pct"),
        ({"unit_id": 999999}, "lines.0.unit_id"),
        ({"product_id": 999999}, "lines.0.product_id"),
    ],
)
def test_a_bad_line_gets_422_with_its_path_and_writes_nothing(api, stocked, noodles, units, change, path):
    body = payload(stocked, noodles, units)
    body["lines"][0].update(change)
    before = written()
    response = api.post("/sales-orders", body)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "validation_error" and path in error["data"]["errors"] and error["message"]
    assert written() == before


def test_bad_headers_are_refused_and_write_nothing(api, stocked, noodles, units, make_partner, make_warehouse):
    supplier = make_partner("只是供应商", is_customer=False, is_supplier=True)
    before = written()
    late = api.post("/sales-orders", payload(stocked, noodles, units, delivery_date="2026-11-01"))
    assert late.status_code == 422 and "delivery_date" in late.json()["data"]["errors"]
    wrong = api.post("/sales-orders", payload(stocked, noodles, units, customer_id=supplier.pk, lines=[]))
    assert wrong.status_code == 422 and {"customer_id", "lines"} <= set(wrong.json()["data"]["errors"])
    stocked.customer.active = False
    stocked.customer.save()
    inactive = api.post("/sales-orders", payload(stocked, noodles, units))
    assert inactive.status_code == 409 and inactive.json()["code"] == "inactive"
    assert inactive.json()["data"]["field"] == "customer_id"
    assert api.post("/sales-orders", {"customer_id": "x"}).status_code == 422
    assert written() == before


def test_a_retried_idempotency_key_replays_the_creation(api, stocked, noodles, units):
    body = payload(stocked, noodles, units)
    one = api.post("/sales-orders", body, HTTP_IDEMPOTENCY_KEY="xs-1")
    two = api.post("/sales-orders", body, HTTP_IDEMPOTENCY_KEY="xs-1")
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    assert two["Idempotent-Replayed"] == "true" and SalesOrder.objects.count() == 1
    reused = api.post("/sales-orders", payload(stocked, noodles, units, notes="x"), HTTP_IDEMPOTENCY_KEY="xs-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    order_id = one.json()["id"]
    first = api.post(f"/sales-orders/{order_id}/submit", HTTP_IDEMPOTENCY_KEY="xs-1-submit")
    second = api.post(f"/sales-orders/{order_id}/submit", HTTP_IDEMPOTENCY_KEY="xs-1-submit")
    assert first.status_code == second.status_code == 200 and reserved(noodles) == 54


def test_prices_and_profit_are_left_out_for_users_who_may_not_see_them(
    api, api_for, stocked, noodles, units, make_user
):
    order = api.post("/sales-orders", payload(stocked, noodles, units)).json()
    seller = api_for(make_user("seller", "sales"))
    theirs = seller.get(f"/sales-orders/{order['id']}").json()
    assert theirs["total"] == "178.00" and theirs["lines"][0]["price"] == "75.000000"
    assert "gross_profit" not in theirs and "unit_cost" not in theirs["lines"][0] and "cost" not in theirs
    created = seller.post("/sales-orders", payload(stocked, noodles, units))
    assert created.status_code == 201 and "gross_profit" not in created.json()
    picker_user = make_user("picker", "warehouse")
    picker_user.user_permissions.add(Permission.objects.get(codename="view_salesorder"))
    picker = api_for(picker_user)
    plain = picker.get(f"/sales-orders/{order['id']}").json()
    assert "total" not in plain and "price" not in plain["lines"][0] and "gross_profit" not in plain
    assert D(plain["lines"][0]["quantity"]) == 2
    listed = picker.get("/sales-orders").json()
    assert listed["count"] == 2 and "total" not in listed["items"][0]
    refused = picker.post("/sales-orders", payload(stocked, noodles, units))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert picker.get("/sales-orders/price", {"product_id": noodles.pk}).status_code == 403
    assert api_for(make_user("till", "cashier")).get("/sales-orders").status_code == 403


def test_scope_permissions_and_missing(api, api_for, stocked, noodles, units, make_user, make_warehouse):
    order = api.post("/sales-orders", payload(stocked, noodles, units)).json()
    assert api_for(make_user("buyer", "purchaser")).get("/sales-orders").status_code == 403
    branch = make_warehouse("BR", "分店仓")
    limited = api_for(make_user("limited", "sales", all_warehouses=False, warehouse_ids=[branch.pk]))
    assert limited.get("/sales-orders").json()["count"] == 0
    assert limited.get(f"/sales-orders/{order['id']}").status_code == 404
    assert limited.post(f"/sales-orders/{order['id']}/submit").status_code == 404
    elsewhere = limited.post("/sales-orders", payload(stocked, noodles, units))
    assert elsewhere.status_code == 422 and "warehouse_id" in elsewhere.json()["data"]["errors"]
    missing = api.get("/sales-orders/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_lists_filter_page_and_do_not_query_per_row(api, stocked, noodles, units, make_product, make_partner):
    cola = make_product(sku="COKE", name="可口可乐")
    stocked.stock(cola, 100, "1.00")
    api.post("/sales-orders", payload(stocked, noodles, units))
    with CaptureQueriesContext(connection) as few:
        api.get("/sales-orders")
    other = make_partner("北方便利店")
    for _n in range(5):
        body = payload(stocked, cola, units, customer_id=other.pk, customer_reference="WX-9")
        body["lines"] = [{"product_id": cola.pk, "quantity": "2", "price": "2"}]
        api.post("/sales-orders", body)
    with CaptureQueriesContext(connection) as many:
        listed = api.get("/sales-orders").json()
    assert listed["count"] == 6 and len(many.captured_queries) == len(few.captured_queries)
    assert listed["items"][0]["line_count"] in (1, 2)
    assert api.get("/sales-orders", {"q": "可口"}).json()["count"] == 5
    assert api.get("/sales-orders", {"q": "WX-9"}).json()["count"] == 5
    assert api.get("/sales-orders", {"customer_id": other.pk}).json()["count"] == 5
    assert api.get("/sales-orders", {"status": "approved"}).json()["count"] == 0
    assert api.get("/sales-orders", {"date_from": "2026-11-03"}).json()["count"] == 0
    page = api.get("/sales-orders", {"page": 2, "page_size": 4}).json()
    assert len(page["items"]) == 2 and page["page"] == 2


def test_the_export_is_a_real_workbook_and_hides_money_from_pickers(api, api_for, stocked, noodles, units, make_user):
    order = api.post("/sales-orders", payload(stocked, noodles, units)).json()
    response = api.get("/sales-orders/export", {"status": "draft"})
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert len(rows) == 2 and rows[1][0] == order["number"] and 178 in rows[1]
    assert sheet_rows(api.get("/sales-orders/export", {"status": "void"}).content)[1:] == []
    picker_user = make_user("picker", "warehouse")
    picker_user.user_permissions.add(Permission.objects.get(codename="view_salesorder"))
    hidden = sheet_rows(api_for(picker_user).get("/sales-orders/export").content)
    assert len(hidden[0]) < len(rows[0]) and 178 not in hidden[1]


def test_the_proposed_price(api, stocked, noodles, units, owner):
    url = "/sales-orders/price"
    level = api.get(url, {"product_id": noodles.pk, "customer_id": stocked.customer.pk}).json()
    assert level == {"price": "3.000000", "source": "wholesale", "tax_rate": "13.00", "include_tax": True}
    retail = api.get(url, {"product_id": noodles.pk, "include_tax": "false"}).json()
    assert retail["source"] == "retail" and D(retail["price"]) == D("3.097345") and not retail["include_tax"]
    CustomerPrice.objects.create(customer=stocked.customer, product=noodles, price=D("2.90"))
    box = api.get(url, {"product_id": noodles.pk, "customer_id": stocked.customer.pk, "unit_id": units["箱"].pk})
    assert box.json()["source"] == "agreed" and D(box.json()["price"]) == D("69.60")
    missing = api.get(url, {"product_id": 999999})
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    bad_unit = api.get(url, {"product_id": noodles.pk, "unit_id": units["kg"].pk})
    assert bad_unit.status_code == 422 and bad_unit.json()["code"] == "unit_not_of_product"


def test_the_openapi_schema_lists_the_sales_endpoints(api):
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/api/v1/sales-orders", "/api/v1/sales-orders/{order_id}/approve", "/api/v1/customer-prices"):
        assert path in paths
