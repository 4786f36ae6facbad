"""The gross profit API: groupings with their details, totals, paging, validation, view_cost required, export."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.helpers import sheet_rows

RANGE = {"start": "2026-10-01", "end": "2026-11-30"}


def test_by_product_with_totals(trade, api):
    response = api.get("/reports/gross-profit", {"group": "product", **RANGE})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["group"] == "product" and body["count"] == 2
    assert body["totals"] == {"revenue": "78.00", "cogs": "47.00", "profit": "31.00", "margin": "39.74"}
    first = body["items"][0]
    assert (first["sku"], first["product_id"], first["quantity"]) == ("A-NOODLE", trade.noodles.pk, "16.000000")
    assert (first["revenue"], first["cogs"], first["profit"], first["margin"]) == ("54.00", "32.00", "22.00", "40.74")


def test_by_document_names_each_document(trade, api):
    body = api.get("/reports/gross-profit", {"group": "document", **RANGE}).json()
    last = body["items"][-1]
    assert last["number"] == trade.sh3_reversal.number and last["reversal"] is True
    assert last["document_type"] == "sales.salesshipment" and last["document_id"] == trade.sh3_reversal.pk
    assert (last["revenue"], last["cogs"], last["date"]) == ("-9.00", "-6.00", "2026-11-06")
    returned = next(i for i in body["items"] if i["number"] == trade.rt1.number)
    assert returned["document_type"] == "sales.salesreturn" and returned["margin"] == "37.50"


def test_by_salesperson_and_filters(trade, api):
    body = api.get("/reports/gross-profit", {"group": "salesperson", **RANGE}).json()
    by_key = {i["key"]: (i["revenue"], i["cogs"]) for i in body["items"]}
    assert by_key == {
        str(trade.alice.pk): ("38.00", "23.00"),
        str(trade.bob.pk): ("30.00", "20.00"),
        "none": ("10.00", "4.00"),
    }
    body = api.get("/reports/gross-profit", {"group": "month", "customer_id": trade.east.pk, **RANGE}).json()
    assert [(i["key"], i["revenue"], i["margin"]) for i in body["items"]] == [("2026-11", "38.00", "39.47")]
    body = api.get("/reports/gross-profit", {"group": "day", "product_id": trade.water.pk, **RANGE}).json()
    assert body["totals"]["revenue"] == "24.00"
    body = api.get("/reports/gross-profit", {"group": "day", "warehouse_id": trade.warehouse.pk, **RANGE}).json()
    assert body["totals"]["cogs"] == "47.00"


def test_paging(trade, api):
    body = api.get("/reports/gross-profit", {"group": "day", "page": 2, "page_size": 4, **RANGE}).json()
    assert body["count"] == 6 and [i["key"] for i in body["items"]] == ["2026-11-05", "2026-11-06"]


def test_no_revenue_no_margin(trade, api):
    body = api.get("/reports/gross-profit", {"group": "product", "start": "2026-09-01", "end": "2026-09-30"}).json()
    assert body["items"] == [] and body["totals"] == {"revenue": "0", "cogs": "0", "profit": "0", "margin": None}


@pytest.mark.parametrize(
    "params", [{"group": "week"}, {"start": "2026-11-30", "end": "2026-11-01"}, {"start": "yesterday"}]
)
def test_invalid_input_is_422(trade, api, params):
    response = api.get("/reports/gross-profit", params)
    assert response.status_code == 422
    assert set(response.json()) == {"code", "message", "data"} or "detail" in response.json()


def test_view_cost_is_required(trade, api_for, make_user):
    salesperson = api_for(make_user("sam", "sales"))
    for path in ("/reports/gross-profit", "/reports/gross-profit/export"):
        response = salesperson.get(path, RANGE)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert api_for(make_user("amy", "accountant")).get("/reports/gross-profit", RANGE).status_code == 200


def test_export(trade, api):
    response = api.get("/reports/gross-profit/export", {"group": "customer", **RANGE})
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert len(rows) == 1 + 3 + 1  # header, three customers, totals
    assert [D(str(v)) for v in rows[-1][2:]] == [D(78), D(47), D(31), D("39.74")]


def test_queries_do_not_grow_with_rows(trade, api, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert api.get("/reports/gross-profit", {"group": "document", **RANGE}).status_code == 200
