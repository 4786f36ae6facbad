"""The supplier score on a scripted history, by hand; the suppliers list and page; the API; query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jxc.partners.models import PartnerBalance
from jxc.purchasing.models import PurchaseOrder
from jxc.purchasing.selectors.scores import supplier_score, supplier_scores, supplier_scores_sorted
from jxc.purchasing.services.receipts import ReceiptLineData, purchase_receipt_reverse
from tests.helpers import sheet_rows
from tests.purchasing.conftest import line

TODAY = timezone.localdate()
T = TODAY - timedelta(days=40)  # the history starts 40 days ago


def day(n):
    return T + timedelta(days=n)


@pytest.fixture
def cheaper(make_partner):
    return make_partner("广州粮油批发", is_customer=False, is_supplier=True, supplier_class="B", supplier_rating=3)


@pytest.fixture
def history(buy, make_product, units, cheaper):
    """Supplier A (buy.supplier) and B (cheaper), noodles (箱 = 24 包) and water, all prices without tax at 13 %.

    A, order 1 (promised day 4; water's line day 2): noodles 10 箱 at 48.00, water 100 at 3.00.
      receipt day 3: noodles 10 箱 received, 1 rejected (on time: 3 ≤ 4); water 100 (late: 3 > 2).
    A, order 2 (no promised date): noodles 5 箱 at 48.00, received day 8 (not counted for on time).
    A, no order: water 50 at 3.20 on day 10 (not counted for on time).
    A, order 3 (promised day 38): noodles 2 箱 received day 10, then reversed (left out everywhere).
    B, no order: noodles 240 包 at 1.80 on day 6.

    On time: 1 of 2 counted lines = 50.00 %.
    Quality: accepted 216 + 100 + 120 + 50 = 486 of received 486 + 24 = 510 → 95.29 %.
    Price: noodles A 672.00 / 336 = 2.00 vs lowest (B) 1.80 → 111.11; water only A → 100.
      Weighted by value: (672 × 111.11… + 460 × 100) / 1132 = 106.6. B: 100.0.
    """
    a = buy.supplier
    noodles = make_product(sku="KSF", name="方便面", tax_rate=D(13))
    water = make_product(sku="WAT", name="矿泉水", tax_rate=D(13))
    box = units["箱"].pk
    order1 = buy.approved_order(
        line(noodles, 10, "48.00", unit_id=box),
        line(water, 100, "3.00", expected_date=day(2)),
        date=day(0),
        expected_date=day(4),
    )
    buy.receive(*buy.against(order1, l1=(10, 1)), date=day(3))
    order2 = buy.approved_order(line(noodles, 5, "48.00", unit_id=box), date=day(0))
    buy.receive(*buy.against(order2), date=day(8))
    buy.receive(ReceiptLineData(product_id=water.pk, received_quantity=D(50), price=D("3.20")), date=day(10))
    order3 = buy.approved_order(line(noodles, 2, "48.00", unit_id=box), date=day(0), expected_date=day(38))
    late = buy.receive(*buy.against(order3), date=day(10))
    purchase_receipt_reverse(actor=buy.owner, receipt=late)
    buy.receive(
        ReceiptLineData(product_id=noodles.pk, received_quantity=D(240), price=D("1.80")), supplier=cheaper, date=day(6)
    )
    return {"a": a, "b": cheaper, "noodles": noodles, "water": water}


def test_supplier_score_matches_the_hand_computed_figures(history):
    score = supplier_score(supplier=history["a"], days=60)

    assert (score.on_time.numerator, score.on_time.denominator, score.on_time.pct) == (1, 2, D("50.00"))
    assert (score.quality.numerator, score.quality.denominator, score.quality.pct) == (486, 510, D("95.29"))
    assert score.price_index == D("106.6") and score.price_value == D("1132.00")
    assert score.receipts == 3  # the reversed receipt and its reversal are left out
    assert score.open_orders == 2  # order 1 partly received, order 3 approved again after the reversal
    assert score.payable == PartnerBalance.objects.get(partner=history["a"]).payable == D("1279.16")
    lines = {pl.product.sku: pl for pl in score.price_lines}
    assert (lines["KSF"].average, lines["KSF"].lowest, lines["KSF"].index, lines["KSF"].suppliers) == (
        D("2.000000"),
        D("1.800000"),
        D("111.1"),
        2,
    )
    assert (lines["WAT"].value, lines["WAT"].index, lines["WAT"].suppliers) == (D("460.00"), D("100.0"), 1)


def test_supplier_scores_list_every_supplier_and_sort(history):
    scores = {s.supplier.pk: s for s in supplier_scores(days=60)}
    b = scores[history["b"].pk]

    assert b.price_index == D("100.0") and b.quality.pct == D("100.00") and b.on_time.pct is None
    assert (b.receipts, b.open_orders) == (1, 0)
    ordered, sort = supplier_scores_sorted(list(scores.values()), "-price_index")
    assert sort == "-price_index" and [s.supplier.pk for s in ordered] == [history["a"].pk, history["b"].pk]


def test_the_window_decides_what_counts(history):
    recent = supplier_score(supplier=history["a"], days=35)  # from day 6 on: order 2's receipt and the water
    assert recent.on_time.denominator == 0 and recent.on_time.pct is None
    assert (recent.quality.numerator, recent.quality.denominator) == (170, 170)
    nothing = supplier_score(supplier=history["a"], days=10)
    assert nothing.price_index is None and nothing.quality.pct is None and nothing.receipts == 0


def test_suppliers_list_page_filters_sorts_and_exports(web, history):
    page = web.get("/purchasing/suppliers/", {"days": 60})
    text = page.content.decode()
    assert page.status_code == 200
    assert history["a"].name in text and "106.6" in text and "95.29%" in text and "1/2" in text

    only_b = web.get("/purchasing/suppliers/", {"days": 60, "supplier_class": "B"}).content.decode()
    assert history["b"].name in only_b and history["a"].name not in only_b

    export = web.get("/purchasing/suppliers/", {"days": 60, "sort": "-price_index", "export": "xlsx"})
    rows = sheet_rows(export.content)
    assert [r[1] for r in rows[1:]] == [history["a"].name, history["b"].name]
    assert rows[1][5] == 50 and rows[1][6] == "1/2" and rows[1][9] == 106.6 and rows[1][12] == 1279.16


def test_supplier_page_shows_the_breakdown(web, history):
    page = web.get(f"/purchasing/suppliers/{history['a'].pk}/", {"days": 60})
    text = page.content.decode()
    assert page.status_code == 200
    assert "486/510" in text and "111.1" in text and 'id="edit-partner"' in text
    assert PurchaseOrder.objects.filter(supplier=history["a"]).first().number in text
    assert web.get(f"/purchasing/suppliers/{history['a'].pk + 999}/").status_code == 404


def test_suppliers_list_queries_do_not_grow_with_suppliers(web, make_partner, history):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert web.get("/purchasing/suppliers/", {"days": 60}).status_code == 200
        return len(queries)

    few = count()
    for n in range(8):
        make_partner(f"供应商{n}", is_customer=False, is_supplier=True)
    assert count() == few


def test_supplier_scores_api(api, history):
    listed = api.get("/suppliers/scores", {"days": 60, "sort": "-quality"}).json()
    assert listed["count"] == 2 and listed["items"][0]["supplier_id"] == history["b"].pk
    a = listed["items"][1]
    assert a["on_time"] == {"pct": "50.00", "numerator": "1", "denominator": "2"}
    assert a["price_index"] == "106.6" and "price_lines" not in a

    one = api.get(f"/suppliers/{history['a'].pk}/score", {"days": 60}).json()
    assert one["quality"]["pct"] == "95.29" and len(one["price_lines"]) == 2
    assert one["price_lines"][0]["sku"] == "KSF" and one["price_lines"][0]["lowest"] == "1.800000"

    missing = api.get("/suppliers/999999/score")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
