"""Stock pages: overview at every grain, stock card, balance at a date, alerts and the home widget, valuation,
stock periods; cost columns absent without view_cost; warehouse scope; query counts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jxc.accounts.models import AuditEntry
from jxc.inventory.choices import PeriodStatus
from jxc.inventory.models import CostSnapshot, StockPeriod, StockSnapshot
from jxc.inventory.services.periods import stock_period_close
from jxc.inventory.views.stock import alerts_context
from tests.conftest import audit_count
from tests.helpers import sheet_rows
from tests.inventory.conftest import DAY

SEP, OCT = date(2026, 9, 3), date(2026, 10, 8)


class _Table(HTMLParser):
    """The columns (th data-column), body rows and totals row of one table, as text, with each row's links."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.depth = 0
        self.section = ""
        self.columns: list[str] = []
        self.rows: list[list[str]] = []
        self.links: list[list[str]] = []
        self.totals: list[str] | None = None
        self._row: list[str] | None = None
        self._row_links: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table" and (self.depth or a.get("id") == self.table_id):
            self.depth += 1
        if not self.depth:
            return
        if tag in {"thead", "tbody", "tfoot"}:
            self.section = tag
        elif tag == "th" and self.section == "thead":
            self.columns.append(a.get("data-column") or "")
        elif tag == "tr":
            self._row, self._row_links = [], []
        elif tag == "td":
            self._cell = []
        elif tag == "a" and self._row is not None:
            self._row_links.append(a.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self.section == "tbody" and self._row:
                self.rows.append(self._row)
                self.links.append(self._row_links)
            elif self.section == "tfoot":
                self.totals = self._row
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table(html: str, table_id: str = "stock-table") -> _Table:
    parsed = _Table(table_id)
    parsed.feed(html)
    assert parsed.columns, f"no table #{table_id}"
    return parsed


def records(html: str, table_id: str = "stock-table") -> list[dict[str, str]]:
    parsed = table(html, table_id)
    return [dict(zip(parsed.columns, row, strict=False)) for row in parsed.rows if len(row) == len(parsed.columns)]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def shop(make_warehouse):
    return make_warehouse("SHOP", "门店仓")


@pytest.fixture
def milk(make_product):
    return make_product(sku="MILK", name="纯牛奶", track_lots=True)


@pytest.fixture
def moved(stock, noodles, milk, shop):
    """Noodles: 10 + 5 into MAIN, 4 into SHOP, 3 issued, 2 moved A-02 → A-01 (average cost 2.50);
    milk: two lots in MAIN A-01 (average cost 3.00)."""
    stock.receive(noodles, 10, "25.00", location="A-01")
    stock.receive(noodles, 5, "12.50", location="A-02")
    stock.receive(noodles, 4, "10.00", warehouse=shop)
    stock.issue(noodles, 3, location="A-01")
    stock.transfer(noodles, 2, source="A-02", target="A-01")
    far = timezone.localdate() + timedelta(days=400)
    stock.receive(milk, 6, "18.00", location="A-01", batch="B1", expiry=far)
    stock.receive(milk, 4, "12.00", location="A-01", batch="B2", expiry=far + timedelta(days=30))
    return stock


def test_overview_by_product_and_warehouse_with_totals(web, moved, noodles):
    page = web.get("/inventory/stock/").content.decode()
    rows = [(r["sku"], r["warehouse"], r["on_hand"], r["available"], r["value"]) for r in records(page)]
    assert rows == [
        ("KSF-105", "总仓", "12", "12", "30.00"),
        ("KSF-105", "门店仓", "4", "4", "10.00"),
        ("MILK", "总仓", "10", "10", "30.00"),
    ]
    parsed = table(page)
    totals = dict(zip(parsed.columns, parsed.totals or [], strict=True))
    assert (totals["on_hand"], totals["available"], totals["value"]) == ("26", "26", "70.00")
    # the product links to its stock card in that warehouse
    assert parsed.links[0] == [f"/inventory/stock-card/?product={noodles.pk}&warehouse={moved.warehouse.pk}"]


def test_overview_by_product_location_and_lot(web, moved, noodles, milk):
    by_product = records(web.get("/inventory/stock/", {"grain": "product"}).content.decode())
    assert [(r["sku"], r["on_hand"], r["value"]) for r in by_product] == [
        ("KSF-105", "16", "40.00"),
        ("MILK", "10", "30.00"),
    ]
    assert "warehouse" not in by_product[0]
    by_location = records(web.get("/inventory/stock/", {"grain": "location"}).content.decode())
    assert [(r["sku"], r["warehouse"], r["location"], r["on_hand"], r["value"]) for r in by_location] == [
        ("KSF-105", "总仓", "A-01", "9", "22.50"),
        ("KSF-105", "总仓", "A-02", "3", "7.50"),
        ("KSF-105", "门店仓", "DEFAULT", "4", "10.00"),
        ("MILK", "总仓", "A-01", "10", "30.00"),  # both lots on one line
    ]
    assert "reserved" not in by_location[0] and "batch_no" not in by_location[0]
    by_lot = records(web.get("/inventory/stock/", {"grain": "lot", "q": "MILK"}).content.decode())
    assert [(r["batch_no"], r["location"], r["on_hand"], r["value"]) for r in by_lot] == [
        ("B1", "A-01", "6", "18.00"),
        ("B2", "A-01", "4", "12.00"),
    ]


def test_overview_filters_search_and_zero_toggle(web, moved, noodles, shop):
    barcode = noodles.barcodes.first().code
    for q in (barcode, "ksf", "KSFHSNRM", "牛肉"):
        found = records(web.get("/inventory/stock/", {"q": q, "grain": "product"}).content.decode())
        assert [(r["sku"], r["on_hand"]) for r in found] == [("KSF-105", "16")], q
    in_shop = records(web.get("/inventory/stock/", {"warehouse": shop.pk}).content.decode())
    assert [(r["sku"], r["on_hand"]) for r in in_shop] == [("KSF-105", "4")]
    moved.issue(noodles, 4, warehouse=shop)
    assert records(web.get("/inventory/stock/", {"warehouse": shop.pk}).content.decode()) == []
    with_zero = records(web.get("/inventory/stock/", {"warehouse": shop.pk, "zero": "on"}).content.decode())
    assert [(r["sku"], r["on_hand"]) for r in with_zero] == [("KSF-105", "0")]


def test_htmx_filtering_returns_only_the_results(web, moved):
    response = web.get("/inventory/stock/", {"q": "MILK"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="stock-results")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and 'id="stock-results"' in html
    assert [r["sku"] for r in records(html)] == ["MILK"]


def test_overview_excel_has_the_screen_columns_and_exactly_the_filtered_rows(web, moved, english):
    response = web.get(
        "/inventory/stock/", {"grain": "location", "q": "KSF", "export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    header, *rows = sheet_rows(response.content)
    assert header == ("SKU", "Name", "Specification", "Unit", "Warehouse", "Location", "On hand", "Unit cost", "Value")
    assert [(r[0], r[5], r[6], r[8]) for r in rows] == [
        ("KSF-105", "A-01", 9, 22.5),
        ("KSF-105", "A-02", 3, 7.5),
        ("KSF-105", "DEFAULT", 4, 10),
    ]
    screen = table(web.get("/inventory/stock/", {"grain": "location"}).content.decode()).columns
    assert screen == ["sku", "name", "spec", "unit", "warehouse", "location", "on_hand", "unit_cost", "value"]


def test_a_salesperson_sees_no_cost_on_the_page_or_in_excel(moved, make_user, english):
    client = _client(make_user("sales", "sales"))
    for grain in ("product", "warehouse", "location", "lot"):
        page = client.get("/inventory/stock/", {"grain": grain}).content.decode()
        parsed = table(page)
        assert "unit_cost" not in parsed.columns and "value" not in parsed.columns, grain
        assert "30.00" not in page and "70.00" not in page
        assert parsed.rows and len(parsed.totals or []) == len(parsed.columns)
    header, *_rows = sheet_rows(client.get("/inventory/stock/", {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en").content)
    assert "Unit cost" not in header and "Value" not in header and "On hand" in header
    card = client.get("/inventory/stock-card/", {"q": "KSF-105", "start": "2026-11-01", "end": "2026-11-30"})
    assert not {"unit_cost", "value", "value_balance"} & set(table(card.content.decode(), "card-table").columns)
    export = client.get("/inventory/stock-card/", {"q": "KSF-105", "export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Value balance" not in sheet_rows(export.content)[0]


def test_overview_query_count_does_not_grow_with_rows(web, stock, make_product, shop):
    for n in range(2):
        stock.receive(make_product(sku=f"A{n}"), 5, "10.00")
    counts = {}
    for grain in ("product", "warehouse", "location", "lot"):
        with CaptureQueriesContext(connection) as few:
            assert web.get("/inventory/stock/", {"grain": grain}).status_code == 200
        counts[grain] = len(few.captured_queries)
    for n in range(12):
        product = make_product(sku=f"B{n:02d}")
        stock.receive(product, 5, "10.00")
        stock.receive(product, 1, "2.00", warehouse=shop)
    for grain, before in counts.items():
        with CaptureQueriesContext(connection) as many:
            page = web.get("/inventory/stock/", {"grain": grain}).content.decode()
        assert len(records(page)) >= 14
        assert len(many.captured_queries) == before, grain


def test_a_limited_user_sees_only_their_warehouses(moved, noodles, make_user, shop):
    clerk = _client(make_user("clerk", "warehouse", all_warehouses=False, warehouse_ids=[shop.pk]))
    rows = records(clerk.get("/inventory/stock/").content.decode())
    assert [(r["sku"], r["warehouse"], r["on_hand"]) for r in rows] == [("KSF-105", "门店仓", "4")]
    other = records(clerk.get("/inventory/stock/", {"warehouse": moved.warehouse.pk}).content.decode())
    assert [r["warehouse"] for r in other] == ["门店仓"]  # a warehouse the clerk may not see is ignored
    assert [r["on_hand"] for r in records(clerk.get("/inventory/stock/", {"grain": "product"}).content.decode())] == [
        "4"
    ]
    card = clerk.get("/inventory/stock-card/", {"product": noodles.pk, "start": "2026-11-01", "end": "2026-11-30"})
    lines = records(card.content.decode(), "card-table")
    assert [line["balance"] for line in lines] == ["0", "4", "4"]  # opening, the shop's one receipt, closing
    _header, *excel = sheet_rows(clerk.get("/inventory/stock/", {"export": "xlsx"}).content)
    assert len(excel) == 1


def test_stock_card_opening_running_closing_and_document_links(web, stock, noodles, english):
    stock.receive(noodles, 10, "25.00", day=DAY)
    issue = stock.issue(noodles, 3, day=DAY + timedelta(days=1))
    receipt = stock.receive(noodles, 5, "15.00", day=DAY + timedelta(days=2))
    stock.issue(noodles, 2, day=DAY + timedelta(days=5))
    query = {"product": noodles.pk, "start": DAY + timedelta(days=1), "end": DAY + timedelta(days=2)}
    page = web.get("/inventory/stock-card/", query).content.decode()
    parsed = table(page, "card-table")
    lines = records(page, "card-table")
    assert [(x["number"], x["quantity_in"], x["quantity_out"], x["balance"], x["value_balance"]) for x in lines] == [
        ("", "", "", "10", "25.00"),
        (issue.number, "", "3", "7", "17.50"),
        (receipt.number, "5", "", "12", "32.50"),
        ("", "5", "3", "12", "32.50"),
    ]
    assert [x["unit_cost"] for x in lines[1:3]] == ["2.50", "2.708333"]
    assert parsed.links[1] == [reverse("inventory:document_detail", args=[issue.pk])]
    assert parsed.links[2] == [receipt.get_absolute_url()]
    assert parsed.links[0] == parsed.links[3] == []
    export = web.get("/inventory/stock-card/", {**query, "export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    header, *rows = sheet_rows(export.content)
    assert header[:7] == ("Date", "Number", "Kind", "Place", "In", "Out", "Balance")
    assert [(r[1], r[2], r[6], r[9]) for r in rows] == [
        (None, "Opening balance", 10, 25),
        (issue.number, "other issue", 7, 17.5),
        (receipt.number, "opening stock", 12, 32.5),
        (None, "Closing balance", 12, 32.5),
    ]


def test_stock_card_page_brings_the_balance_forward_and_carries_it_on(web, stock, noodles, english, monkeypatch):
    monkeypatch.setattr("jxc.inventory.views.stock.CARD_PAGE_SIZE", 2)
    stock.receive(noodles, 10, "25.00", day=DAY)
    for offset in range(1, 6):
        stock.issue(noodles, 1, day=DAY + timedelta(days=offset))
    query = {"product": noodles.pk, "start": DAY, "end": DAY + timedelta(days=9)}

    def page(number: int) -> str:
        return web.get("/inventory/stock-card/", {**query, "page": number}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    first, middle, last = (records(page(n), "card-table") for n in (1, 2, 3))
    assert [(x["move_kind"], x["balance"]) for x in first] == [
        ("Opening balance", "0"),
        ("opening stock", "10"),
        ("other issue", "9"),
        ("Carried forward", "9"),
    ]
    assert [(x["move_kind"], x["balance"]) for x in middle] == [
        ("Brought forward", "9"),
        ("other issue", "8"),
        ("other issue", "7"),
        ("Carried forward", "7"),
    ]
    assert [(x["move_kind"], x["balance"], x["quantity_out"]) for x in last] == [
        ("Brought forward", "7", ""),
        ("other issue", "6", "1"),
        ("other issue", "5", "1"),
        ("Closing balance", "5", "5"),
    ]
    assert 'class="pagination"' in page(2) and "3–4 of 6" in page(2)
    # the export keeps every move
    export = web.get("/inventory/stock-card/", {**query, "export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(sheet_rows(export.content)) == 1 + 1 + 6 + 1


def test_stock_card_finds_the_product_by_barcode_name_or_lists_candidates(web, stock, noodles, make_product):
    make_product(sku="KSF-200", name="康师傅香辣牛肉面")
    stock.receive(noodles, 10, "25.00")
    barcode = noodles.barcodes.first().code
    by_barcode = web.get("/inventory/stock-card/", {"q": barcode, "start": "2026-11-01", "end": "2026-11-30"})
    assert records(by_barcode.content.decode(), "card-table")[-1]["balance"] == "10"
    several = web.get("/inventory/stock-card/", {"q": "康师傅"}).content.decode()
    assert 'id="card-candidates"' in several and "KSF-200" in several and 'id="card-table"' not in several
    default_range = web.get("/inventory/stock-card/", {"product": noodles.pk}).content.decode()
    assert f'value="{timezone.localdate().replace(day=1).isoformat()}"' in default_range


def test_balance_at_a_past_date_across_a_closed_period(web, stock, noodles):
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.issue(noodles, 4, day=OCT)
    stock_period_close(actor=stock.owner, month=SEP)
    url = "/inventory/stock-card/"
    box = web.get(url, {"product": noodles.pk, "at": "2026-10-31"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="balance-at")
    html = box.content.decode()
    assert "<html" not in html and "6 包" in html and "15.00" in html
    html = web.get(url, {"product": noodles.pk, "at": "2026-09-30"}).content.decode()
    assert "10 包" in html and "25.00" in html
    # the card of October opens with the snapshot of September
    lines = records(
        web.get(url, {"product": noodles.pk, "start": "2026-10-01", "end": "2026-10-31"}).content.decode(), "card-table"
    )
    assert [(x["balance"], x["value_balance"]) for x in lines] == [("10", "25.00"), ("6", "15.00"), ("6", "15.00")]


@pytest.fixture
def alerting(stock, make_product):
    today = timezone.localdate()
    low = make_product(sku="LOW", name="低库存", min_stock=Decimal(10))
    high = make_product(sku="HIGH", name="高库存", max_stock=Decimal(5))
    milk = make_product(sku="MILK", name="牛奶", track_lots=True)
    stock.receive(low, 3, "3")
    stock.receive(high, 8, "8")
    stock.receive(milk, 2, "4", batch="SOON", expiry=today + timedelta(days=5))
    stock.receive(milk, 2, "4", batch="GONE", expiry=today - timedelta(days=1))
    stock.receive(milk, 2, "4", batch="LATER", expiry=today + timedelta(days=90))
    return stock


def test_alerts_page_tabs_days_and_export(web, alerting, english):
    page = web.get("/inventory/alerts/").content.decode()
    assert [(r["sku"], r["quantity"], r["limit"], r["short"]) for r in records(page, "alert-table")] == [
        ("LOW", "3", "10", "7")
    ]
    high = records(web.get("/inventory/alerts/", {"kind": "above_max"}).content.decode(), "alert-table")
    assert [(r["sku"], r["excess"]) for r in high] == [("HIGH", "3")]
    soon = records(web.get("/inventory/alerts/", {"kind": "expiring"}).content.decode(), "alert-table")
    assert [(r["batch_no"], r["days"], r["place"]) for r in soon] == [("SOON", "5", "总仓 DEFAULT")]
    within_100 = records(
        web.get("/inventory/alerts/", {"kind": "expiring", "days": 100}).content.decode(), "alert-table"
    )
    assert [r["batch_no"] for r in within_100] == ["SOON", "LATER"]
    gone = records(web.get("/inventory/alerts/", {"kind": "expired"}).content.decode(), "alert-table")
    assert [(r["batch_no"], r["days"]) for r in gone] == [("GONE", "1")]
    page = web.get("/inventory/alerts/", {"kind": "expiring", "days": 100}).content.decode()
    assert 'data-tab="expiring"' in page and ">2</span>" in page
    export = web.get(
        "/inventory/alerts/", {"kind": "expiring", "days": 100, "export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    header, *rows = sheet_rows(export.content)
    assert header == ("SKU", "Name", "Unit", "Batch no.", "Expiry date", "Days left", "Place", "Quantity")
    assert [r[3] for r in rows] == ["SOON", "LATER"]


def test_the_home_widget_counts_alerts_and_shows_the_most_urgent(alerting, make_user):
    context = alerts_context(alerting.owner)["stock_alerts"]
    assert {k["kind"]: k["count"] for k in context["kinds"]} == {
        "below_min": 1,
        "above_max": 1,
        "expiring": 1,
        "expired": 1,
    }
    assert [item["alert"].kind for item in context["top"]] == ["expired", "expiring", "below_min", "above_max"]
    html = render_to_string("inventory/alerts_widget.html", alerts_context(alerting.owner))
    assert 'id="stock-alerts-widget"' in html and "/inventory/alerts/?kind=expired" in html and "GONE" in html
    assert alerts_context(make_user("nobody")) == {}


def test_valuation_needs_view_cost(moved, make_user):
    for role in ("sales", "warehouse"):
        assert _client(make_user(role, role)).get("/inventory/valuation/").status_code == 403


def test_valuation_at_today_and_at_a_past_date(web, stock, noodles, make_product, english):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.receive(water, 20, "19.00", day=SEP)
    stock.issue(noodles, 4, day=OCT)
    stock_period_close(actor=stock.owner, month=SEP)
    page = web.get("/inventory/valuation/").content.decode()
    rows = [(r["sku"], r["quantity"], r["unit_cost"], r["value"]) for r in records(page, "valuation-table")]
    assert rows == [("KSF-105", "6", "2.50", "15.00"), ("NFSQ", "20", "0.95", "19.00")]
    parsed = table(page, "valuation-table")
    assert dict(zip(parsed.columns, parsed.totals or [], strict=True))["value"] == "34.00"
    past = records(web.get("/inventory/valuation/", {"date": "2026-09-30"}).content.decode(), "valuation-table")
    assert [(r["sku"], r["value"]) for r in past] == [("KSF-105", "25.00"), ("NFSQ", "19.00")]
    _header, *excel = sheet_rows(web.get("/inventory/valuation/", {"date": "2026-09-30", "export": "xlsx"}).content)
    assert [(r[0], r[-1]) for r in excel] == [("KSF-105", 25), ("NFSQ", 19)]


def test_valuation_of_a_limited_user_covers_their_warehouses_only(stock, noodles, shop, make_user):
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.receive(noodles, 4, "12.00", warehouse=shop, day=SEP)
    stock_period_close(actor=stock.owner, month=SEP)
    stock.issue(noodles, 1, warehouse=shop, day=OCT)
    buyer = _client(make_user("buyer", "purchaser", all_warehouses=False, warehouse_ids=[shop.pk]))
    rows = records(buyer.get("/inventory/valuation/", {"date": "2026-10-31"}).content.decode(), "valuation-table")
    # September's company-wide cost 37.00 / 14: the shop's 4 are worth 10.57; one left in October at 2.64
    assert [(r["quantity"], r["value"]) for r in rows] == [("3", "7.93")]


def _close(client: Client, month: str) -> Any:
    return client.post(reverse("inventory:period_close"), {"month": month}, follow=True, HTTP_ACCEPT_LANGUAGE="en")


def test_close_and_reopen_periods_through_the_page(web, stock, noodles):
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.issue(noodles, 4, day=OCT)
    page = web.get("/inventory/periods/").content.decode()
    assert 'id="period-explained"' in page and 'value="2026-09-01"' in page
    response = _close(web, "2026-09-01")
    assert response.status_code == 200
    assert StockPeriod.objects.get(start=date(2026, 9, 1)).status == PeriodStatus.CLOSED
    assert StockSnapshot.objects.filter(period__start=date(2026, 9, 1)).get().quantity == 10
    page = response.content.decode()
    assert 'value="2026-10-01"' in page  # the next month to close
    _close(web, "2026-10-01")
    october = StockPeriod.objects.get(start=date(2026, 10, 1))
    page = web.get("/inventory/periods/").content.decode()
    assert reverse("inventory:period_reopen", args=[october.pk]) in page  # only the latest can be reopened
    september = StockPeriod.objects.get(start=date(2026, 9, 1))
    assert reverse("inventory:period_reopen", args=[september.pk]) not in page
    header, *rows = sheet_rows(web.get("/inventory/periods/", {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en").content)
    assert header[:4] == ("Month", "From", "To", "Status") and [(r[0], r[3]) for r in rows] == [
        ("2026-10", "closed"),
        ("2026-09", "closed"),
    ]
    web.post(reverse("inventory:period_reopen", args=[october.pk]))
    october.refresh_from_db()
    assert october.status == PeriodStatus.OPEN and not october.stock_snapshots.exists()


def test_period_refusals_through_the_page_write_nothing(web, stock, noodles, make_user):
    others = [_client(make_user(role, role)) for role in ("admin", "accountant")]
    salesperson = _client(make_user("sales", "sales"))
    stock.receive(noodles, 10, "25.00", day=SEP)
    stock.issue(noodles, 4, day=OCT)
    before = (StockPeriod.objects.count(), StockSnapshot.objects.count(), audit_count())
    response = _close(web, "2026-10-01")  # September first
    assert "Close 2026-09 first." in response.content.decode()
    assert (StockPeriod.objects.count(), StockSnapshot.objects.count(), audit_count()) == before
    today = timezone.localdate()
    assert "has not ended yet" in _close(web, today.isoformat()).content.decode()
    assert StockPeriod.objects.count() == before[0]
    _close(web, "2026-09-01")
    _close(web, "2026-10-01")
    september = StockPeriod.objects.get(start=date(2026, 9, 1))
    state = (
        list(StockPeriod.objects.values_list("status", flat=True).order_by("start")),
        StockSnapshot.objects.count(),
        CostSnapshot.objects.count(),
        AuditEntry.objects.count(),
    )
    url = reverse("inventory:period_reopen", args=[september.pk])
    response = web.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Reopen the later periods first." in response.content.decode()
    for other in others:
        assert other.post(reverse("inventory:period_reopen", args=[september.pk])).status_code == 403
        page = other.get("/inventory/periods/").content.decode()
        assert "/reopen/" not in page
    assert salesperson.post(reverse("inventory:period_close"), {"month": "2026-10-01"}).status_code == 403
    after = (
        list(StockPeriod.objects.values_list("status", flat=True).order_by("start")),
        StockSnapshot.objects.count(),
        CostSnapshot.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == state
