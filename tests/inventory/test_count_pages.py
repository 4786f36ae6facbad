"""Stock count pages (盘点): start a count, scan and type, submit, review the differences, approve, post, reverse."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.catalog.services.taxonomy import CategoryData, category_save
from jxc.inventory.choices import CountStatus
from jxc.inventory.models import StockCount, StockCountLine, StockMove
from jxc.inventory.services.counts import stock_count_create
from jxc.inventory.services.periods import stock_period_close
from tests.helpers import sheet_rows
from tests.inventory.conftest import DAY

HTMX_SCAN = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "scan-status"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(count: StockCount, action: str = "") -> str:
    return f"/inventory/counts/{count.pk}/" + (f"{action}/" if action else "")


def barcode(product: Any, unit: str) -> str:
    """The product's barcode for a unit (包: one pack, 箱: a box of 24)."""
    return product.barcodes.get(unit__name=unit).code


def scan(client: Client, count: StockCount, code: str, location: Any, **extra: Any) -> Any:
    """What a scanner does: type the code into the scan field and press Enter (htmx posts the form)."""
    data = {"location": location.pk, "code": code, "quantity": ""}
    return client.post(url(count, "scan"), data, **{**HTMX_SCAN, **extra})


def written() -> tuple[Any, ...]:
    """Everything a count could write: sheets, lines and their counts, audit entries, stock moves."""
    lines = list(StockCountLine.objects.order_by("pk").values_list("pk", "counted_quantity", "counted_by"))
    return StockCount.objects.count(), lines, AuditEntry.objects.count(), StockMove.objects.count()


def test_a_count_through_the_pages_from_scan_to_posting(stock, noodles, make_product, make_user):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 30, "75.00", location="A-01")  # 2.50 a pack
    stock.receive(water, 20, "19.00", location="A-01")  # 0.95 a bottle
    a01, a02 = stock.location("A-01"), stock.location("A-02")
    keeper = login(make_user("keeper", "warehouse"))
    manager = login(make_user("manager", "accountant"))

    # given a new count of the whole warehouse
    response = keeper.post(
        "/inventory/counts/new/", {"warehouse": stock.warehouse.pk, "date": DAY.isoformat(), "notes": "月末盘点"}
    )
    count = StockCount.objects.get()
    assert response.status_code == 302 and response["Location"] == url(count)
    assert count.status == CountStatus.COUNTING and count.created_by.username == "keeper"
    sheet = keeper.get(url(count)).content.decode()
    assert 'id="scan-form"' in sheet and "KSF-105" in sheet and "NFSQ" in sheet
    noodles_a01 = count.lines.get(product=noodles, location=a01)

    # when the counter scans a box barcode, then a pack barcode, at A-01
    response = scan(keeper, count, barcode(noodles, "箱"), a01)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<tr id="line-{noodles_a01.pk}" hx-swap-oob="true"' in body  # only that line is sent back
    assert f'name="counted-{noodles_a01.pk}" value="24"' in body and 'id="scan-ok"' in body
    assert 'id="count-progress" hx-swap-oob="true">1 / 2<' in body
    scan(keeper, count, barcode(noodles, "包"), a01)
    noodles_a01.refresh_from_db()
    assert noodles_a01.counted_quantity == 25

    # and finds one pack at A-02, where the book has none: a new line (book 0) in a new group
    response = scan(keeper, count, barcode(noodles, "包"), a02)
    assert response.status_code == 200
    noodles_a02 = count.lines.get(product=noodles, location=a02)
    assert (noodles_a02.book_quantity, noodles_a02.counted_quantity) == (0, 1)
    body = response.content.decode()
    assert 'hx-swap-oob="beforeend:#sheet-table"' in body and f'<tbody id="loc-{a02.pk}"' in body

    # and types the bottles of water counted
    water_line = count.lines.get(product=water)
    response = keeper.post(url(count, "record"), {f"counted-{water_line.pk}": "18", f"was-{water_line.pk}": ""})
    assert response.status_code == 302
    water_line.refresh_from_db()
    assert water_line.counted_quantity == 18 and water_line.counted_by.username == "keeper"

    # and submits
    assert keeper.post(url(count, "submit"), {}).status_code == 302
    count.refresh_from_db()
    assert count.status == CountStatus.SUBMITTED

    # then the manager sees the differences valued at the current average cost
    page = manager.get(url(count)).content.decode()
    assert 'id="gain-lines">1<' in page and 'id="loss-lines">2<' in page
    assert 'id="gain-value">2.50<' in page and 'id="loss-value">-14.40<' in page
    assert f'id="variance-{noodles_a01.pk}"' in page and f'id="variance-{noodles_a02.pk}"' in page
    # the warehouse keeper sees the quantities, not the values, and cannot approve
    keeper_page = keeper.get(url(count)).content.decode()
    assert 'id="loss-lines">2<' in keeper_page and 'id="loss-value"' not in keeper_page
    assert 'id="count-approve"' not in keeper_page and 'id="count-approve"' in page
    assert keeper.post(url(count, "approve")).status_code == 403

    # when the manager approves and posts
    assert manager.post(url(count, "approve")).status_code == 302
    assert manager.post(url(count, "post")).status_code == 302
    count.refresh_from_db()
    assert count.status == CountStatus.POSTED and count.posted_by.username == "manager"
    assert stock.on_hand(noodles) == 26 and stock.on_hand(water) == 18
    values = {(ln.product_id, ln.location_id): ln.value for ln in count.lines.all()}
    assert values == {
        (noodles.pk, a01.pk): Decimal("-12.50"),
        (noodles.pk, a02.pk): Decimal("2.50"),
        (water.pk, a01.pk): Decimal("-1.90"),
    }
    page = manager.get(url(count), **EN).content.decode()
    assert "Posted value" in page and 'id="net-value">-11.90<' in page

    # and reverses it (红冲) after seeing what it changes
    confirm = manager.get(url(count, "reverse"), **EN)
    assert confirm.status_code == 200 and 'id="reverse-effects"' in confirm.content.decode()
    assert manager.post(url(count, "reverse")).status_code == 302
    count.refresh_from_db()
    assert count.status == CountStatus.REVERSED
    assert stock.on_hand(noodles) == 30 and stock.on_hand(water) == 20


