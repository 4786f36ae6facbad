"""The gross profit page: groupings, totals, drill-down links, filters, Excel export read back, view_cost required,
warehouse scope, and queries that do not grow with rows."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.helpers import sheet_rows
from tests.reports.conftest import line, ship

URL = "/reports/gross-profit/"
RANGE = {"start": "2026-10-01", "end": "2026-11-30"}


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner: Any) -> Client:
    return client_for(owner)


def body_rows(html: str) -> list[list[str]]:
    """The cells of the report table's body rows, tags stripped."""
    tbody = html[html.index("<tbody>") : html.index("</tbody>")]
    rows = re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]


def totals(html: str) -> list[str]:
    foot = html[html.index("data-totals") : html.index("</tfoot>")]
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", foot, re.S)]


def test_the_page_by_customer_with_totals(trade, web, english):
    response = web.get(URL, {"group": "customer", **RANGE})
    assert response.status_code == 200
    html = response.content.decode()
    rows = body_rows(html)
    assert [r[1:] for r in rows] == [
        ["城东惠民超市", "38.00", "23.00", "15.00", "39.47%"],
        ["城西便利店", "30.00", "20.00", "10.00", "33.33%"],
        [trade.counter.customer.name, "10.00", "4.00", "6.00", "60%"],
    ]
    assert totals(html) == ["Total", "", "78.00", "47.00", "31.00", "39.74%"]
    assert 'data-figure="margin">39.74%' in html
    assert f"/inventory/valuation/?date={RANGE['end']}" in html  # valuation at the end of the range


@pytest.mark.parametrize("group", ["document", "product", "customer", "salesperson", "day", "month"])
def test_every_grouping_renders_the_same_totals(trade, web, english, group):
    html = web.get(URL, {"group": group, **RANGE}).content.decode()
    assert totals(html)[-4:] == ["78.00", "47.00", "31.00", "39.74%"]


def test_groups_drill_down(trade, web, english):
    html = web.get(URL, {"group": "month", **RANGE}).content.decode()
    assert "group=day&amp;start=2026-11-01&amp;end=2026-11-30" in html
    html = web.get(URL, {"group": "day", **RANGE}).content.decode()
    assert "group=document&amp;start=2026-11-05&amp;end=2026-11-05" in html
    html = web.get(URL, {"group": "document", **RANGE}).content.decode()
    assert f'href="{trade.sh2.get_absolute_url()}"' in html
    assert f"{trade.sh3_reversal.number}" in html and "(reversal)" in html
    html = web.get(URL, {"group": "document", "product": trade.water.pk, **RANGE}).content.decode()
    assert [r[0] for r in body_rows(html)] == [trade.sh2.number, trade.rt1.number]
    assert totals(html)[-4:] == ["24.00", "15.00", "9.00", "37.5%"]


def test_filters(trade, web, english):
    html = web.get(URL, {"group": "product", "salesperson": trade.bob.pk, **RANGE}).content.decode()
    assert totals(html)[-4:] == ["30.00", "20.00", "10.00", "33.33%"]
    html = web.get(URL, {"group": "product", "customer": trade.east.pk, **RANGE}).content.decode()
    assert totals(html)[-4:] == ["38.00", "23.00", "15.00", "39.47%"]
    html = web.get(URL, {"group": "product", "q": "WATER", "warehouse": trade.warehouse.pk, **RANGE}).content.decode()
    assert totals(html)[-4:] == ["24.00", "15.00", "9.00", "37.5%"]


def test_a_reversed_range_says_so(trade, web, english):
    html = web.get(URL, {"group": "product", "start": "2026-11-30", "end": "2026-10-01"}).content.decode()
    assert "data-range-error" in html and "Nothing was sold in this period." in html


def test_htmx_gets_only_the_results(trade, web):
    response = web.get(URL, {"group": "day", **RANGE}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="profit-results")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="profit-results">') and "<form" not in html


def test_the_excel_export_reads_back_with_totals(trade, web):
    response = web.get(URL, {"group": "product", "export": "xlsx", **RANGE})
    assert response.status_code == 200
    assert "gross-profit-product-20261001-20261130" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert len(rows[0]) == 9  # SKU, name, spec, unit, quantity, revenue, cost, profit, margin
    assert [(r[0], r[1], *(D(str(v)) for v in r[4:])) for r in rows[1:3]] == [
        ("A-NOODLE", "方便面", D(16), D(54), D(32), D(22), D("40.74")),
        ("B-WATER", "矿泉水", D(3), D(24), D(15), D(9), D("37.5")),
    ]
    last = rows[-1]
    assert last[0] and [D(str(v)) for v in last[4:]] == [D(19), D(78), D(47), D(31), D("39.74")]


def test_view_cost_is_required(trade, make_user):
    salesperson = client_for(make_user("sam", "sales"))
    assert salesperson.get(URL).status_code == 403
    assert salesperson.get(URL, {"export": "xlsx"}).status_code == 403
    accountant = client_for(make_user("amy", "accountant"))
    assert accountant.get(URL, RANGE).status_code == 200
    purchaser = client_for(make_user("pat", "purchaser"))  # sees purchase prices and costs
    assert purchaser.get(URL, RANGE).status_code == 200


def test_a_user_sees_only_the_warehouses_they_may(trade, make_user, make_warehouse, english):
    elsewhere = make_warehouse("EAST", "东仓")
    scoped = client_for(make_user("ken", "accountant", all_warehouses=False, warehouse_ids=[elsewhere.pk]))
    html = scoped.get(URL, {"group": "product", **RANGE}).content.decode()
    assert "Nothing was sold in this period." in html
    html = scoped.get(URL, {"group": "product", "warehouse": trade.warehouse.pk, **RANGE}).content.decode()
    assert "Nothing was sold in this period." in html  # a warehouse they may not see is ignored, not shown


@pytest.mark.parametrize("group", ["document", "product", "customer", "salesperson", "day", "month"])
def test_queries_do_not_grow_with_rows(trade, web, make_partner, make_product, group):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get(URL, {"group": group, **RANGE}).status_code == 200
        return len(queries)

    before = count()
    for n in range(3):
        customer = make_partner(f"新客户{n}")
        ship(trade.owner, trade.warehouse, customer, date(2026, 11, 10 + n), line(trade.noodles, 1, "4.00"))
    assert count() == before


def test_a_product_filter_shows_and_can_be_cleared(trade, web, english):
    html = web.get(URL, {"group": "document", "product": trade.water.pk, **RANGE}).content.decode()
    chip = html[html.index("data-product-filter") :]
    chip = chip[: chip.index("</span>")]
    assert "B-WATER 矿泉水" in chip and "product=" not in chip.split('href="')[1].split('"')[0]
