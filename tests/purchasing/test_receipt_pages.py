"""Purchase receipt pages: entry against orders with inspection, errors next to their row, lots and serials,
hidden prices for the warehouse, the order lines panel and scan rows, reverse with a preview, list and export."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.inventory.models import CostState, Lot, Serial, StockBalance, StockMove, StockQuant
from jxc.partners.models import PartnerBalance
from jxc.purchasing.models import PurchaseReceipt, PurchaseReceiptLine
from jxc.purchasing.services.receipts import ReceiptLineData
from tests.helpers import sheet_rows
from tests.purchasing.conftest import DAY, line


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner):
    """The owner's browser, in English (the messages the tests read)."""
    return _client(owner)


def _form(buy, lines, **header):
    """POST data of the entry form: the header, then one formset row per line dict."""
    data = {
        "supplier": buy.supplier.pk,
        "warehouse": buy.warehouse.pk,
        "date": DAY.isoformat(),
        "supplier_reference": "",
        "allocation": "value",
        "freight": "",
        "other_charges": "",
        "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
    }
    data.update(header)
    for i, row in enumerate(lines):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def _row(page, index):
    start = page.index(f'data-prefix="lines-{index}"')
    return page[start : page.index("</tr>", start)]


def on_hand(product):
    balance = StockBalance.objects.filter(product=product).first()
    return balance.on_hand if balance else D(0)


def stock_value(product):
    state = CostState.objects.filter(product=product).first()
    return state.value if state else D(0)


def payable(partner):
    balance = PartnerBalance.objects.filter(partner=partner).first()
    return balance.payable if balance else D(0)