def test_scanning_without_javascript_redirects_back_to_the_same_location(stock, noodles, web):
    stock.receive(noodles, 30, "75.00", location="A-01")
    count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY)
    a01 = stock.location("A-01")
    response = web.post(url(count, "scan"), {"location": a01.pk, "code": barcode(noodles, "箱"), "quantity": "2"})
    assert response.status_code == 302 and response["Location"] == f"{url(count)}?location={a01.pk}"
    assert count.lines.get().counted_quantity == 48  # 2 boxes of 24
    page = web.get(response["Location"]).content.decode()
    assert f'<option value="{a01.pk}" selected>' in page


def test_an_unknown_code_or_a_product_outside_the_count_is_refused_and_nothing_changes(
    stock, noodles, make_product, web
):
    drinks = category_save(actor=None, data=CategoryData(name="饮料"))
    water = make_product(sku="NFSQ", name="农夫山泉", category_id=drinks.pk)
    stock.receive(noodles, 30, "75.00", location="A-01")
    stock.receive(water, 20, "19.00", location="A-01")
    count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY, category_ids=[drinks.pk])
    a01 = stock.location("A-01")
    before = written()

    response = scan(web, count, "0000000000000", a01, **EN)
    assert response.status_code == 422
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="scan-status"')  # only the region next to the scan field
    assert 'id="scan-errors"' in body and "No product has the barcode or SKU “0000000000000”" in body

    response = scan(web, count, barcode(noodles, "箱"), a01, **EN)
    assert response.status_code == 422 and "not part of the count" in response.content.decode()
    assert written() == before

    # without htmx the whole sheet comes back, with the code still in the scan field
    response = web.post(url(count, "scan"), {"location": a01.pk, "code": "NOPE-1"}, **EN)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="NOPE-1"' in page and "No product has the barcode" in page and 'id="sheet-table"' in page
    assert written() == before


