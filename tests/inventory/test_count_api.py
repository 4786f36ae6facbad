"""Stock counts through the REST API: the same flow as the pages, blind counts, scope and permissions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jxc.accounts.models import AuditEntry
from jxc.catalog.services.taxonomy import CategoryData, category_save
from jxc.inventory.choices import CountStatus
from jxc.inventory.models import StockCount, StockCountLine, StockMove
from jxc.inventory.services.counts import stock_count_create
from tests.helpers import sheet_rows
from tests.inventory.conftest import DAY


def barcode(product: Any, unit: str) -> str:
    return product.barcodes.get(unit__name=unit).code


def written() -> tuple[Any, ...]:
    lines = list(StockCountLine.objects.order_by("pk").values_list("pk", "counted_quantity", "counted_by"))
    return StockCount.objects.count(), lines, AuditEntry.objects.count(), StockMove.objects.count()


def line_of(body: dict[str, Any], product: Any, location: Any) -> dict[str, Any]:
    return next(ln for ln in body["lines"] if ln["product_id"] == product.pk and ln["location_id"] == location.pk)


def test_a_count_through_the_api(stock, noodles, make_product, make_user, api_for):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 30, "75.00", location="A-01")
    stock.receive(water, 20, "19.00", location="A-01")
    a01, a02 = stock.location("A-01"), stock.location("A-02")
    keeper = api_for(make_user("keeper", "warehouse"))
    manager = api_for(make_user("manager", "accountant"))

    response = keeper.post("/stock-counts", {"warehouse_id": stock.warehouse.pk, "date": DAY.isoformat()})
    assert response.status_code == 201
    body = response.json()
    count_id = body["id"]
    assert body["number"].startswith("PD") and body["status"] == "counting" and body["line_count"] == 2
    assert Decimal(line_of(body, noodles, a01)["book_quantity"]) == 30
    path = f"/stock-counts/{count_id}"

    # a box barcode adds 24 packs, a pack barcode one
    response = keeper.post(f"{path}/scan", {"code": barcode(noodles, "箱"), "location_id": a01.pk})
    assert response.status_code == 200
    scanned = response.json()
    assert (Decimal(scanned["added"]), scanned["unit"], Decimal(scanned["factor"])) == (24, "箱", 24)
    assert Decimal(scanned["line"]["counted_quantity"]) == 24
    response = keeper.post(f"{path}/scan", {"code": barcode(noodles, "包"), "location_id": a01.pk})
    assert Decimal(response.json()["line"]["counted_quantity"]) == 25
    # found where the book has none: a new line with book 0
    response = keeper.post(f"{path}/scan", {"code": "KSF-105", "location_id": a02.pk, "quantity": "2"})
    assert response.status_code == 200
    line = response.json()["line"]
    assert (Decimal(line["book_quantity"]), Decimal(line["counted_quantity"])) == (0, 2)

    response = keeper.post(
        f"{path}/entries", {"entries": [{"product_id": water.pk, "location_id": a01.pk, "quantity": "18"}]}
    )
    assert response.status_code == 200
    assert [Decimal(ln["counted_quantity"]) for ln in response.json()] == [18]

    response = keeper.post(f"{path}/submit", {})
    assert response.status_code == 200 and response.json()["status"] == "submitted"

    # the approver sees the estimated values; the keeper sees quantities only and may not approve
    body = manager.get(path).json()
    assert Decimal(line_of(body, noodles, a01)["estimated_value"]) == Decimal("-12.50")
    assert Decimal(line_of(body, noodles, a02)["estimated_value"]) == Decimal("5.00")
    keeper_line = line_of(keeper.get(path).json(), noodles, a01)
    assert Decimal(keeper_line["difference"]) == -5
    assert "value" not in keeper_line and "estimated_value" not in keeper_line
    assert keeper.post(f"{path}/approve").status_code == 403
    assert keeper.post(f"{path}/post").status_code == 403

    assert manager.post(f"{path}/approve").json()["status"] == "approved"
    response = manager.post(f"{path}/post")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "posted" and body["posted_by"] == "manager"
    assert {(ln["sku"], ln["location"]): Decimal(ln["value"]) for ln in body["lines"]} == {
        ("KSF-105", "A-01"): Decimal("-12.50"),
        ("KSF-105", "A-02"): Decimal("5.00"),
        ("NFSQ", "A-01"): Decimal("-1.90"),
    }
    assert stock.on_hand(noodles) == 27 and stock.on_hand(water) == 18
    assert manager.post(f"{path}/post").status_code == 200  # posting again changes nothing
    assert stock.on_hand(noodles) == 27

    response = manager.post(f"{path}/reverse")
    assert response.status_code == 200 and response.json()["status"] == "reversed"
    assert stock.on_hand(noodles) == 30 and stock.on_hand(water) == 20
    assert manager.post(f"{path}/reverse").status_code == 409


def test_an_unknown_code_or_a_product_outside_the_count_is_refused(stock, noodles, make_product, api):
    drinks = category_save(actor=None, data=CategoryData(name="饮料"))
    water = make_product(sku="NFSQ", name="农夫山泉", category_id=drinks.pk)
    stock.receive(noodles, 30, "75.00", location="A-01")
    stock.receive(water, 20, "19.00", location="A-01")
    count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY, category_ids=[drinks.pk])
    a01 = stock.location("A-01")
    before = written()

    response = api.post(f"/stock-counts/{count.pk}/scan", {"code": "0000000000000", "location_id": a01.pk})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error" and "code" in response.json()["data"]["errors"]
    response = api.post(f"/stock-counts/{count.pk}/scan", {"code": barcode(noodles, "箱"), "location_id": a01.pk})
    assert response.status_code == 422 and "code" in response.json()["data"]["errors"]
    response = api.post(
        f"/stock-counts/{count.pk}/entries",
        {
            "entries": [
                {"product_id": water.pk, "location_id": a01.pk, "quantity": "19"},
                {"product_id": water.pk, "location_id": a01.pk, "quantity": "-1"},
            ]
        },
    )
    assert response.status_code == 422 and response.json()["data"]["field"] == "entries.1.quantity"
    response = api.post(f"/stock-counts/{count.pk}/submit", {})
    assert response.status_code == 422 and "lines" in response.json()["data"]["errors"]
    assert written() == before


def test_a_blind_count_leaves_the_book_out_for_the_counter(stock, noodles, make_user, api_for):
    stock.receive(noodles, 37, "92.50", location="A-01")
    keeper = api_for(make_user("keeper", "warehouse"))
    manager = api_for(make_user("manager", "accountant"))
    response = keeper.post("/stock-counts", {"warehouse_id": stock.warehouse.pk, "blind": True})
    assert response.status_code == 201
    path = f"/stock-counts/{response.json()['id']}"
    assert all("book_quantity" not in ln for ln in response.json()["lines"])
    scanned = keeper.post(f"{path}/scan", {"code": barcode(noodles, "箱"), "location_id": stock.location("A-01").pk})
    assert "book_quantity" not in scanned.json()["line"] and "difference" not in scanned.json()["line"]

    [line] = keeper.get(path).json()["lines"]
    assert "book_quantity" not in line and "difference" not in line and Decimal(line["counted_quantity"]) == 24
    rows = sheet_rows(keeper.get(f"{path}/export").content)
    assert all(37 not in row for row in rows)

    [line] = manager.get(path).json()["lines"]
    assert (Decimal(line["book_quantity"]), Decimal(line["difference"])) == (37, -13)
    assert any(37 in row for row in sheet_rows(manager.get(f"{path}/export").content))

    # once submitted the book is no secret
    keeper.post(f"{path}/submit", {})
    [line] = keeper.get(path).json()["lines"]
    assert Decimal(line["book_quantity"]) == 37


def test_permissions_and_warehouse_scope(stock, noodles, make_warehouse, make_user, api_for):
    stock.receive(noodles, 30, "75.00", location="A-01")
    shop = make_warehouse("SHOP", "门店仓")
    cashier = api_for(make_user("cashier", "cashier"))
    response = cashier.post("/stock-counts", {"warehouse_id": stock.warehouse.pk})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert cashier.get("/stock-counts").status_code == 403
    assert not StockCount.objects.exists()

    clerk = api_for(make_user("clerk", "warehouse", all_warehouses=False, warehouse_ids=[shop.pk]))
    response = clerk.post("/stock-counts", {"warehouse_id": stock.warehouse.pk})
    assert response.status_code == 422 and "warehouse_id" in response.json()["data"]["errors"]
    assert not StockCount.objects.exists()

    main = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY)
    before = written()
    assert clerk.get(f"/stock-counts/{main.pk}").status_code == 404
    code = barcode(noodles, "包")
    response = clerk.post(f"/stock-counts/{main.pk}/scan", {"code": code, "location_id": stock.location("A-01").pk})
    assert response.status_code == 404
    assert clerk.post(f"/stock-counts/{main.pk}/cancel").status_code == 404
    assert clerk.get("/stock-counts").json()["count"] == 0
    assert written() == before
    assert StockCount.objects.get().status == CountStatus.COUNTING


def test_list_filters_pages_and_exports(stock, noodles, make_warehouse, api):
    shop = make_warehouse("SHOP", "门店仓")
    stock.receive(noodles, 30, "75.00", location="A-01")
    first = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY, notes="年终")
    second = stock_count_create(actor=stock.owner, warehouse_id=shop.pk, day=DAY)
    api.post(f"/stock-counts/{second.pk}/cancel")

    body = api.get("/stock-counts", {"page_size": 1}).json()
    assert (body["count"], [c["number"] for c in body["items"]]) == (2, [second.number])
    assert "lines" not in body["items"][0] and body["items"][0]["line_count"] == 0
    assert [c["number"] for c in api.get("/stock-counts", {"status": "counting"}).json()["items"]] == [first.number]
    assert [c["id"] for c in api.get("/stock-counts", {"warehouse_id": shop.pk}).json()["items"]] == [second.pk]
    assert [c["id"] for c in api.get("/stock-counts", {"q": "年终"}).json()["items"]] == [first.pk]

    rows = sheet_rows(api.get("/stock-counts/export", {"status": "cancelled"}).content)
    assert len(rows) == 2 and rows[1][0] == second.number
    rows = sheet_rows(api.get(f"/stock-counts/{first.pk}/export").content)
    assert rows[1][:2] == ("A-01", "KSF-105") and 30 in rows[1]
