"""The stock document API: drafts, post, receive, reverse, errors with field paths, lists, export, lots."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.inventory.choices import DocumentStatus
from jxc.inventory.models import StockDocument, StockDocumentLine, StockMove, StockPosting
from tests.helpers import sheet_rows
from tests.inventory.conftest import DAY


def _receipt(stock, product, **fields):
    payload = {
        "kind": "receipt",
        "date": DAY.isoformat(),
        "warehouse_id": stock.warehouse.pk,
        "reason": "opening",
        "lines": [{"product_id": product.pk, "quantity": "10", "unit_cost": "2.5"}],
    }
    payload.update(fields)
    return payload


def _written():
    return (
        StockDocument.objects.count(),
        StockDocumentLine.objects.count(),
        StockMove.objects.count(),
        AuditEntry.objects.count(),
    )


def test_create_change_post_and_reverse_a_receipt(api, stock, noodles, units):
    created = api.post(
        "/stock-documents",
        _receipt(
            stock,
            noodles,
            lines=[
                {"product_id": noodles.pk, "quantity": "2", "unit_id": units["箱"].pk, "unit_cost": "50"},
                {"product_id": noodles.pk, "quantity": "4", "amount": "10", "location_id": stock.location("A-01").pk},
            ],
        ),
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"].startswith("QR") and body["status"] == "draft" and body["line_count"] == 2
    assert body["amount"] == "110.00"
    first, second = body["lines"]
    assert (first["unit"], first["quantity"], first["base_quantity"], first["amount"]) == (
        "箱",
        "2.000000",
        "48.000000",
        "100.00",
    )
    assert (second["location"], second["unit_cost"]) == ("A-01", "2.500000")
    document_id = body["id"]

    changed = api.put(
        f"/stock-documents/{document_id}",
        {"warehouse_id": stock.warehouse.pk, "reason": "gift", "lines": [{"product_id": noodles.pk, "quantity": "5"}]},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["reason"] == "gift" and changed.json()["lines"][0]["amount"] == "11.75"

    posted = api.post(f"/stock-documents/{document_id}/post")
    assert posted.status_code == 200 and posted.json()["status"] == "posted"
    assert stock.on_hand(noodles) == 5
    refused = api.put(f"/stock-documents/{document_id}", {"warehouse_id": stock.warehouse.pk, "lines": []})
    assert refused.status_code == 409 and refused.json()["code"] == "document_not_draft"

    preview = api.get(f"/stock-documents/{document_id}/reversal-preview")
    assert preview.status_code == 200
    assert preview.json() == [
        {
            "product_id": noodles.pk,
            "sku": "KSF-105",
            "product": "康师傅红烧牛肉面",
            "place": "总仓 DEFAULT",
            "change": "-5.000000",
            "on_hand": "5.000000",
            "after": "0.000000",
            "short": False,
            "value": "-11.75",
        }
    ]
    reversed_ = api.client.post(f"/api/v1/stock-documents/{document_id}/reverse?date=2026-11-30")  # no body
    assert reversed_.status_code == 201, reversed_.content
    reversal = reversed_.json()
    assert reversal["reversal_of_id"] == document_id and reversal["lines"][0]["quantity"] == "-5.000000"
    assert reversal["date"] == "2026-11-30" and reversal["number"].startswith("QR")
    assert stock.on_hand(noodles) == 0
    original = api.get(f"/stock-documents/{document_id}").json()
    assert original["status"] == "reversed" and original["reversed_by_id"] == reversal["id"]
    again = api.post(f"/stock-documents/{document_id}/reverse")
    assert again.status_code == 409 and again.json()["code"] == "already_reversed"


def test_a_two_step_transfer_ships_then_receives(api, stock, noodles, make_warehouse):
    branch = make_warehouse("BR", "分店仓")
    stock.receive(noodles, 10, "30")
    created = api.post(
        "/stock-documents",
        {
            "kind": "transfer",
            "date": DAY.isoformat(),
            "warehouse_id": stock.warehouse.pk,
            "to_warehouse_id": branch.pk,
            "lines": [{"product_id": noodles.pk, "quantity": "4"}],
        },
    )
    assert created.status_code == 201, created.content
    document_id = created.json()["id"]
    shipped = api.post(f"/stock-documents/{document_id}/post")
    assert shipped.json()["status"] == "in_transit" and shipped.json()["amount"] == "12.00"
    assert api.get("/stock-documents", {"status": "in_transit"}).json()["count"] == 1
    early = api.post(f"/stock-documents/{document_id}/receive?date=2020-01-01")
    assert early.status_code == 422 and "date" in early.json()["data"]["errors"]
    received = api.post(f"/stock-documents/{document_id}/receive")
    assert received.status_code == 200 and received.json()["status"] == "posted"
    assert received.json()["received_at"] is not None
    assert (stock.on_hand(noodles), stock.on_hand(noodles, branch)) == (6, 4)
    assert api.post(f"/stock-documents/{document_id}/receive").status_code == 200  # harmless again
    assert StockPosting.objects.filter(source_id=document_id).count() == 2


def test_receiving_a_draft_is_refused(api, stock, noodles, make_warehouse):
    branch = make_warehouse("BR", "分店仓")
    created = api.post(
        "/stock-documents",
        {
            "kind": "transfer",
            "warehouse_id": stock.warehouse.pk,
            "to_warehouse_id": branch.pk,
            "lines": [{"product_id": noodles.pk, "quantity": "4"}],
        },
    ).json()
    response = api.post(f"/stock-documents/{created['id']}/receive")
    assert response.status_code == 409 and response.json()["code"] == "document_not_posted"


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ({"quantity": "0"}, "lines.1.quantity"),
        ({"quantity": "abc"}, "lines.1.quantity"),
        ({"quantity": "1.1234567"}, "lines.1.quantity"),
        ({"unit_cost": "-1"}, "lines.1.unit_cost"),
        ({"product_id": 999999}, "lines.1.product_id"),
        ({"unit_id": 999999}, "lines.1.unit_id"),
        ({"location_id": 999999}, "lines.1.location_id"),
    ],
)
def test_a_bad_line_gets_422_with_its_field_path_and_nothing_is_written(api, stock, noodles, line, path):
    before = _written()
    payload = _receipt(stock, noodles)
    payload["lines"].append({"product_id": noodles.pk, "quantity": "1", **line})
    response = api.post("/stock-documents", payload)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error" and path in body["data"]["errors"], body
    assert _written() == before


def test_a_bad_header_gets_422(api, stock, noodles):
    before = _written()
    missing_reason = api.post("/stock-documents", _receipt(stock, noodles, reason=""))
    assert missing_reason.status_code == 422 and "reason" in missing_reason.json()["data"]["errors"]
    bad_kind = api.post("/stock-documents", _receipt(stock, noodles, kind="loan"))
    assert bad_kind.status_code == 422 and "kind" in bad_kind.json()["data"]["errors"]
    no_lines = api.post("/stock-documents", _receipt(stock, noodles, lines=[]))
    assert no_lines.status_code == 422 and "lines" in no_lines.json()["data"]["errors"]
    assert _written() == before


def test_not_enough_stock_gets_409_with_every_shortfall(api, stock, noodles, make_product):
    coke = make_product(sku="COKE", name="可口可乐")
    stock.receive(noodles, 3, "6")
    created = api.post(
        "/stock-documents",
        {
            "kind": "issue",
            "date": DAY.isoformat(),
            "warehouse_id": stock.warehouse.pk,
            "reason": "scrap",
            "lines": [{"product_id": noodles.pk, "quantity": "5"}, {"product_id": coke.pk, "quantity": "1"}],
        },
    ).json()
    before = _written()
    response = api.post(f"/stock-documents/{created['id']}/post")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "insufficient_stock"
    items = {item["sku"]: item for item in body["data"]["items"]}
    assert items["KSF-105"]["short"] == "2.000000" and Decimal(items["COKE"]["available"]) == 0
    assert _written() == before
    assert StockDocument.objects.get(pk=created["id"]).status == DocumentStatus.DRAFT


def test_posting_twice_is_harmless_and_a_retried_key_replays(api, stock, noodles):
    document_id = api.post("/stock-documents", _receipt(stock, noodles)).json()["id"]
    first = api.post(f"/stock-documents/{document_id}/post")
    moves = StockMove.objects.count()
    second = api.post(f"/stock-documents/{document_id}/post")
    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == second.json()["status"] == "posted"
    assert StockMove.objects.count() == moves and stock.on_hand(noodles) == 10

    payload = _receipt(stock, noodles)
    one = api.post("/stock-documents", payload, HTTP_IDEMPOTENCY_KEY="doc-1")
    two = api.post("/stock-documents", payload, HTTP_IDEMPOTENCY_KEY="doc-1")
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    assert StockDocument.objects.count() == 2


def test_costs_are_left_out_for_users_without_view_cost(api_for, stock, noodles, make_user):
    keeper = api_for(make_user("keeper", "warehouse"))
    created = keeper.post("/stock-documents", _receipt(stock, noodles))
    assert created.status_code == 201, created.content
    body = created.json()
    assert "amount" not in body and "unit_cost" not in body["lines"][0] and "amount" not in body["lines"][0]
    line = StockDocumentLine.objects.get()
    assert (line.unit_cost, line.amount) == (Decimal("2.35"), Decimal("23.50"))  # typed cost ignored
    listed = keeper.get("/stock-documents").json()["items"][0]
    assert "amount" not in listed
    keeper.post(f"/stock-documents/{body['id']}/post")
    preview = keeper.get(f"/stock-documents/{body['id']}/reversal-preview").json()
    assert "value" not in preview[0]
    rows = sheet_rows(keeper.get("/stock-documents/export").content)
    assert len(rows[0]) == 7 and all(23.5 not in row for row in rows)


def test_permissions_and_warehouse_scope(api_for, api, stock, noodles, make_user, make_warehouse):
    branch = make_warehouse("BR", "分店仓")
    main_receipt = stock.receive(noodles, 3, "6")
    seller = api_for(make_user("seller", "sales"))
    assert seller.get("/stock-documents").status_code == 403
    assert seller.post("/stock-documents", _receipt(stock, noodles)).status_code == 403

    keeper = api_for(make_user("keeper", "warehouse", all_warehouses=False, warehouse_ids=[branch.pk]))
    assert keeper.get("/stock-documents").json()["count"] == 0
    assert keeper.get(f"/stock-documents/{main_receipt.pk}").status_code == 404
    assert keeper.post(f"/stock-documents/{main_receipt.pk}/reverse").status_code == 404
    before = _written()
    refused = keeper.post("/stock-documents", _receipt(stock, noodles))
    assert refused.status_code == 422 and "warehouse_id" in refused.json()["data"]["errors"]
    assert _written() == before
    mine = keeper.post("/stock-documents", _receipt(stock, noodles, warehouse_id=branch.pk))
    assert mine.status_code == 201
    assert keeper.get("/stock-documents").json()["count"] == 1
    assert api.get("/stock-documents").json()["count"] == 2


def test_list_filters_and_pages(api, stock, noodles, make_product, make_warehouse):
    coke = make_product(sku="COKE", name="可口可乐")
    branch = make_warehouse("BR", "分店仓")
    stock.receive(noodles, 10, "20")
    stock.receive(coke, 10, "20", warehouse=branch)
    stock.issue(noodles, 2)
    for n in range(3):
        stock.receive(noodles, 1, "2", day=DAY.replace(day=10 + n))
    assert api.get("/stock-documents").json()["count"] == 6
    assert api.get("/stock-documents", {"kind": "issue"}).json()["items"][0]["amount"] == "4.00"
    assert api.get("/stock-documents", {"warehouse_id": branch.pk}).json()["count"] == 1
    assert api.get("/stock-documents", {"q": "可口"}).json()["count"] == 1
    assert api.get("/stock-documents", {"q": "QC"}).json()["count"] == 1
    dated = api.get("/stock-documents", {"date_from": "2026-11-10", "date_to": "2026-11-11"}).json()
    assert dated["count"] == 2
    page = api.get("/stock-documents", {"page": 2, "page_size": 4}).json()
    assert (page["count"], page["page"], len(page["items"])) == (6, 2, 2)
    newest = api.get("/stock-documents", {"page_size": 1}).json()["items"][0]
    assert newest["date"] == "2026-11-12"


def test_the_list_does_not_query_per_document(api, stock, noodles):
    stock.receive(noodles, 20, "40")
    api.get("/stock-documents")  # the token's last use is recorded once in a while, not per request
    with CaptureQueriesContext(connection) as few:
        api.get("/stock-documents")
    for _n in range(10):
        stock.issue(noodles, 1)
    with CaptureQueriesContext(connection) as many:
        response = api.get("/stock-documents")
    assert response.json()["count"] == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_export_is_a_real_workbook(api, stock, noodles):
    receipt = stock.receive(noodles, 10, "25.5")
    stock.issue(noodles, 4)
    response = api.get("/stock-documents/export", {"kind": "receipt"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    rows = sheet_rows(response.content)
    assert len(rows) == 2 and len(rows[0]) == 8
    assert rows[1][0] == receipt.number and rows[1][-1] == 25.5 and rows[1][-2] == 1


def test_lot_suggestions_are_first_expiry_first_out(api, stock, make_product):
    milk = make_product(sku="MILK", name="纯牛奶", track_lots=True)
    stock.receive(milk, 5, "15", batch="LATE", expiry=DAY.replace(year=2028))
    stock.receive(milk, 5, "15", batch="EARLY", expiry=DAY.replace(year=2027))
    location = stock.location("DEFAULT")
    response = api.get("/lots/suggestions", {"product_id": milk.pk, "location_id": location.pk, "quantity": "7"})
    assert response.status_code == 200
    body = response.json()
    assert [(i["batch_no"], i["quantity"]) for i in body["items"]] == [("EARLY", "5.000000"), ("LATE", "2.000000")]
    assert Decimal(body["short"]) == 0
    too_much = api.get("/lots/suggestions", {"product_id": milk.pk, "location_id": location.pk, "quantity": "12"})
    assert Decimal(too_much.json()["short"]) == 2
    missing = api.get("/lots/suggestions", {"product_id": milk.pk, "location_id": 999999, "quantity": "1"})
    assert missing.status_code == 404


def test_an_issue_of_a_lot_product_without_a_lot_is_split_fefo(api, stock, make_product):
    milk = make_product(sku="MILK", name="纯牛奶", track_lots=True)
    stock.receive(milk, 5, "15", batch="LATE", expiry=DAY.replace(year=2028))
    stock.receive(milk, 5, "15", batch="EARLY", expiry=DAY.replace(year=2027))
    created = api.post(
        "/stock-documents",
        {
            "kind": "issue",
            "date": DAY.isoformat(),
            "warehouse_id": stock.warehouse.pk,
            "reason": "internal_use",
            "lines": [{"product_id": milk.pk, "quantity": "7"}],
        },
    )
    assert created.status_code == 201, created.content
    assert [(ln["batch_no"], ln["quantity"]) for ln in created.json()["lines"]] == [
        ("EARLY", "5.000000"),
        ("LATE", "2.000000"),
    ]


def test_a_missing_document_gets_404(api):
    assert api.get("/stock-documents/999999").status_code == 404
    assert api.post("/stock-documents/999999/post").json()["code"] == "not_found"