def test_typed_quantities_with_an_error_are_kept_and_nothing_is_saved(stock, noodles, make_product, web):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 30, "75.00", location="A-01")
    stock.receive(water, 20, "19.00", location="A-01")
    count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY)
    first, second = count.lines.order_by("pk")
    before = written()

    # a negative number is refused by the form, next to its line
    data = {f"counted-{first.pk}": "28", f"was-{first.pk}": "", f"counted-{second.pk}": "-3", f"was-{second.pk}": ""}
    response = web.post(url(count, "record"), data, **EN)
    assert response.status_code == 422
    page = response.content.decode()
    row = page[page.index(f'id="line-{second.pk}"') : page.index("</tr>", page.index(f'id="line-{second.pk}"'))]
    assert "greater than or equal to 0" in row and 'value="-3"' in row
    assert f'name="counted-{first.pk}" value="28"' in page
    assert written() == before

    # half a pack is refused by the service, next to its line, and the other line is not saved either
    data[f"counted-{second.pk}"] = "1.5"
    response = web.post(url(count, "record"), data, **EN)
    assert response.status_code == 422
    page = response.content.decode()
    row = page[page.index(f'id="line-{second.pk}"') : page.index("</tr>", page.index(f'id="line-{second.pk}"'))]
    assert "whole steps" in row and 'value="1.5"' in row
    assert written() == before

    # submitting with a line left uncounted says how many, keeps what was typed and saves nothing
    response = web.post(url(count, "submit"), {f"counted-{first.pk}": "28", f"was-{first.pk}": ""}, **EN)
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="submit-errors"' in page and "1 lines are not counted yet" in page
    assert f'name="counted-{first.pk}" value="28"' in page
    assert written() == before

    # counting the rest as zero submits, with what was typed saved
    data = {f"counted-{first.pk}": "28", f"was-{first.pk}": "", "uncounted_as_zero": "on"}
    assert web.post(url(count, "submit"), data).status_code == 302
    assert {ln.pk: ln.counted_quantity for ln in count.lines.all()} == {first.pk: 28, second.pk: 0}


def test_a_blind_count_hides_the_book_from_the_counter_but_not_from_the_approver(stock, noodles, make_user):
    stock.receive(noodles, 37, "92.50", location="A-01")
    keeper = login(make_user("keeper", "warehouse"))
    manager = login(make_user("manager", "accountant"))
    response = keeper.post(
        "/inventory/counts/new/", {"warehouse": stock.warehouse.pk, "date": DAY.isoformat(), "blind": "on"}
    )
    assert response.status_code == 302
    count = StockCount.objects.get()
    assert count.blind
    scan(keeper, count, barcode(noodles, "箱"), stock.location("A-01"))  # 24 counted: 13 short

    page = keeper.get(url(count), **EN).content.decode()
    table = page[page.index('id="sheet-table"') : page.index("</table>", page.index('id="sheet-table"'))]
    assert "Book quantity" not in table and 'class="num book"' not in table and "37" not in table
    assert 'class="num difference"' not in table and "-13" not in table
    assert 'value="24"' in table  # what was counted is shown
    printed = keeper.get(url(count, "print"), **EN).content.decode()
    assert "Book quantity" not in printed and "37" not in printed and "KSF-105" in printed
    rows = sheet_rows(keeper.get(url(count), {"export": "xlsx"}).content)
    assert all(37 not in row and -13 not in row for row in rows)
    assert any(24 in row for row in rows)

    page = manager.get(url(count), **EN).content.decode()
    assert 'class="num book">37<' in page and "-13" in page
    assert "37" in manager.get(url(count, "print")).content.decode()
    rows = sheet_rows(manager.get(url(count), {"export": "xlsx"}).content)
    assert any(37 in row and -13 in row for row in rows)