def _written():
    return (
        PurchaseReceipt.objects.count(),
        PurchaseReceiptLine.objects.count(),
        StockMove.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def noodles(make_product):
    return make_product(sku="NOODLE", name="方便面", tax_rate=D(13))


@pytest.fixture
def water(make_product):
    return make_product(sku="WATER", name="矿泉水", tax_rate=D(13))


@pytest.fixture
def order(buy, noodles, water, units):
    """10 箱 of noodles at 48.00 and 100 包 of water at 1.00, without tax, approved."""
    return buy.approved_order(line(noodles, 10, "48.00", unit_id=units["箱"].pk), line(water, 100, "1.00"))


def test_receive_an_order_partly_with_one_line_partly_rejected(web, buy, order, noodles, water, units, english):
    page = web.get(f"/purchasing/receipts/new/?order={order.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert order.number in _row(html, 0) and 'name="lines-0-received_quantity" value="10"' in html
    assert 'name="lines-1-received_quantity" value="100"' in html
    assert f'<option value="{units["箱"].pk}" selected>箱</option>' in _row(html, 0)
    noodle_line, water_line = order.lines.order_by("position")
    rows = [
        {
            "product": noodles.pk,
            "order_line": noodle_line.pk,
            "unit": units["箱"].pk,
            "received_quantity": "6",
            "rejected_quantity": "1",
            "reject_reason": "外箱破损",
        },
        {"product": water.pk, "order_line": water_line.pk, "unit": units["包"].pk, "received_quantity": "40"},
    ]
    response = web.post(f"/purchasing/receipts/new/?order={order.pk}", _form(buy, rows, then="post"))
    receipt = PurchaseReceipt.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/purchasing/receipts/{receipt.pk}/"
    assert receipt.status == "posted" and receipt.number.startswith("RK")
    first = receipt.lines.get(product=noodles)
    assert (first.received_quantity, first.accepted_quantity, first.rejected_quantity) == (6, 5, 1)
    assert first.reject_reason == "外箱破损" and first.price == D("48")
    # only the accepted 5 箱 = 120 包 entered stock, at 5 × 48.00; 40 包 of water at 1.00
    assert on_hand(noodles) == D(120) and stock_value(noodles) == D("240.00")
    assert on_hand(water) == D(40) and stock_value(water) == D("40.00")
    # payable: 240.00 + 31.20 tax + 40.00 + 5.20 tax
    assert receipt.total == D("316.40") and payable(buy.supplier) == D("316.40")
    order.refresh_from_db()
    noodle_line.refresh_from_db()
    assert order.status == "partial"
    assert (noodle_line.received_quantity, noodle_line.rejected_quantity) == (D(120), D(24))

    detail = web.get(receipt.get_absolute_url()).content.decode()
    assert 'data-status="posted"' in detail and "外箱破损" in detail and order.number in detail
    assert 'id="receipt-total"' in detail and "316.40" in detail and 'id="document-moves"' in detail
    assert 'id="document-reverse"' in detail and 'id="document-edit"' not in detail
    assert f"/purchasing/returns/new/?receipt={receipt.pk}" in detail  # return goods: the rejected box at least

    again = web.get(f"/purchasing/receipts/new/?order={order.pk}").content.decode()
    assert 'name="lines-0-received_quantity" value="5"' in again  # what is left of the noodles
    assert 'name="lines-1-received_quantity" value="60"' in again


def test_charges_are_allocated_and_the_detail_shows_them_per_line(web, buy, noodles, water, units):
    """100 × 3.00 and 50 × 9.00; freight 20 + other 5 by value: 10.00 and 15.00 → stock 310.00 and 465.00."""
    rows = [
        {"product": noodles.pk, "unit": units["包"].pk, "received_quantity": "100", "price": "3.00"},
        {"product": water.pk, "unit": units["包"].pk, "received_quantity": "50", "price": "9.00"},
    ]
    response = web.post(
        "/purchasing/receipts/new/", _form(buy, rows, freight="20", other_charges="5", supplier_reference="SH-77")
    )
    assert response.status_code == 302
    receipt = PurchaseReceipt.objects.get()
    assert receipt.status == "draft" and receipt.supplier_reference == "SH-77"
    first, second = receipt.lines.order_by("position")
    assert (first.charges, first.cost, second.charges, second.cost) == (D(10), D(310), D(15), D(465))
    detail = web.get(receipt.get_absolute_url()).content.decode()
    lines = detail[detail.index('id="document-lines"') : detail.index("</table>", detail.index('id="document-lines"'))]
    assert "10.00" in lines and "310.00" in lines and "15.00" in lines and "465.00" in lines
    assert "872.50" in detail  # 300 + 39 + 450 + 58.50 + 25
    assert web.post(f"/purchasing/receipts/{receipt.pk}/post/").status_code == 302
    assert stock_value(noodles) == D("310.00") and stock_value(water) == D("465.00")
    assert payable(buy.supplier) == D("872.50")


def test_over_receipt_is_refused_next_to_its_row_and_nothing_is_written(web, buy, noodles, water, english):
    small = buy.approved_order(line(noodles, 100, "2.00"))
    order_line = small.lines.get()
    before = _written()
    rows = [
        {"product": water.pk, "unit": water.base_unit_id, "received_quantity": "3", "notes": "typed note"},
        {"product": noodles.pk, "order_line": order_line.pk, "unit": noodles.base_unit_id, "received_quantity": "101"},
    ]
    response = web.post("/purchasing/receipts/new/", _form(buy, rows, notes="typed header"))
    assert response.status_code == 422
    page = response.content.decode()
    assert _written() == before
    assert "would be accepted against 100 ordered" in _row(page, 1)
    assert "errorlist" not in _row(page, 0)
    assert 'name="lines-1-received_quantity" value="101"' in page and 'value="typed note"' in page
    assert "typed header" in page
    summary = page[page.index('id="document-errors"') : page.index("</ul>", page.index('id="document-errors"'))]
    assert "Line 2" in summary and "方便面" in summary


def test_rejecting_more_than_received_or_without_a_reason_is_refused(web, buy, noodles, english):
    before = _written()
    rows = [{"product": noodles.pk, "unit": noodles.base_unit_id, "received_quantity": "5", "rejected_quantity": "6"}]
    response = web.post("/purchasing/receipts/new/", _form(buy, rows, then="post"))
    assert response.status_code == 422
    assert "cannot reject more than was received" in _row(response.content.decode(), 0)
    rows[0]["rejected_quantity"] = "2"
    response = web.post("/purchasing/receipts/new/", _form(buy, rows, then="post"))
    assert response.status_code == 422
    assert "Say why goods were rejected" in _row(response.content.decode(), 0)
    assert _written() == before and on_hand(noodles) == 0


def test_lots_and_serials_are_captured(web, buy, make_product, english):
    milk = make_product(sku="MILK", name="纯牛奶", track_lots=True)
    phone = make_product(sku="PHONE", name="手机", track_serials=True)
    row = web.get("/purchasing/receipts/line/", {"code": "MILK", "index": "0"}).content.decode()
    assert 'name="lines-0-batch_no"' in row and 'name="lines-0-expiry_date"' in row
    assert 'name="lines-0-serials"' not in row
    assert (
        'name="lines-1-serials"'
        in web.get("/purchasing/receipts/line/", {"code": "PHONE", "index": "1"}).content.decode()
    )
    rows = [
        {"product": milk.pk, "unit": milk.base_unit_id, "received_quantity": "10", "price": "4"},
        {"product": phone.pk, "unit": phone.base_unit_id, "received_quantity": "2", "price": "999", "serials": "SN-1"},
    ]
    refused = web.post("/purchasing/receipts/new/", _form(buy, rows, then="post"))
    assert refused.status_code == 422 and not PurchaseReceipt.objects.exists()
    page = refused.content.decode()
    assert "tracked by lot" in _row(page, 0) and "one different serial number" in _row(page, 1)
    rows[0].update(batch_no="B2611", production_date="2026-10-20", expiry_date="2027-10-20")
    rows[1]["serials"] = "SN-1\nSN-2"
    response = web.post("/purchasing/receipts/new/", _form(buy, rows, then="post"))
    assert response.status_code == 302
    receipt = PurchaseReceipt.objects.get()
    assert receipt.status == "posted"
    lot = Lot.objects.get(product=milk)
    assert (lot.batch_no, lot.expiry_date.isoformat()) == ("B2611", "2027-10-20")
    assert StockQuant.objects.get(product=milk, lot=lot).on_hand == D(10)
    assert sorted(Serial.objects.filter(product=phone, status="in_stock").values_list("serial_no", flat=True)) == [
        "SN-1",
        "SN-2",
    ]
    detail = web.get(receipt.get_absolute_url()).content.decode()
    assert "B2611" in detail and "SN-1 SN-2" in detail


def test_the_warehouse_keeper_sees_no_prices_and_keeps_those_on_the_draft(buy, noodles, make_user, units):
    draft = buy.receive(
        ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D("3.10")),
        post=False,
        freight=D("5.00"),
    )
    keeper = _client(make_user("wh", "warehouse"))
    edit = keeper.get(f"/purchasing/receipts/{draft.pk}/edit/").content.decode()
    assert 'name="lines-0-received_quantity" value="10"' in edit
    assert 'name="lines-0-price"' not in edit and 'name="freight"' not in edit and "3.10" not in edit
    assert (
        'name="lines-0-price"'
        not in keeper.get("/purchasing/receipts/line/", {"code": "NOODLE", "index": "0"}).content.decode()
    )
    rows = [
        {
            "product": noodles.pk,
            "unit": units["包"].pk,
            "received_quantity": "12",
            "rejected_quantity": "2",
            "reject_reason": "漏气",
            "price": "0.01",  # not a field for this user: ignored
        }
    ]
    form = _form(buy, rows, then="post")
    form.pop("freight")
    response = keeper.post(f"/purchasing/receipts/{draft.pk}/edit/", form)
    assert response.status_code == 302
    draft.refresh_from_db()
    kept = draft.lines.get()
    assert draft.status == "posted" and kept.price == D("3.10") and draft.freight == D("5.00")
    assert (kept.accepted_quantity, kept.amount, kept.cost) == (D(10), D("31.00"), D("36.00"))
    assert on_hand(noodles) == D(10)
    detail = keeper.get(draft.get_absolute_url()).content.decode()
    assert "漏气" in detail and "31.00" not in detail and "36.00" not in detail and 'id="receipt-totals"' not in detail
    exported = keeper.get("/purchasing/receipts/", {"export": "xlsx"})
    header, *data = sheet_rows(exported.content)
    assert "Number" in header and "Total payable" not in header and "Amount without tax" not in header
    assert [r[0] for r in data] == [draft.number]
    lines = sheet_rows(keeper.get(draft.get_absolute_url(), {"export": "xlsx"}).content)
    assert "Accepted" in lines[0] and "Unit price" not in lines[0] and "Stock value" not in lines[0]
    owner_lines = sheet_rows(_client(buy.owner).get(draft.get_absolute_url(), {"export": "xlsx"}).content)
    assert "Stock value" in owner_lines[0]


def test_a_purchaser_without_the_post_permission_saves_a_draft_only(buy, noodles, make_user):
    purchaser = _client(make_user("buyer", "purchaser"))
    rows = [{"product": noodles.pk, "unit": noodles.base_unit_id, "received_quantity": "3"}]
    response = purchaser.post("/purchasing/receipts/new/", _form(buy, rows, then="post"))
    receipt = PurchaseReceipt.objects.get()
    assert response.status_code == 302 and receipt.status == "draft" and on_hand(noodles) == 0
    detail = purchaser.get(receipt.get_absolute_url()).content.decode()
    assert 'id="document-post"' not in detail and 'id="document-edit"' in detail
    assert purchaser.post(f"/purchasing/receipts/{receipt.pk}/post/").status_code == 403


def test_the_open_order_lines_panel_and_its_rows(web, buy, order, noodles, water, units, make_partner):
    panel = web.get("/purchasing/receipts/order-lines/", {"supplier": buy.supplier.pk}).content.decode()
    noodle_line, water_line = order.lines.order_by("position")
    assert order.number in panel and f'data-add-order-lines="{noodle_line.pk}"' in panel
    assert 'data-add-order-lines="all"' in panel
    other = make_partner("别家", is_customer=False, is_supplier=True)
    assert "no approved order" in web.get("/purchasing/receipts/order-lines/", {"supplier": other.pk}).content.decode()
    rows = web.get(
        "/purchasing/receipts/line/",
        {"order_line": [noodle_line.pk, water_line.pk], "supplier": buy.supplier.pk, "index": "4"},
    ).content.decode()
    assert f'name="lines-4-order_line" value="{noodle_line.pk}"' in rows
    assert f'name="lines-5-order_line" value="{water_line.pk}"' in rows
    assert (
        'name="lines-4-received_quantity" value="10"' in rows and 'name="lines-5-received_quantity" value="100"' in rows
    )
    wrong = web.get("/purchasing/receipts/line/", {"order_line": noodle_line.pk, "supplier": other.pk, "index": "0"})
    assert wrong.status_code == 404 and wrong.json()["code"] == "not_found"
    box = noodles.barcodes.get(unit=units["箱"]).code
    scanned = web.get("/purchasing/receipts/line/", {"code": box, "index": "2"}).content.decode()
    assert f'<option value="{units["箱"].pk}" selected>箱</option>' in scanned
    assert 'name="lines-2-received_quantity" value="1"' in scanned and "without an order" in scanned
    assert 'name="lines-2-DELETE"' in scanned and 'name="lines-5-DELETE"' in rows  # a new row can be removed again
    assert web.get("/purchasing/receipts/line/", {"code": "0000", "index": "0"}).status_code == 404
    assert web.get("/purchasing/receipts/line/", {"code": box}).status_code == 400
    assert web.get("/static/purchasing/receipts.js").status_code == 200


def test_reverse_shows_the_preview_then_takes_everything_back(web, buy, order, noodles, water, english):
    receipt = buy.receive(*buy.against(order, l1=(6, 1), l2=40))
    assert payable(buy.supplier) == D("316.40")
    preview = web.get(f"/purchasing/receipts/{receipt.pk}/reverse/")
    assert preview.status_code == 200
    page = preview.content.decode()
    table = page[page.index('id="reverse-preview"') : page.index("</table>", page.index('id="reverse-preview"'))]
    assert "-120" in table and "-40" in table and "方便面" in table
    payable_box = page[page.index('id="reverse-payable"') : page.index("</dl>", page.index('id="reverse-payable"'))]
    assert "316.40" in payable_box and "0.00" in payable_box
    assert order.number in page  # the orders get their quantities back
    early = web.post(f"/purchasing/receipts/{receipt.pk}/reverse/", {"date": (DAY - timedelta(days=1)).isoformat()})
    assert early.status_code == 422 and PurchaseReceipt.objects.count() == 1
    response = web.post(f"/purchasing/receipts/{receipt.pk}/reverse/", {"date": DAY.isoformat()})
    reversal = PurchaseReceipt.objects.get(reversal_of=receipt)
    assert response.status_code == 302 and response["Location"] == reversal.get_absolute_url()
    receipt.refresh_from_db()
    order.refresh_from_db()
    assert receipt.status == "reversed" and reversal.total == D("-316.40")
    assert on_hand(noodles) == 0 and on_hand(water) == 0 and stock_value(noodles) == 0
    assert payable(buy.supplier) == 0 and order.status == "approved"
    detail = web.get(receipt.get_absolute_url()).content.decode()
    assert reversal.number in detail and 'id="document-reverse"' not in detail
    assert web.get(f"/purchasing/receipts/{receipt.pk}/reverse/").status_code == 302  # nothing to reverse any more


def test_edit_save_and_new_and_delete_a_draft(web, buy, noodles, units):
    rows = [{"product": noodles.pk, "unit": units["包"].pk, "received_quantity": "4", "price": "2"}]
    response = web.post("/purchasing/receipts/new/", _form(buy, rows, then="new"))
    assert response["Location"] == "/purchasing/receipts/new/"
    receipt = PurchaseReceipt.objects.get()
    edit = web.get(f"/purchasing/receipts/{receipt.pk}/edit/").content.decode()
    assert 'name="lines-0-price" value="2"' in edit
    rows[0]["received_quantity"] = "6"
    assert web.post(f"/purchasing/receipts/{receipt.pk}/edit/", _form(buy, rows)).status_code == 302
    assert receipt.lines.get().received_quantity == 6
    assert web.get(f"/purchasing/receipts/{receipt.pk}/delete/").status_code == 405
    deleted = web.post(f"/purchasing/receipts/{receipt.pk}/delete/")
    assert deleted.status_code == 302 and deleted["Location"] == "/purchasing/receipts/"
    assert not PurchaseReceipt.objects.exists()


def test_print_shows_the_inspection_and_the_signatures(web, buy, order):
    receipt = buy.receive(*buy.against(order, l1=(6, 1), l2=40))
    page = web.get(f"/purchasing/receipts/{receipt.pk}/print/").content.decode()
    assert receipt.number in page and "破损" in page and "Inspected by" in page and "316.40" in page
    sheet = page[page.index('id="print-lines"') :]
    assert "Received" in sheet and "Rejected" in sheet


def test_list_filters_and_excel_export(web, buy, noodles, water, make_partner):
    other = make_partner("南方饮料", is_customer=False, is_supplier=True)
    first = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(10), price=D("2.00")))
    second = buy.receive(
        ReceiptLineData(product_id=water.pk, received_quantity=D(5), price=D("1.00")),
        supplier=other,
        date=DAY + timedelta(days=5),
        post=False,
    )

    def numbers(**query):
        page = web.get("/purchasing/receipts/", query).content.decode()
        return {n for n in (first.number, second.number) if n in page}

    assert numbers() == {first.number, second.number}
    assert numbers(q=first.number) == {first.number}
    assert numbers(q="矿泉水") == {second.number}
    assert numbers(supplier=other.pk) == {second.number}
    assert numbers(status="posted") == {first.number}
    assert numbers(date_from=(DAY + timedelta(days=1)).isoformat()) == {second.number}
    assert numbers(warehouse=buy.warehouse.pk) == {first.number, second.number}
    response = web.get("/purchasing/receipts/", {"status": "posted", "export": "xlsx"})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    header, *rows = sheet_rows(response.content)
    assert header[0] == "Number" and "Total payable" in header
    assert len(rows) == 1 and rows[0][0] == first.number
    assert rows[0][header.index("Supplier")] == buy.supplier.name
    assert D(str(rows[0][header.index("Total payable")])) == D("22.60")


def test_list_queries_do_not_grow_with_the_rows(web, buy, noodles):
    def receive():
        buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(1), price=D("2.00")))

    receive()
    receive()
    with CaptureQueriesContext(connection) as few:
        assert web.get("/purchasing/receipts/").status_code == 200
    for _ in range(6):
        receive()
    with CaptureQueriesContext(connection) as many:
        page = web.get("/purchasing/receipts/")
    assert page.content.decode().count("/purchasing/receipts/") >= 8
    assert len(many.captured_queries) == len(few.captured_queries)
