"""Stock API: /stock at every grain, stock card, balance at a date, alerts, valuation, stock periods, exports;
cost keys absent without view_cost; warehouse scope; query counts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jxc.accounts.services.company import CompanyData, company_setup, company_update
from jxc.inventory.choices import PeriodStatus
from jxc.inventory.models import CostSnapshot, StockPeriod, StockSnapshot
from jxc.inventory.services.periods import stock_period_close
from tests.conftest import audit_count
from tests.helpers import sheet_rows
from tests.inventory.conftest import DAY

SEP, OCT = date(2026, 9, 3), date(2026, 10, 8)
COST_KEYS = {"unit_cost", "value"}


@pytest.fixture
def shop(make_warehouse):
    return make_warehouse("SHOP", "门店仓")


@pytest.fixture
def moved(stock, noodles, make_product, shop):
    """Noodles: 10 + 5 into MAIN, 4 into SHOP, 3 issued, 2 moved A-02 → A-01 (average cost 2.50);
    milk: two lots in MAIN A-01 (average cost 3.00)."""
    milk = make_product(sku="MILK", name="纯牛奶", track_lots=True)
    stock.receive(noodles, 10, "25.00", location="A-01")
    stock.receive(noodles, 5, "12.50", location="A-02")
    stock.receive(noodles, 4, "10.00", warehouse=shop)
    stock.issue(noodles, 3, location="A-01")
    stock.transfer(noodles, 2, source="A-02", target="A-01")
    far = timezone.localdate() + timedelta(days=400)
    stock.receive(milk, 6, "18.00", location="A-01", batch="B1", expiry=far)
    stock.receive(milk, 4, "12.00", location="A-01", batch="B2", expiry=far + timedelta(days=30))
    return stock


def _d(value: str) -> Decimal:
    return Decimal(value)


def test_stock_at_every_grain(api, moved):
    body = api.get("/stock").json()
    assert [
        (i["sku"], i["warehouse"], _d(i["on_hand"]), _d(i["available"]), _d(i["value"])) for i in body["items"]
    ] == [
        ("KSF-105", "总仓", 12, 12, Decimal("30.00")),
        ("KSF-105", "门店仓", 4, 4, Decimal("10.00")),
        ("MILK", "总仓", 10, 10, Decimal("30.00")),
    ]
    assert body["count"] == 3 and _d(body["totals"]["on_hand"]) == 26 and _d(body["totals"]["value"]) == 70
    assert _d(body["items"][0]["unit_cost"]) == Decimal("2.5")
    by_product = api.get("/stock", {"grain": "product"}).json()["items"]
    assert [(i["sku"], _d(i["on_hand"]), _d(i["value"])) for i in by_product] == [
        ("KSF-105", 16, Decimal("40.00")),
        ("MILK", 10, Decimal("30.00")),
    ]
    assert "warehouse_id" not in by_product[0]
    by_location = api.get("/stock", {"grain": "location", "q": "KSF"}).json()["items"]
    assert [(i["warehouse"], i["location"], _d(i["on_hand"])) for i in by_location] == [
        ("总仓", "A-01", 9),
        ("总仓", "A-02", 3),
        ("门店仓", "DEFAULT", 4),
    ]
    assert "reserved" not in by_location[0]
    by_lot = api.get("/stock", {"grain": "lot", "q": "MILK"}).json()["items"]
    assert [(i["batch_no"], _d(i["on_hand"]), _d(i["value"])) for i in by_lot] == [
        ("B1", 6, Decimal("18.00")),
        ("B2", 4, Decimal("12.00")),
    ]
    page_two = api.get("/stock", {"page": 2, "page_size": 2}).json()
    assert [i["sku"] for i in page_two["items"]] == ["MILK"] and page_two["count"] == 3
    assert api.get("/stock", {"grain": "bin"}).status_code == 422


def test_a_salesperson_gets_no_cost_keys_and_no_cost_columns(moved, noodles, make_user, api_for):
    sales = api_for(make_user("sales", "sales"))
    for grain in ("product", "warehouse", "location", "lot"):
        body = sales.get("/stock", {"grain": grain}).json()
        assert body["items"] and all(not COST_KEYS & set(i) for i in body["items"]), grain
        assert "value" not in body["totals"]
    card = sales.get("/stock-card", {"product_id": noodles.pk, "start": "2026-11-01"}).json()
    assert "opening_value" not in card and "closing_value" not in card
    assert all(not {"unit_cost", "value", "value_balance"} & set(row) for row in card["rows"])
    balance = sales.get("/stock/balance-at", {"product_id": noodles.pk, "date": "2026-11-30"}).json()
    assert _d(balance["quantity"]) == 16 and "value" not in balance
    header = sheet_rows(sales.get("/stock/export", HTTP_ACCEPT_LANGUAGE="en").content)[0]
    assert "Unit cost" not in header and "Value" not in header and "On hand" in header
    header = sheet_rows(sales.get("/stock-card/export", {"product_id": noodles.pk}).content)[0]
    assert len(header) == 7
    assert sales.get("/valuation").status_code == 403
    assert sales.get("/valuation/export").status_code == 403
    assert sales.get("/valuation").json()["code"] == "permission_denied"


def test_stock_export_has_exactly_the_filtered_rows(api, moved, shop):
    rows = sheet_rows(api.get("/stock/export", {"warehouse_id": shop.pk}, HTTP_ACCEPT_LANGUAGE="en").content)
    assert rows[0][:5] == ("SKU", "Name", "Specification", "Unit", "Warehouse")
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == [("KSF-105", "门店仓", 4)]


def test_stock_card_with_running_balances_and_sources(api, stock, noodles):
    stock.receive(noodles, 10, "25.00", day=DAY)
    issue = stock.issue(noodles, 3, day=DAY + timedelta(days=1))
    stock.receive(noodles, 5, "15.00", day=DAY + timedelta(days=2))
    body = api.get(
        "/stock-card",
        {"product_id": noodles.pk, "start": DAY + timedelta(days=1), "end": DAY + timedelta(days=2)},
    ).json()
    assert (_d(body["opening_quantity"]), _d(body["opening_value"])) == (10, Decimal("25.00"))
    assert [(r["kind"], r.get("number"), _d(r["balance"]), _d(r["value_balance"])) for r in body["rows"]] == [
        ("opening", None, 10, Decimal("25.00")),
        ("move", issue.number, 7, Decimal("17.50")),
        ("move", body["rows"][2]["number"], 12, Decimal("32.50")),
        ("closing", None, 12, Decimal("32.50")),
    ]
    assert (body["rows"][1]["source_type"], body["rows"][1]["source_id"]) == ("inventory.stockdocument", issue.pk)
    assert (_d(body["total_in"]), _d(body["total_out"]), _d(body["closing_value"])) == (5, 3, Decimal("32.50"))
    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 100)
    # a page at a time: the second of one move a page brings the balance forward and closes the range
    second = api.get(
        "/stock-card",
        {"product_id": noodles.pk, "start": DAY + timedelta(days=1), "end": DAY + timedelta(days=2), "page": 2,
         "page_size": 1},
    ).json()  # fmt: skip
    assert [(r["kind"], _d(r["balance"])) for r in second["rows"]] == [
        ("brought_forward", 7),
        ("move", 12),
        ("closing", 12),
    ]
    assert (second["count"], second["page"], second["page_size"]) == (2, 2, 1)
    export = api.get("/stock-card/export", {"product_id": noodles.pk, "start": DAY, "end": DAY + timedelta(days=2)})
    assert len(sheet_rows(export.content)) == 1 + 5  # header, opening, three moves, closing
    assert api.get("/stock-card", {"product_id": 999999}).status_code == 404
    bad = api.get("/stock-card", {"product_id": noodles.pk, "start": "2026-11-10", "end": "2026-11-01"})
    assert bad.status_code == 422


def test_balance_at_a_past_date_across_a_closed_period(api, stock, noodles):
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.issue(noodles, 4, day=OCT)
    stock_period_close(actor=stock.owner, month=SEP)
    expected = {"2026-09-02": (0, "0.00"), "2026-09-30": (10, "25.00"), "2026-10-31": (6, "15.00")}
    for day, (quantity, value) in expected.items():
        body = api.get("/stock/balance-at", {"product_id": noodles.pk, "date": day}).json()
        assert (_d(body["quantity"]), _d(body["value"])) == (quantity, Decimal(value)), day
    card = api.get("/stock-card", {"product_id": noodles.pk, "start": "2026-10-01", "end": "2026-10-31"}).json()
    assert (_d(card["opening_quantity"]), _d(card["closing_quantity"])) == (10, 6)


def test_stock_alerts(api, stock, make_product):
    today = timezone.localdate()
    low = make_product(sku="LOW", name="低库存", min_stock=Decimal(10))
    milk = make_product(sku="MILK", name="牛奶", track_lots=True)
    stock.receive(low, 3, "3")
    stock.receive(milk, 2, "4", batch="SOON", expiry=today + timedelta(days=5))
    stock.receive(milk, 2, "4", batch="GONE", expiry=today - timedelta(days=1))
    stock.receive(milk, 2, "4", batch="LATER", expiry=today + timedelta(days=90))
    body = api.get("/stock-alerts").json()
    assert body["counts"] == {"below_min": 1, "above_max": 0, "expiring": 1, "expired": 1}
    assert body["days"] == 30 and body["count"] == 3
    [below] = api.get("/stock-alerts", {"kind": "below_min"}).json()["items"]
    assert (below["sku"], _d(below["quantity"]), _d(below["limit"])) == ("LOW", 3, 10)
    expiring = api.get("/stock-alerts", {"kind": "expiring", "days": 100}).json()["items"]
    assert [(a["batch_no"], a["location"]) for a in expiring] == [("SOON", "DEFAULT"), ("LATER", "DEFAULT")]
    assert api.get("/stock-alerts", {"days": -1}).status_code == 422


def test_valuation_at_a_date(api, stock, noodles, make_product):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.receive(water, 20, "19.00", day=SEP)
    stock.issue(noodles, 4, day=OCT)
    stock_period_close(actor=stock.owner, month=SEP)
    body = api.get("/valuation", {"date": "2026-10-31"}).json()
    assert [(i["sku"], _d(i["quantity"]), _d(i["unit_cost"]), _d(i["value"])) for i in body["items"]] == [
        ("KSF-105", 6, Decimal("2.5"), Decimal("15.00")),
        ("NFSQ", 20, Decimal("0.95"), Decimal("19.00")),
    ]
    assert _d(body["total_value"]) == Decimal("34.00") and body["date"] == "2026-10-31"
    assert [i["sku"] for i in api.get("/valuation", {"date": "2026-09-03", "q": "KSF"}).json()["items"]] == ["KSF-105"]
    rows = sheet_rows(api.get("/valuation/export", {"date": "2026-09-30"}).content)
    assert [(r[0], r[-1]) for r in rows[1:]] == [("KSF-105", 25), ("NFSQ", 19)]


def test_product_values_when_costed_per_warehouse(api, owner, stock, noodles, shop):
    company_setup(name="测试公司")
    company_update(actor=owner, data=CompanyData(name="测试公司", cost_per_warehouse=True))
    stock.receive(noodles, 10, "20.00")  # 2.00 in MAIN
    stock.receive(noodles, 10, "30.00", warehouse=shop)  # 3.00 in SHOP
    [row] = api.get("/stock", {"grain": "product"}).json()["items"]
    assert (_d(row["on_hand"]), _d(row["value"]), _d(row["unit_cost"])) == (20, Decimal("50.00"), Decimal("2.5"))
    body = api.get("/stock", {"grain": "product"}).json()
    assert _d(body["totals"]["value"]) == Decimal("50.00")
    valuation = api.get("/valuation").json()["items"]
    assert sorted((i["warehouse_id"], _d(i["value"])) for i in valuation) == [
        (stock.warehouse.pk, Decimal("20.00")),
        (shop.pk, Decimal("30.00")),
    ]


def test_a_limited_user_sees_only_their_warehouses(moved, noodles, shop, make_user, api_for):
    clerk = api_for(make_user("clerk", "purchaser", all_warehouses=False, warehouse_ids=[shop.pk]))
    body = clerk.get("/stock").json()
    assert [(i["warehouse"], _d(i["on_hand"])) for i in body["items"]] == [("门店仓", 4)]
    assert _d(body["totals"]["value"]) == Decimal("10.00")
    assert clerk.get("/stock", {"warehouse_id": moved.warehouse.pk}).json()["items"] == []
    card = clerk.get("/stock-card", {"product_id": noodles.pk, "start": "2026-11-01"}).json()
    assert [r["kind"] for r in card["rows"]] == ["opening", "move", "closing"]
    balance = clerk.get("/stock/balance-at", {"product_id": noodles.pk, "date": "2026-11-30"}).json()
    assert _d(balance["quantity"]) == 4
    valuation = clerk.get("/valuation").json()
    assert [(_d(i["quantity"]), _d(i["value"])) for i in valuation["items"]] == [(4, Decimal("10.00"))]


def test_stock_query_count_does_not_grow(api, stock, make_product):
    stock.receive(make_product(sku="A0"), 5, "10.00")
    api.get("/stock-periods")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert api.get("/stock", {"grain": "product"}).status_code == 200
    for n in range(10):
        stock.receive(make_product(sku=f"B{n}"), 5, "10.00")
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/stock", {"grain": "product"}).json()["items"]) == 11
    assert len(many.captured_queries) == len(few.captured_queries)


def _state():
    return (
        list(StockPeriod.objects.order_by("start").values_list("start", "status")),
        StockSnapshot.objects.count(),
        CostSnapshot.objects.count(),
        audit_count(),
    )


def test_close_and_reopen_periods(api, stock, noodles):
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.issue(noodles, 4, day=OCT)
    assert api.get("/stock-periods").json()["next_to_close"] == "2026-09-01"
    september = api.post("/stock-periods/close", {"month": "2026-09-01"})
    assert september.status_code == 200
    assert (september.json()["month"], september.json()["status"]) == ("2026-09", "closed")
    again = api.post("/stock-periods/close", {"month": "2026-09-15"})  # closing a closed month returns it
    assert again.status_code == 200 and again.json()["id"] == september.json()["id"]
    october = api.post("/stock-periods/close", {"month": "2026-10-01"}).json()
    listed = api.get("/stock-periods").json()
    assert [p["month"] for p in listed["items"]] == ["2026-10", "2026-09"] and listed["next_to_close"] is None
    reopened = api.post(f"/stock-periods/{october['id']}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert not StockSnapshot.objects.filter(period_id=october["id"]).exists()


def test_period_refusals_write_nothing(api, stock, noodles, make_user, api_for):
    admin = api_for(make_user("admin", "admin"))
    accountant = api_for(make_user("accountant", "accountant"))
    sales = api_for(make_user("sales", "sales"))
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.issue(noodles, 4, day=OCT)
    before = _state()
    out_of_order = api.post("/stock-periods/close", {"month": "2026-10-01"})
    assert out_of_order.status_code == 409 and out_of_order.json()["code"] == "period_order"
    not_ended = api.post("/stock-periods/close", {"month": timezone.localdate().isoformat()})
    assert not_ended.status_code == 409 and not_ended.json()["code"] == "period_order"
    assert sales.post("/stock-periods/close", {"month": "2026-09-01"}).status_code == 403
    assert sales.get("/stock-periods").status_code == 403
    assert api.post("/stock-periods/close", {"month": "September"}).status_code == 422
    assert _state() == before
    assert accountant.post("/stock-periods/close", {"month": "2026-09-01"}).status_code == 200
    api.post("/stock-periods/close", {"month": "2026-10-01"})
    september = StockPeriod.objects.get(start=date(2026, 9, 1))
    october = StockPeriod.objects.get(start=date(2026, 10, 1))
    before = _state()
    earlier = api.post(f"/stock-periods/{september.pk}/reopen")
    assert earlier.status_code == 409 and earlier.json()["code"] == "period_order"
    for other in (admin, accountant):
        refused = other.post(f"/stock-periods/{october.pk}/reopen")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api.post("/stock-periods/999999/reopen").status_code == 404
    assert _state() == before
    assert all(status == PeriodStatus.CLOSED for _start, status in before[0])
