"""Sales return pages: against a shipment (its returnable lines offered) or free by scanning, inspection per row,
errors next to their row with nothing lost, hidden prices and costs, reverse with a preview, list, export, print."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.inventory.models import Location, StockMove, StockQuant
from jxc.sales.models import SalesReturn
from tests.helpers import sheet_rows
from tests.sales.conftest import DAY, ship
from tests.sales.test_returns import back, give_back, on_hand, receivable, shipped, stock_value, written

RETURN_PERMS = ("view_salesreturn", "add_salesreturn", "change_salesreturn", "post_salesreturn")


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner: Any) -> Client:
    return _client(owner)


def _form(sell: Any, lines: list[dict[str, Any]], **header: Any) -> dict[str, Any]:
    """POST data of the return form: the header, then one formset row per line dict."""
    data = {
        "customer": sell.customer.pk,
        "warehouse": sell.warehouse.pk,
        "date": DAY.isoformat(),
        "prices_include_tax": "on",
        "reason": "",
        "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
    }
    data.update(header)
    for i, row in enumerate(lines):
        row.setdefault("disposition", "restock")
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def _row(page: str, index: int) -> str:
    start = page.index(f'data-prefix="lines-{index}"')
    return page[start : page.index("</tr>", start)]


def _part(page: str, marker: str, end: str = "</table>") -> str:
    start = page.index(marker)
    return page[start : page.index(end, start)]


@pytest.fixture
def noodles(make_product: Any) -> Any:
    return make_product(sku="NOODLE", name="方便面", wholesale_price=D("3.00"), tax_rate=D(13))


@pytest.fixture
def water(make_product: Any) -> Any:
    return make_product(sku="WATER", name="矿泉水", wholesale_price=D("1.50"), tax_rate=D(13))


@pytest.fixture
def shipment(sell: Any, noodles: Any, water: Any) -> Any:
    """12 包 of noodles at 3.39 (cost 25.20) and 10 of water at 1.50 (cost 10.00) shipped: receivable 55.68."""
    sell.stock(noodles, 40, "2.10")
    sell.stock(water, 20, "1.00")
    return shipped(sell, ship(noodles, 12, "3.39"), ship(water, 10, "1.50"))


def test_the_customers_shipments_are_offered_and_lead_to_their_lines(web, sell, shipment, noodles, english):
    panel = web.get("/sales/returns/shipments/", {"customer": sell.customer.pk}).content.decode()
    assert shipment.number in panel and f"/sales/returns/new/?shipment={shipment.pk}" in panel
    assert "Choose a customer" in web.get("/sales/returns/shipments/").content.decode()
    page = web.get(f"/sales/returns/new/?shipment={shipment.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    table = _part(html, 'id="shipment-lines"')
    noodle_line = shipment.lines.get(product=noodles)
    assert f'data-shipment-line-row="{noodle_line.pk}"' in table and "方便面" in table and "矿泉水" in table
    assert 'name="customer" disabled' in html and 'name="warehouse" disabled' in html
    assert 'id="return-shipment"' in html and shipment.number in html
    rows = web.get(
        "/sales/returns/line/", {"shipment": shipment.pk, "shipment_line": [noodle_line.pk], "index": "0"}
    ).content.decode()
    assert f'name="lines-0-shipment_line" value="{noodle_line.pk}"' in rows
    assert 'name="lines-0-quantity" value="12"' in rows and "12 包 left to return" in rows
    assert 'name="lines-0-disposition"' in rows and 'name="lines-0-DELETE"' in rows


def test_returning_goods_of_a_shipment_with_inspection(web, sell, shipment, noodles, water, warehouse, english):
    quarantine = Location.objects.create(warehouse=warehouse, code="QUAR-01", name="待检区")
    noodle_line, water_line = shipment.lines.get(product=noodles), shipment.lines.get(product=water)
    rows = [
        {"product": noodles.pk, "shipment_line": noodle_line.pk, "unit": noodles.base_unit_id, "quantity": "5"},
        {
            "product": water.pk,
            "shipment_line": water_line.pk,
            "unit": water.base_unit_id,
            "quantity": "2",
            "disposition": "quarantine",
            "location": quarantine.pk,
        },
        {
            "product": water.pk,
            "shipment_line": water_line.pk,
            "unit": water.base_unit_id,
            "quantity": "1",
            "disposition": "scrap",
        },
    ]
    response = web.post(
        f"/sales/returns/new/?shipment={shipment.pk}", _form(sell, rows, reason="包装破损", then="post")
    )
    sales_return = SalesReturn.objects.get()
    assert response.status_code == 302 and response["Location"] == sales_return.get_absolute_url()
    assert sales_return.status == "posted" and sales_return.shipment == shipment
    # 16.95 + 3.00 + 1.50 credited; 10.50 + 2.00 + 1.00 (scrapped) came back
    assert sales_return.total == D("21.45") and sales_return.cost == D("13.50")
    assert receivable(sell.customer) == D("55.68") - D("21.45")
    assert on_hand(noodles) == D(33) and on_hand(water) == D(12)
    assert StockQuant.objects.get(product=water, location=quarantine).on_hand == D(2)
    detail = web.get(sales_return.get_absolute_url()).content.decode()
    assert "包装破损" in detail and shipment.number in detail and "quarantine" in detail and "scrap" in detail
    assert 'id="return-scrapped"' in detail and "1.00" in _part(detail, 'id="return-scrapped"', "</dd>")
    assert 'id="document-moves"' in detail and "other issue" in detail
    assert 'id="document-reverse"' in detail and 'id="document-post"' not in detail


def test_returning_more_than_is_left_is_refused_next_to_the_row(web, sell, shipment, noodles, english):
    noodle_line = shipment.lines.get(product=noodles)
    before = written()
    rows = [
        {
            "product": noodles.pk,
            "shipment_line": noodle_line.pk,
            "unit": noodles.base_unit_id,
            "quantity": "13",
            "notes": "typed",
        }
    ]
    response = web.post(f"/sales/returns/new/?shipment={shipment.pk}", _form(sell, rows, then="post"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "only 12 of shipment" in _row(page, 0) and 'value="typed"' in page
    assert written() == before and on_hand(noodles) == D(28)


def test_quarantine_without_its_location_is_refused_and_the_location_is_suggested(
    web, sell, shipment, noodles, warehouse, english
):
    quarantine = Location.objects.create(warehouse=warehouse, code="Q-1", name="隔离区")
    page = web.get(f"/sales/returns/new/?shipment={shipment.pk}").content.decode()
    assert f'"{warehouse.pk}": {quarantine.pk}' in page and "Q-1" in _part(page, 'id="inspection-help"', "</p>")
    noodle_line = shipment.lines.get(product=noodles)
    rows = [
        {
            "product": noodles.pk,
            "shipment_line": noodle_line.pk,
            "unit": noodles.base_unit_id,
            "quantity": "1",
            "disposition": "quarantine",
        }
    ]
    before = written()
    response = web.post(f"/sales/returns/new/?shipment={shipment.pk}", _form(sell, rows))
    assert response.status_code == 422
    assert "Choose the quarantine location" in _row(response.content.decode(), 0) and written() == before


def test_a_free_return_by_scanning(web, sell, water, english):
    sell.stock(water, 20, "1.00")
    row = web.get("/sales/returns/line/", {"code": "WATER", "index": "0"})
    assert row.status_code == 200
    html = row.content.decode()
    assert 'name="lines-0-quantity" value="1"' in html and "without a shipment" in html
    assert web.get("/sales/returns/line/", {"code": "0000", "index": "0"}).status_code == 404
    assert web.get("/sales/returns/line/", {"code": "WATER"}).status_code == 400
    rows = [{"product": water.pk, "unit": water.base_unit_id, "quantity": "4"}]
    response = web.post("/sales/returns/new/", _form(sell, rows, then="post", reason="试用退回"))
    assert response.status_code == 302
    sales_return = SalesReturn.objects.get()
    assert sales_return.shipment is None and sales_return.total == D("6.00")  # 4 × the wholesale 1.50
    assert sales_return.cost == D("4.00") and on_hand(water) == D(24)
    assert receivable(sell.customer) == D("-6.00")


def test_reverse_a_return_with_its_preview(web, sell, shipment, noodles, english):
    noodle_line = shipment.lines.get(product=noodles)
    sales_return = give_back(
        sell, back(noodles, 5, noodle_line), back(noodles, 1, noodle_line, disposition="scrap"), shipment=shipment
    )
    assert receivable(sell.customer) == D("55.68") - D("20.34")
    blocked = web.get(f"/sales/shipments/{shipment.pk}/reverse/").content.decode()
    assert 'id="reverse-blocked"' in blocked and sales_return.number in blocked
    preview = web.get(f"/sales/returns/{sales_return.pk}/reverse/")
    assert preview.status_code == 200
    page = preview.content.decode()
    table = _part(page, 'id="reverse-preview"')
    assert "-5" in table and "33" in table and "28" in table and "-10.50" in table  # the scrap nets out
    assert "方便面" in _part(page, 'id="reverse-scrapped"')
    box = _part(page, 'id="reverse-receivable"', "</dl>")
    assert "35.34" in box and "55.68" in box
    assert shipment.number in _part(page, 'id="reverse-shipments"')
    response = web.post(f"/sales/returns/{sales_return.pk}/reverse/", {"date": DAY.isoformat()})
    reversal = SalesReturn.objects.get(reversal_of=sales_return)
    assert response.status_code == 302 and response["Location"] == reversal.get_absolute_url()
    sales_return.refresh_from_db()
    noodle_line.refresh_from_db()
    assert sales_return.status == "reversed" and noodle_line.returned_quantity == 0
    assert on_hand(noodles) == D(28) and receivable(sell.customer) == D("55.68")
    assert stock_value(noodles) == D("58.80")
    detail = web.get(sales_return.get_absolute_url()).content.decode()
    assert 'id="reversed-by"' in detail and reversal.number in detail and 'id="document-reverse"' not in detail
    again = web.get(f"/sales/returns/{sales_return.pk}/reverse/")
    assert again.status_code == 302


def test_a_reversal_dated_before_the_return_is_refused(web, sell, shipment, noodles, english):
    sales_return = give_back(sell, back(noodles, 1, shipment.lines.get(product=noodles)), shipment=shipment)
    response = web.post(f"/sales/returns/{sales_return.pk}/reverse/", {"date": "2026-01-01"})
    assert response.status_code == 422 and "cannot be dated before" in response.content.decode()
    assert not SalesReturn.objects.filter(reversal_of=sales_return).exists()


def test_a_keeper_inspects_returns_without_seeing_prices_or_costs(sell, shipment, noodles, make_user, english):
    user = make_user("wh", "warehouse")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="sales", codename__in=RETURN_PERMS))
    keeper = _client(user)
    noodle_line = shipment.lines.get(product=noodles)
    rows = keeper.get(
        "/sales/returns/line/", {"shipment": shipment.pk, "shipment_line": [noodle_line.pk], "index": "0"}
    ).content.decode()
    assert 'name="lines-0-price"' not in rows and 'name="lines-0-disposition"' in rows
    data = _form(sell, [{"product": noodles.pk, "shipment_line": noodle_line.pk, "unit": noodles.base_unit_id}])
    data.update({"lines-0-quantity": "2", "lines-0-price": "0.01", "then": "post"})
    response = keeper.post(f"/sales/returns/new/?shipment={shipment.pk}", data)
    assert response.status_code == 302
    sales_return = SalesReturn.objects.get()
    assert sales_return.status == "posted" and sales_return.lines.get().price == D("3.39")  # the shipment's price
    assert receivable(sell.customer) == D("55.68") - D("6.78")
    detail = keeper.get(sales_return.get_absolute_url()).content.decode()
    assert "6.78" not in detail and "4.20" not in detail and 'id="return-totals"' not in detail
    header, *data_rows = sheet_rows(keeper.get("/sales/returns/", {"export": "xlsx"}).content)
    assert "Total credited" not in header and "Cost returned" not in header
    assert [r[0] for r in data_rows] == [sales_return.number]
    printed = keeper.get(f"/sales/returns/{sales_return.pk}/print/").content.decode()
    assert sales_return.number in printed and 'id="print-total"' not in printed


def test_a_salesperson_sees_prices_but_not_costs(sell, shipment, noodles, make_user, english):
    user = make_user("rep", "sales")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="sales", codename__in=RETURN_PERMS))
    rep = _client(user)
    sales_return = give_back(sell, back(noodles, 2, shipment.lines.get(product=noodles)), shipment=shipment)
    detail = rep.get(sales_return.get_absolute_url()).content.decode()
    assert "6.78" in detail and 'id="return-cost"' not in detail
    header, *_rows = sheet_rows(rep.get(sales_return.get_absolute_url(), {"export": "xlsx"}).content)
    assert "Total" in header and "Cost returned" not in header


def test_no_permission_no_page(sell, make_user, english):
    cashier = _client(make_user("cash", "cashier"))
    assert cashier.get("/sales/returns/").status_code == 403
    assert cashier.get("/sales/returns/new/").status_code == 403


def test_a_return_needs_a_posted_shipment_and_a_draft_can_be_edited_printed_deleted(
    web, sell, shipment, noodles, english
):
    draft_shipment = sell.shipment(ship(noodles, 1, "3.39"))
    response = web.get(f"/sales/returns/new/?shipment={draft_shipment.pk}")
    assert response.status_code == 302 and response["Location"] == draft_shipment.get_absolute_url()
    rows = web.get(
        "/sales/returns/line/",
        {"shipment": draft_shipment.pk, "shipment_line": [draft_shipment.lines.get().pk], "index": "0"},
    )
    assert rows.status_code == 404 and rows.json()["code"] == "not_found"
    assert web.get("/sales/returns/new/?shipment=999999").status_code == 404
    sales_return = give_back(sell, back(noodles, 1, shipment.lines.get(product=noodles)), shipment=shipment, post=False)
    detail = web.get(sales_return.get_absolute_url()).content.decode()
    assert 'id="document-post"' in detail and 'id="document-delete"' in detail and 'id="document-edit"' in detail
    edit = web.get(f"/sales/returns/{sales_return.pk}/edit/").content.decode()
    assert 'name="lines-0-quantity" value="1"' in edit and 'id="shipment-lines"' in edit
    changed = _form(
        sell,
        [
            {
                "product": noodles.pk,
                "shipment_line": shipment.lines.get(product=noodles).pk,
                "unit": noodles.base_unit_id,
                "quantity": "3",
            }
        ],
    )
    assert web.post(f"/sales/returns/{sales_return.pk}/edit/", changed).status_code == 302
    sales_return.refresh_from_db()
    assert sales_return.total == D("10.17") and sales_return.status == "draft"
    printed = web.get(f"/sales/returns/{sales_return.pk}/print/").content.decode()
    assert sales_return.number in printed and shipment.number in printed and "Customer's signature" in printed
    assert "Draft" in printed and "10.17" in printed
    posted = web.post(f"/sales/returns/{sales_return.pk}/post/")
    assert posted.status_code == 302 and SalesReturn.objects.get().status == "posted"
    assert web.get(f"/sales/returns/{sales_return.pk}/edit/").status_code == 302  # not a draft any more
    assert web.post(f"/sales/returns/{sales_return.pk}/delete/").status_code == 422
    other = give_back(sell, back(noodles, 1, shipment.lines.get(product=noodles)), shipment=shipment, post=False)
    deleted = web.post(f"/sales/returns/{other.pk}/delete/")
    assert deleted.status_code == 302 and not SalesReturn.objects.filter(pk=other.pk).exists()
    assert web.get(f"/sales/returns/{other.pk}/delete/").status_code == 405


def test_list_filters_export_and_constant_queries(web, sell, shipment, noodles, water, english):
    first = give_back(sell, back(noodles, 1, shipment.lines.get(product=noodles)), shipment=shipment)
    second = give_back(sell, back(water, 2, disposition="scrap"), post=False, reason="过期")

    def numbers(**query: Any) -> set[str]:
        page = web.get("/sales/returns/", query).content.decode()
        return {n for n in (first.number, second.number) if n in page}

    assert numbers() == {first.number, second.number}
    assert numbers(q="矿泉水") == {second.number}
    assert numbers(q=shipment.number) == {first.number}
    assert numbers(status="posted") == {first.number}
    assert numbers(disposition="scrap") == {second.number}
    assert numbers(customer=sell.customer.pk) == {first.number, second.number}
    header, *rows = sheet_rows(web.get("/sales/returns/", {"status": "posted", "export": "xlsx"}).content)
    assert len(rows) == 1 and rows[0][0] == first.number
    assert rows[0][header.index("Shipment")] == shipment.number
    assert D(str(rows[0][header.index("Total credited")])) == D("3.39")
    assert D(str(rows[0][header.index("Cost returned")])) == D("2.10")
    lines_header, *line_rows = sheet_rows(web.get(first.get_absolute_url(), {"export": "xlsx"}).content)
    assert line_rows[0][lines_header.index("SKU")] == "NOODLE"
    assert line_rows[0][lines_header.index("Inspection")] == "back to stock"

    with CaptureQueriesContext(connection) as few:
        assert web.get("/sales/returns/").status_code == 200
    for _ in range(5):
        give_back(sell, back(water, 1, price="1.50"), post=False)
    with CaptureQueriesContext(connection) as many:
        assert web.get("/sales/returns/").status_code == 200
    assert SalesReturn.objects.count() == 7
    assert len(many.captured_queries) == len(few.captured_queries)
    assert StockMove.objects.filter(posting__source_type="sales.salesreturn").count() == 1
