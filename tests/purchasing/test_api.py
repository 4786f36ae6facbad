"""The purchasing API: the whole flow, every error as {"code","message","data"}, hidden prices, scope, pages."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.services.approvals import RuleData, approval_rule_save
from jxc.inventory.models import StockBalance
from jxc.partners.models import PartnerBalance
from jxc.purchasing.models import PurchaseOrder, PurchaseReceipt, PurchaseReceiptLine, PurchaseReturn
from tests.conftest import audit_count


@pytest.fixture
def noodles(make_product):
    return make_product(sku="KSF", name="康师傅红烧牛肉面", tax_rate=D(13))


def order_payload(buy, product, units, **fields):
    payload = {
        "supplier_id": buy.supplier.pk,
        "warehouse_id": buy.warehouse.pk,
        "date": "2026-11-02",
        "expected_date": "2026-11-06",
        "prices_include_tax": False,
        "freight": "20.00",
        "lines": [{"product_id": product.pk, "unit_id": units["箱"].pk, "quantity": "10", "price": "48.00"}],
    }
    payload.update(fields)
    return payload


def written():
    return (
        PurchaseOrder.objects.count(),
        PurchaseReceipt.objects.count(),
        PurchaseReturn.objects.count(),
        audit_count(),
    )


def test_order_to_receipt_to_return_over_the_api(api, buy, noodles, units):
    created = api.post("/purchase-orders", order_payload(buy, noodles, units))
    assert created.status_code == 201, created.content
    order = created.json()
    assert order["number"].startswith("CG") and order["status"] == "draft"
    assert (order["amount"], order["tax"], order["total"]) == ("480.00", "62.40", "562.40")
    assert order["lines"][0]["base_quantity"] == "240.000000"

    submitted = api.post(f"/purchase-orders/{order['id']}/submit").json()
    assert submitted["status"] == "approved" and submitted["approvals"][0]["status"] == "approved"
    line = submitted["lines"][0]
    assert (D(line["received"]), D(line["remaining"])) == (0, 10)

    receipt = api.post(
        "/purchase-receipts",
        {
            "supplier_id": buy.supplier.pk,
            "warehouse_id": buy.warehouse.pk,
            "date": "2026-11-05",
            "prices_include_tax": False,
            "freight": "12.00",
            "lines": [
                {
                    "product_id": noodles.pk,
                    "order_line_id": line["id"],
                    "received_quantity": "6",
                    "rejected_quantity": "1",
                    "reject_reason": "外箱破损",
                }
            ],
        },
    )
    assert receipt.status_code == 201, receipt.content
    body = receipt.json()
    assert body["lines"][0]["unit"] == "箱" and body["lines"][0]["price"] == "48.000000"
    assert body["lines"][0]["cost"] == "252.00" and body["total"] == "283.20"
    posted = api.post(f"/purchase-receipts/{body['id']}/post").json()
    assert posted["status"] == "posted"
    assert StockBalance.objects.get(product=noodles).on_hand == D(120)
    assert PartnerBalance.objects.get(partner=buy.supplier).payable == D("283.20")
    progress = api.get(f"/purchase-orders/{order['id']}").json()
    assert progress["status"] == "partial" and D(progress["lines"][0]["received"]) == 5
    assert D(progress["lines"][0]["rejected"]) == 1 and D(progress["lines"][0]["remaining"]) == 5

    back = api.post(
        "/purchase-returns",
        {
            "receipt_id": body["id"],
            "date": "2026-11-06",
            "reason": "质量问题",
            "lines": [
                {
                    "product_id": noodles.pk,
                    "receipt_line_id": body["lines"][0]["id"],
                    "quantity": "1",
                    "rejected": True,
                },
                {"product_id": noodles.pk, "receipt_line_id": body["lines"][0]["id"], "quantity": "2"},
            ],
        },
    )
    assert back.status_code == 201, back.content
    returned = api.post(f"/purchase-returns/{back.json()['id']}/post").json()
    assert returned["status"] == "posted" and returned["total"] == "108.48"
    assert [ln["cost"] for ln in returned["lines"]] == ["0.00", "100.80"]
    assert StockBalance.objects.get(product=noodles).on_hand == D(72)
    assert PartnerBalance.objects.get(partner=buy.supplier).payable == D("174.72")

    preview = api.get(f"/purchase-returns/{returned['id']}/reversal-preview").json()
    assert preview[0]["change"] == "48.000000"
    reversal = api.post(f"/purchase-returns/{returned['id']}/reverse", {"date": "2026-11-07"})
    assert reversal.status_code == 201 and reversal.json()["reversal_of_id"] == returned["id"]
    assert PartnerBalance.objects.get(partner=buy.supplier).payable == D("283.20")


def test_approval_rules_reach_the_api(api, api_for, buy, noodles, units, owner, make_user):
    approval_rule_save(
        actor=owner,
        data=RuleData(
            name="大额", document_type=PURCHASE_ORDER, condition="total_above", threshold=D(500), role="accountant"
        ),
    )
    order = api.post("/purchase-orders", order_payload(buy, noodles, units)).json()
    waiting = api.post(f"/purchase-orders/{order['id']}/submit").json()
    assert waiting["status"] == "submitted"
    assert waiting["approvals"][0]["role"] == "accountant" and "562.40" in waiting["approvals"][0]["reason"]
    buyer = api_for(make_user("buyer", "purchaser"))
    refused = buyer.post(f"/purchase-orders/{order['id']}/approve", {"comment": ""})
    assert refused.status_code == 403 and refused.json()["code"] == "approval_role_required"
    assert refused.json()["data"]["role_codes"] == ["accountant"]
    accountant = api_for(make_user("acc", "accountant"))
    approved = accountant.post(f"/purchase-orders/{order['id']}/approve", {"comment": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approvals"][0]["comment"] == "同意"


def test_order_transitions_and_their_errors(api, buy, noodles, units):
    order = api.post("/purchase-orders", order_payload(buy, noodles, units)).json()
    assert api.post(f"/purchase-orders/{order['id']}/close", {}).json()["code"] == "order_status"
    api.post(f"/purchase-orders/{order['id']}/submit")
    assert api.post(f"/purchase-orders/{order['id']}/unapprove").json()["status"] == "draft"
    again = api.put(f"/purchase-orders/{order['id']}", order_payload(buy, noodles, units, freight="0"))
    assert again.status_code == 200 and again.json()["total"] == "542.40"
    api.post(f"/purchase-orders/{order['id']}/submit")
    closed = api.post(f"/purchase-orders/{order['id']}/close", {"reason": "不再需要"}).json()
    assert closed["status"] == "closed" and D(closed["lines"][0]["remaining"]) == 0
    refused = api.put(f"/purchase-orders/{order['id']}", order_payload(buy, noodles, units))
    assert refused.status_code == 409 and refused.json()["code"] == "document_not_draft"
    other = api.post("/purchase-orders", order_payload(buy, noodles, units)).json()
    assert api.post(f"/purchase-orders/{other['id']}/void", {"reason": "重复"}).json()["status"] == "void"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"quantity": "0"}, "lines.0.quantity"),
        ({"price": "-1"}, "lines.0.price"),
        ({"unit_id": 999999}, "lines.0.unit_id"),
        ({"product_id": 999999}, "lines.0.product_id"),
    ],
)
def test_a_bad_order_line_gets_422_with_its_path_and_writes_nothing(api, buy, noodles, units, change, path):
    payload = order_payload(buy, noodles, units)
    payload["lines"][0].update(change)
    before = written()
    response = api.post("/purchase-orders", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error" and path in body["data"]["errors"] and body["message"]
    assert written() == before


def test_receipt_errors_are_clear_and_write_nothing(api, buy, noodles, units):
    order = api.post("/purchase-orders", order_payload(buy, noodles, units)).json()
    line_id = api.post(f"/purchase-orders/{order['id']}/submit").json()["lines"][0]["id"]
    receipt = {"supplier_id": buy.supplier.pk, "warehouse_id": buy.warehouse.pk, "date": "2026-11-05"}
    before = written()
    over = api.post(
        "/purchase-receipts",
        {**receipt, "lines": [{"product_id": noodles.pk, "order_line_id": line_id, "received_quantity": "11"}]},
    )
    assert over.status_code == 409 and over.json()["code"] == "over_receipt"
    assert over.json()["data"]["field"] == "lines.0.accepted_quantity"
    rejected = api.post(
        "/purchase-receipts",
        {
            **receipt,
            "lines": [
                {
                    "product_id": noodles.pk,
                    "order_line_id": line_id,
                    "received_quantity": "2",
                    "rejected_quantity": "3",
                    "reject_reason": "坏",
                }
            ],
        },
    )
    assert rejected.status_code == 422 and "lines.0.rejected_quantity" in rejected.json()["data"]["errors"]
    assert written() == before
    api.post(f"/purchase-orders/{order['id']}/void", {})
    voided = api.post(
        "/purchase-receipts",
        {**receipt, "lines": [{"product_id": noodles.pk, "order_line_id": line_id, "received_quantity": "1"}]},
    )
    assert voided.status_code == 409 and voided.json()["code"] == "order_not_open"
    assert written()[1:3] == before[1:3]


def test_posting_twice_is_harmless_and_a_retried_key_replays(api, buy, noodles):
    payload = {
        "supplier_id": buy.supplier.pk,
        "warehouse_id": buy.warehouse.pk,
        "prices_include_tax": False,
        "lines": [{"product_id": noodles.pk, "received_quantity": "10", "price": "2.00"}],
    }
    one = api.post("/purchase-receipts", payload, HTTP_IDEMPOTENCY_KEY="rk-1")
    two = api.post("/purchase-receipts", payload, HTTP_IDEMPOTENCY_KEY="rk-1")
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    receipt_id = one.json()["id"]
    api.post(f"/purchase-receipts/{receipt_id}/post")
    api.post(f"/purchase-receipts/{receipt_id}/post")
    assert StockBalance.objects.get(product=noodles).on_hand == 10
    assert PartnerBalance.objects.get(partner=buy.supplier).payable == D("22.60")


def test_prices_are_left_out_for_a_warehouse_keeper(api, api_for, buy, noodles, units, make_user):
    order = api.post("/purchase-orders", order_payload(buy, noodles, units)).json()
    line_id = api.post(f"/purchase-orders/{order['id']}/submit").json()["lines"][0]["id"]
    keeper = api_for(make_user("keeper", "warehouse"))
    assert "total" not in keeper.get(f"/purchase-orders/{order['id']}").json()
    assert keeper.post("/purchase-orders", order_payload(buy, noodles, units)).status_code == 403
    created = keeper.post(
        "/purchase-receipts",
        {
            "supplier_id": buy.supplier.pk,
            "warehouse_id": buy.warehouse.pk,
            "freight": "999.00",
            "lines": [{"product_id": noodles.pk, "order_line_id": line_id, "received_quantity": "2", "price": "1"}],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert "total" not in body and "price" not in body["lines"][0] and "cost" not in body["lines"][0]
    stored = PurchaseReceiptLine.objects.get()
    assert stored.price == D("48.000000") and stored.receipt.freight == 0  # the order's price; no typed money
    assert keeper.post(f"/purchase-receipts/{body['id']}/post").json()["status"] == "posted"


def test_scope_permissions_and_missing(api, api_for, buy, noodles, units, make_user, make_warehouse):
    order = api.post("/purchase-orders", order_payload(buy, noodles, units)).json()
    seller = api_for(make_user("seller", "sales"))
    assert seller.get("/purchase-orders").status_code == 403
    branch = make_warehouse("BR", "分店仓")
    limited = api_for(make_user("limited", "purchaser", all_warehouses=False, warehouse_ids=[branch.pk]))
    assert limited.get("/purchase-orders").json()["count"] == 0
    assert limited.get(f"/purchase-orders/{order['id']}").status_code == 404
    assert api.get("/purchase-orders/999999").json()["code"] == "not_found"
    assert api.get("/purchase-receipts/999999").status_code == 404


def test_lists_filter_page_and_do_not_query_per_row(api, buy, noodles, units, make_product):
    cola = make_product(sku="COKE", name="可口可乐")
    api.post("/purchase-orders", order_payload(buy, noodles, units))
    with CaptureQueriesContext(connection) as few:
        api.get("/purchase-orders")
    for _n in range(5):
        api.post("/purchase-orders", order_payload(buy, cola, units, expected_date="2026-11-03"))
    with CaptureQueriesContext(connection) as many:
        listed = api.get("/purchase-orders").json()
    assert listed["count"] == 6 and len(many.captured_queries) == len(few.captured_queries)
    assert api.get("/purchase-orders", {"q": "可口"}).json()["count"] == 5
    assert api.get("/purchase-orders", {"status": "approved"}).json()["count"] == 0
    page = api.get("/purchase-orders", {"page": 2, "page_size": 4}).json()
    assert len(page["items"]) == 2


def test_the_recalled_price(api, buy, noodles, units):
    order = api.post("/purchase-orders", order_payload(buy, noodles, units)).json()
    first = api.get("/purchase-prices", {"product_id": noodles.pk, "supplier_id": buy.supplier.pk})
    assert (
        first.json() == {"price": "2.35", "source": "purchase_price", "tax_rate": "13.00"}
        or first.json()["source"] == "purchase_price"
    )
    api.post(f"/purchase-orders/{order['id']}/submit")
    recalled = api.get(
        "/purchase-prices",
        {"product_id": noodles.pk, "supplier_id": buy.supplier.pk, "unit_id": units["箱"].pk, "include_tax": "true"},
    ).json()
    assert recalled["source"] == "last_price" and D(recalled["price"]) == D("54.24")  # 48.00 × 1.13


def test_exports_are_real_workbooks_and_hide_money_without_view_cost(api, api_for, buy, noodles, units, make_user):
    from tests.helpers import sheet_rows

    order = api.post("/purchase-orders", order_payload(buy, noodles, units)).json()
    line_id = api.post(f"/purchase-orders/{order['id']}/submit").json()["lines"][0]["id"]
    receipt = api.post(
        "/purchase-receipts",
        {
            "supplier_id": buy.supplier.pk,
            "warehouse_id": buy.warehouse.pk,
            "lines": [{"product_id": noodles.pk, "order_line_id": line_id, "received_quantity": "2"}],
        },
    ).json()
    api.post(f"/purchase-receipts/{receipt['id']}/post")
    api.post(
        "/purchase-returns",
        {
            "receipt_id": receipt["id"],
            "lines": [{"product_id": noodles.pk, "receipt_line_id": receipt["lines"][0]["id"], "quantity": "1"}],
        },
    )
    keeper = api_for(make_user("keeper", "warehouse"))
    for path, number in (
        ("/purchase-orders/export", order["number"]),
        ("/purchase-receipts/export", receipt["number"]),
        ("/purchase-returns/export", None),
    ):
        response = api.get(path)
        assert response.status_code == 200, path
        rows = sheet_rows(response.content)
        assert len(rows) == 2
        if number:
            assert rows[1][0] == number
        hidden = sheet_rows(keeper.get(path).content)
        assert len(hidden[0]) < len(rows[0]), path  # the money columns are left out
    assert 562.4 in sheet_rows(api.get("/purchase-orders/export").content)[1]