def test_who_may_count_approve_and_post(stock, noodles, make_user):
    stock.receive(noodles, 30, "75.00", location="A-01")
    cashier = login(make_user("cashier", "cashier"))
    assert cashier.get("/inventory/counts/").status_code == 403
    assert cashier.get("/inventory/counts/new/").status_code == 403
    response = cashier.post("/inventory/counts/new/", {"warehouse": stock.warehouse.pk, "date": DAY.isoformat()})
    assert response.status_code == 403 and not StockCount.objects.exists()

    keeper = login(make_user("keeper", "warehouse"))
    keeper.post("/inventory/counts/new/", {"warehouse": stock.warehouse.pk, "date": DAY.isoformat()})
    count = StockCount.objects.get()
    line = count.lines.get()
    keeper.post(url(count, "submit"), {f"counted-{line.pk}": "29", f"was-{line.pk}": ""})
    count.refresh_from_db()
    assert count.status == CountStatus.SUBMITTED
    before = written()
    for action in ("approve", "post", "reverse"):
        assert keeper.post(url(count, action)).status_code == 403, action
    count.refresh_from_db()
    assert count.status == CountStatus.SUBMITTED and written() == before

    # a keeper may cancel; a cancelled count cannot be approved, and says so at 422
    assert keeper.post(url(count, "cancel")).status_code == 302
    count.refresh_from_db()
    assert count.status == CountStatus.CANCELLED
    manager = login(make_user("manager", "accountant"))
    before = written()
    response = manager.post(url(count, "approve"), **EN)
    assert response.status_code == 422 and 'id="action-errors"' in response.content.decode()
    assert written() == before and stock.on_hand(noodles) == 30


def test_a_user_limited_to_one_warehouse_cannot_count_another(stock, noodles, make_warehouse, make_user):
    shop = make_warehouse("SHOP", "门店仓")
    stock.receive(noodles, 30, "75.00", location="A-01")
    clerk = login(make_user("clerk", "warehouse", all_warehouses=False, warehouse_ids=[shop.pk]))
    form = clerk.get("/inventory/counts/new/").content.decode()
    assert f'<option value="{shop.pk}"' in form and f'<option value="{stock.warehouse.pk}"' not in form

    response = clerk.post("/inventory/counts/new/", {"warehouse": stock.warehouse.pk, "date": DAY.isoformat()})
    assert response.status_code == 422 and not StockCount.objects.exists()
    page = response.content.decode()
    assert 'id="field-warehouse"' in page and "errorlist" in page[page.index('id="field-warehouse"') :]

    main_count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY)
    before = written()
    assert clerk.get(url(main_count)).status_code == 404
    assert clerk.get(url(main_count, "print")).status_code == 404
    assert scan(clerk, main_count, barcode(noodles, "包"), stock.location("A-01")).status_code == 404
    assert main_count.number not in clerk.get("/inventory/counts/").content.decode()
    assert written() == before


def test_choosing_a_warehouse_reloads_only_its_locations(stock, make_warehouse, web):
    shop = make_warehouse("SHOP", "门店仓")
    response = web.get(
        "/inventory/counts/new/", {"warehouse": shop.pk}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="count-locations"
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="count-locations">')
    assert f'value="{shop.locations.get().pk}"' in body
    assert f'value="{stock.location("A-01").pk}"' not in body


def test_a_count_of_some_locations_lists_only_their_stock(stock, noodles, make_product, web):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 30, "75.00", location="A-01")
    stock.receive(water, 20, "19.00", location="A-02")
    a01 = stock.location("A-01")
    data = {"warehouse": stock.warehouse.pk, "date": DAY.isoformat(), "locations": [a01.pk]}
    response = web.post("/inventory/counts/new/", data)
    assert response.status_code == 302
    count = StockCount.objects.get()
    assert [(ln.product_id, ln.location_id) for ln in count.lines.all()] == [(noodles.pk, a01.pk)]
    page = web.get(url(count)).content.decode()
    scan_locations = page[page.index('name="location"') : page.index("</select>", page.index('name="location"'))]
    assert f'value="{a01.pk}"' in scan_locations and f'value="{stock.location("A-02").pk}"' not in scan_locations


