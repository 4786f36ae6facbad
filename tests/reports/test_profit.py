"""Gross profit through the selector: revenue, cost of goods sold from the stock ledger, profit and margin per
grouping, exact to the cent on the hand-computed trade of conftest.py; reversals net to zero; the cost equals the
lines' cost fields; filters; queries do not grow with rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db.models import Sum

from jxc.reports.selectors.profit import ProfitFilters, gross_profit
from jxc.sales.models import SalesReturnLine, SalesShipmentLine
from tests.reports.conftest import END, START


def table(report: Any) -> dict[str, tuple[D, D, D, D | None]]:
    return {r.label: (r.revenue, r.cogs, r.profit, r.margin) for r in report.rows}


def report(group: str, **filters: Any) -> Any:
    filters.setdefault("start", START)
    filters.setdefault("end", END)
    return gross_profit(group=group, filters=ProfitFilters(**filters))


def test_totals_are_revenue_less_returns_and_cost_from_the_ledger(trade):
    found = report("product")
    assert (found.revenue, found.cogs, found.profit, found.margin) == (D("78.00"), D("47.00"), D("31.00"), D("39.74"))


def test_by_product(trade):
    assert table(report("product")) == {
        "方便面": (D("54.00"), D("32.00"), D("22.00"), D("40.74")),
        "矿泉水": (D("24.00"), D("15.00"), D("9.00"), D("37.50")),
    }
    noodles = report("product").rows[0]
    assert (noodles.sku, noodles.quantity) == ("A-NOODLE", D(16))  # 10 + 4 + 2 + 3 − 3


def test_by_customer(trade):
    found = table(report("customer"))
    walk_in = trade.counter.customer.name
    assert found == {
        "城东惠民超市": (D("38.00"), D("23.00"), D("15.00"), D("39.47")),
        "城西便利店": (D("30.00"), D("20.00"), D("10.00"), D("33.33")),
        walk_in: (D("10.00"), D("4.00"), D("6.00"), D("60.00")),
    }


def test_by_salesperson_the_orders_else_the_customers_else_none(trade):
    found = {r.key: (r.revenue, r.cogs, r.profit, r.margin) for r in report("salesperson").rows}
    assert found == {
        str(trade.alice.pk): (D("38.00"), D("23.00"), D("15.00"), D("39.47")),  # the customer's salesperson
        str(trade.bob.pk): (D("30.00"), D("20.00"), D("10.00"), D("33.33")),  # the order's (the customer has none)
        "none": (D("10.00"), D("4.00"), D("6.00"), D("60.00")),  # the walk-in customer at the counter
    }
    labels = [r.label for r in report("salesperson").rows]
    assert labels[:2] == [str(trade.alice), str(trade.bob)]  # most profit first


def test_by_document_a_reversal_is_a_document_of_its_own(trade):
    found = report("document")
    assert [(r.number, r.date, r.revenue, r.cogs, r.profit, r.margin) for r in found.rows] == [
        (trade.sh1.number, date(2026, 10, 15), D("30.00"), D("20.00"), D("10.00"), D("33.33")),
        (trade.sh2.number, date(2026, 11, 2), D("54.00"), D("33.00"), D("21.00"), D("38.89")),
        (trade.counter.number, date(2026, 11, 3), D("10.00"), D("4.00"), D("6.00"), D("60.00")),
        (trade.sh3.number, date(2026, 11, 4), D("9.00"), D("6.00"), D("3.00"), D("33.33")),
        (trade.rt1.number, date(2026, 11, 5), D("-16.00"), D("-10.00"), D("-6.00"), D("37.50")),
        (trade.sh3_reversal.number, date(2026, 11, 6), D("-9.00"), D("-6.00"), D("-3.00"), D("33.33")),
    ]
    assert [r.reversal for r in found.rows] == [False] * 5 + [True]
    assert found.rows[2].customer == trade.counter.customer.name


def test_by_day_and_month(trade):
    assert table(report("day")) == {
        "2026-10-15": (D("30.00"), D("20.00"), D("10.00"), D("33.33")),
        "2026-11-02": (D("54.00"), D("33.00"), D("21.00"), D("38.89")),
        "2026-11-03": (D("10.00"), D("4.00"), D("6.00"), D("60.00")),
        "2026-11-04": (D("9.00"), D("6.00"), D("3.00"), D("33.33")),
        "2026-11-05": (D("-16.00"), D("-10.00"), D("-6.00"), D("37.50")),
        "2026-11-06": (D("-9.00"), D("-6.00"), D("-3.00"), D("33.33")),
    }
    assert table(report("month")) == {
        "2026-10": (D("30.00"), D("20.00"), D("10.00"), D("33.33")),
        "2026-11": (D("48.00"), D("27.00"), D("21.00"), D("43.75")),
    }
    assert [r.key for r in report("month").rows] == ["2026-10", "2026-11"]


@pytest.mark.parametrize("group", ["document", "product", "customer", "salesperson", "day", "month"])
def test_every_grouping_adds_up_to_the_same_totals(trade, group):
    found = report(group)
    assert (found.revenue, found.cogs, found.profit) == (D("78.00"), D("47.00"), D("31.00"))
    assert sum(r.revenue for r in found.rows) == found.revenue
    assert sum(r.cogs for r in found.rows) == found.cogs


def test_the_cost_from_the_ledger_equals_the_lines_cost_fields(trade):
    """COGS is read from the stock moves of the documents' postings (and their 红冲); it equals Σ shipment line
    costs − Σ return line costs, document by document."""
    shipped = SalesShipmentLine.objects.aggregate(c=Sum("cost"))["c"]
    returned = SalesReturnLine.objects.aggregate(c=Sum("cost"))["c"]
    assert report("product").cogs == shipped - returned == D("47.00")
    for row in report("document").rows:
        lines = SalesShipmentLine if row.document_type == "sales.salesshipment" else SalesReturnLine
        doc = "shipment_id" if lines is SalesShipmentLine else "sales_return_id"
        cost = lines.objects.filter(**{doc: row.document_id}).aggregate(c=Sum("cost"))["c"]
        sign = 1 if lines is SalesShipmentLine else -1
        assert row.cogs == sign * cost, row.number


def test_a_reversed_shipment_nets_to_zero(trade):
    found = report("customer", customer_id=trade.east.pk, start=date(2026, 11, 4), end=date(2026, 11, 4))
    assert (found.revenue, found.cogs) == (D("9.00"), D("6.00"))  # before its reversal: counted
    both = report("document", start=date(2026, 11, 4), end=date(2026, 11, 6), product_id=trade.noodles.pk)
    assert (both.revenue, both.cogs, both.profit) == (D("0.00"), D("0.00"), D("0.00"))
    assert both.margin is None  # no revenue, no margin


def test_filters_narrow_revenue_and_cost_alike(trade):
    water = report("product", product_id=trade.water.pk)
    assert (water.revenue, water.cogs) == (D("24.00"), D("15.00"))
    assert report("product", q="B-WATER").cogs == D("15.00")
    bob = report("customer", salesperson_id=trade.bob.pk)
    assert table(bob) == {"城西便利店": (D("30.00"), D("20.00"), D("10.00"), D("33.33"))}
    alice = report("product", salesperson_id=trade.alice.pk)
    assert (alice.revenue, alice.cogs) == (D("38.00"), D("23.00"))
    east = report("salesperson", customer_id=trade.east.pk)
    assert (east.revenue, east.cogs) == (D("38.00"), D("23.00"))
    november = report("month", start=date(2026, 11, 1))
    assert (november.revenue, november.cogs) == (D("48.00"), D("27.00"))
    assert report("product", warehouse_ids=[trade.warehouse.pk]).cogs == D("47.00")
    assert report("product", warehouse_ids=[]).rows == []


def test_a_scrapped_return_credits_its_cost_and_leaves_the_scrap_out(trade):
    from jxc.sales.choices import Disposition
    from jxc.sales.services.returns import SalesReturnLineData
    from tests.reports.conftest import give_back

    noodle_line = trade.sh2.lines.get(product=trade.noodles)
    give_back(
        trade.owner,
        trade.sh2,
        date(2026, 11, 7),
        SalesReturnLineData(
            product_id=trade.noodles.pk, quantity=D(1), shipment_line_id=noodle_line.pk, disposition=Disposition.SCRAP
        ),
    )
    found = report("product")
    assert (found.revenue, found.cogs) == (D("74.50"), D("45.00"))  # 3.50 and 2.00 back; the scrap is a stock loss


def test_nothing_in_the_range(trade):
    found = report("customer", start=date(2026, 9, 1), end=date(2026, 9, 30))
    assert found.rows == [] and (found.revenue, found.cogs, found.margin) == (0, 0, None)


@pytest.mark.parametrize("group", ["document", "product", "customer", "salesperson", "day", "month"])
def test_queries_do_not_grow_with_rows(trade, group, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        found = report(group)
    assert found.rows