def test_the_list_and_the_excel_exports(stock, noodles, web):
    stock.receive(noodles, 30, "75.00", location="A-01")
    count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY, notes="年终")
    page = web.get("/inventory/counts/", {"status": "counting"}).content.decode()
    assert count.number in page and url(count) in page
    assert count.number not in web.get("/inventory/counts/", {"status": "posted"}).content.decode()
    rows = sheet_rows(web.get("/inventory/counts/", {"export": "xlsx"}).content)
    assert rows[1][0] == count.number and "年终" in rows[1]
    rows = sheet_rows(web.get(url(count), {"export": "xlsx"}).content)
    assert rows[1][:2] == ("A-01", "KSF-105") and 30 in rows[1]
    printed = web.get(url(count, "print"))
    assert printed.status_code == 200 and "@page { size: A4" in printed.content.decode()


def test_the_sheet_page_queries_do_not_grow_with_its_lines(stock, make_product, web):
    def queries(count: StockCount) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = web.get(url(count))
        assert response.status_code == 200
        return len(captured)

    def counted_count() -> tuple[int, int]:
        count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY)
        while_counting = queries(count)
        lines = list(count.lines.all())
        data = {f"counted-{ln.pk}": str(ln.book_quantity - 1) for ln in lines}
        assert web.post(url(count, "submit"), data).status_code == 302
        return while_counting, queries(count)

    for n in range(3):
        stock.receive(make_product(sku=f"A{n}"), 10, "20.00", location="A-01")
    small = counted_count()
    for n in range(12):
        stock.receive(make_product(sku=f"B{n}"), 10, "20.00", location="A-02" if n % 2 else "A-01")
    large = counted_count()
    assert small == large


def test_a_date_in_a_closed_period_is_refused_next_to_the_date(stock, noodles, web):
    stock_period_close(actor=stock.owner, month=date(2026, 10, 1))
    data = {"warehouse": stock.warehouse.pk, "date": "2026-10-15", "notes": "typed notes"}
    response = web.post("/inventory/counts/new/", data, **EN)
    assert response.status_code == 422
    page = response.content.decode()
    date_field = page[page.index('id="field-date"') : page.index("</div>", page.index('id="field-date"') + 20)]
    assert "closed period" in date_field
    assert "typed notes" in page and not StockCount.objects.exists()


def test_lines_where_stock_moved_during_the_count_are_flagged(stock, noodles, make_product, web):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 30, "75.00", location="A-01")
    stock.receive(water, 20, "19.00", location="A-01")
    count = stock_count_create(actor=stock.owner, warehouse_id=stock.warehouse.pk, day=DAY)
    stock.issue(noodles, 2, location="A-01")  # sold while the shelf was being counted
    noodles_line, water_line = count.lines.get(product=noodles), count.lines.get(product=water)
    page = web.get(url(count)).content.decode()

    def row(line: StockCountLine) -> str:
        start = page.index(f'id="line-{line.pk}"')
        return page[start : page.index("</tr>", start)]

    assert "moved-flag" in row(noodles_line) and "moved-flag" not in row(water_line)
    data = {f"counted-{noodles_line.pk}": "28", f"counted-{water_line.pk}": "20"}
    assert web.post(url(count, "submit"), data).status_code == 302
    noodles_line.refresh_from_db()
    assert noodles_line.moved_during_count
    # the approver sees the difference against the book with the flag: the two sold may be counted twice
    page = web.get(url(count)).content.decode()
    start = page.index(f'id="variance-{noodles_line.pk}"')
    assert "moved-flag" in page[start : page.index("</tr>", start)] and 'id="loss-lines">1<' in page
