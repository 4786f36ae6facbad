"""Purchase return pages: against a receipt (rejected goods and accepted goods) or free by scanning, errors next
to their row, lots and serials, hidden prices for the warehouse, reverse with a preview, list and export."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.inventory.models import CostState, Serial, StockBalance, StockMove, StockQuant
from jxc.partners.models import PartnerBalance
from jxc.purchasing.models import PurchaseReceipt, PurchaseReturn, PurchaseReturnLine
from jxc.purchasing.services.receipts import ReceiptLineData
from jxc.purchasing.services.returns import ReturnLineData
from tests.helpers import sheet_rows
from tests.purchasing.conftest import DAY, line


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner):
    return _client(owner)


def _form(buy, lines, **header):
    """POST data of the return form: the header, then one formset row per line dict."""
    data = {
        "supplier": buy.supplier.pk,
        "warehouse": buy.warehouse.pk,
        "date": DAY.isoformat(),
        "reason": "",
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
        PurchaseReturn.objects.count(),
        PurchaseReturnLine.objects.count(),
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
def receipt(buy, noodles, water, units):
    """6 箱 of noodles at 48.00 received, 1 箱 rejected (破损); 40 包 of water at 1.00: payable 316.40."""
    order = buy.approved_order(line(noodles, 10, "48.00", unit_id=units["箱"].pk), line(water, 100, "1.00"))
    return buy.receive(*buy.against(order, l1=(6, 1), l2=40))


def _prefill(web, receipt):
    page = web.get(f"/purchasing/returns/new/?receipt={receipt.pk}")
    assert page.status_code == 200
    return page.content.decode()


def test_the_form_against_a_receipt_offers_rejected_and_accepted_goods(web, receipt, noodles, water):
    page = _prefill(web, receipt)
    noodle_line = receipt.lines.get(product=noodles)
    rejected, accepted, other = _row(page, 0), _row(page, 1), _row(page, 2)
    assert "rejected at inspection" in rejected and "破损" in rejected
    assert 'name="lines-0-rejected" value="True"' in rejected and 'name="lines-0-quantity" value="1"' in rejected
    assert 'name="lines-0-price"' not in rejected  # rejected goods were never paid for
    assert f'name="lines-1-receipt_line" value="{noodle_line.pk}"' in accepted
    assert 'name="lines-1-quantity" value="5"' in accepted and 'name="lines-1-price"' in accepted
    assert 'name="lines-2-quantity" value="40"' in other and "矿泉水" in other
    assert 'name="supplier" disabled' in page and 'name="warehouse" disabled' in page


def test_returning_rejected_goods_moves_no_stock_and_no_payable(web, buy, receipt, noodles):
    noodle_line = receipt.lines.get(product=noodles)
    moves = StockMove.objects.count()
    rows = [
        {
            "product": noodles.pk,
            "receipt_line": noodle_line.pk,
            "rejected": "True",
            "unit": noodle_line.unit_id,
            "quantity": "1",
        }
    ]
    response = web.post(
        f"/purchasing/returns/new/?receipt={receipt.pk}", _form(buy, rows, reason="破损退回", then="post")
    )
    purchase_return = PurchaseReturn.objects.get()
    assert response.status_code == 302 and response["Location"] == purchase_return.get_absolute_url()
    assert purchase_return.status == "posted" and purchase_return.receipt == receipt
    assert purchase_return.total == 0 and purchase_return.lines.get().rejected
    assert StockMove.objects.count() == moves and on_hand(noodles) == D(120)
    assert payable(buy.supplier) == D("316.40")
    noodle_line.refresh_from_db()
    assert noodle_line.rejected_returned == D(24) and noodle_line.returned_quantity == 0
    detail = web.get(purchase_return.get_absolute_url()).content.decode()
    assert "rejected at inspection" in detail and receipt.number in detail and "破损退回" in detail
    again = _prefill(web, receipt)  # the rejected box is gone from what can be returned
    assert "rejected at inspection" not in _row(again, 0) and 'name="lines-0-quantity" value="5"' in again


def test_returning_accepted_goods_takes_stock_and_payable_down(web, buy, receipt, noodles):
    noodle_line = receipt.lines.get(product=noodles)
    rows = [
        {
            "product": noodles.pk,
            "receipt_line": noodle_line.pk,
            "rejected": "False",
            "unit": noodle_line.unit_id,
            "quantity": "2",
        }
    ]
    response = web.post(f"/purchasing/returns/new/?receipt={receipt.pk}", _form(buy, rows, then="post"))
    assert response.status_code == 302
    purchase_return = PurchaseReturn.objects.get()
    returned = purchase_return.lines.get()
    # 2 箱 at the receipt's 48.00: 96.00 + 12.48 tax credited; the goods leave at their receipt cost 96.00
    assert (returned.amount, returned.total, returned.cost) == (D("96.00"), D("108.48"), D("96.00"))
    assert on_hand(noodles) == D(72) and stock_value(noodles) == D("144.00")
    assert payable(buy.supplier) == D("316.40") - D("108.48")
    detail = web.get(purchase_return.get_absolute_url()).content.decode()
    assert 'id="return-stock-value"' in detail and "96.00" in detail and "108.48" in detail
    assert 'id="document-moves"' in detail and "-48" in detail
    receipt_page = web.get(receipt.get_absolute_url()).content.decode()
    assert 'id="receipt-returns"' in receipt_page and purchase_return.number in receipt_page


def test_returning_more_than_is_left_is_refused_next_to_the_row(web, buy, receipt, noodles, english):
    noodle_line = receipt.lines.get(product=noodles)
    before = _written()
    rows = [
        {
            "product": noodles.pk,
            "receipt_line": noodle_line.pk,
            "rejected": "False",
            "unit": noodle_line.unit_id,
            "quantity": "6",
            "notes": "typed",
        }
    ]
    response = web.post(f"/purchasing/returns/new/?receipt={receipt.pk}", _form(buy, rows, then="post"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "only 5 of receipt" in _row(page, 0) and 'value="typed"' in page
    assert _written() == before and on_hand(noodles) == D(120)


def test_a_free_return_by_scanning(web, buy, water, english):
    buy.receive(ReceiptLineData(product_id=water.pk, received_quantity=D(20), price=D("1.00")))
    row = web.get("/purchasing/returns/line/", {"code": "WATER", "index": "0"})
    assert row.status_code == 200
    html = row.content.decode()
    assert (
        'name="lines-0-quantity" value="1"' in html and "without a receipt" in html and 'name="lines-0-DELETE"' in html
    )
    assert web.get("/purchasing/returns/line/", {"code": "0000", "index": "0"}).status_code == 404
    rows = [{"product": water.pk, "unit": water.base_unit_id, "quantity": "5", "price": "1.00", "rejected": "False"}]
    response = web.post("/purchasing/returns/new/", _form(buy, rows, then="post", reason="临期"))
    assert response.status_code == 302
    purchase_return = PurchaseReturn.objects.get()
    assert purchase_return.receipt is None and purchase_return.total == D("5.65")
    assert on_hand(water) == D(15) and payable(buy.supplier) == D("22.60") - D("5.65")


def test_a_lot_returns_from_the_receipts_batch_and_serials_are_named(web, buy, make_product, english):
    milk = make_product(sku="MILK", name="纯牛奶", track_lots=True)
    phone = make_product(sku="PHONE", name="手机", track_serials=True)
    receipt = buy.receive(
        ReceiptLineData(product_id=milk.pk, received_quantity=D(10), price=D("4"), batch_no="B1"),
        ReceiptLineData(product_id=phone.pk, received_quantity=D(2), price=D("999"), serials=["SN-1", "SN-2"]),
    )
    milk_line, phone_line = receipt.lines.order_by("position")
    page = _prefill(web, receipt)
    assert 'name="lines-0-lot"' in _row(page, 0) and "B1" in _row(page, 0)
    assert "SN-1" in _row(page, 1)  # nothing returned yet: every serial is offered
    rows = [
        {
            "product": milk.pk,
            "receipt_line": milk_line.pk,
            "rejected": "False",
            "unit": milk.base_unit_id,
            "quantity": "4",
            "lot": "",
        },
        {
            "product": phone.pk,
            "receipt_line": phone_line.pk,
            "rejected": "False",
            "unit": phone.base_unit_id,
            "quantity": "1",
            "serials": "",
        },
    ]
    refused = web.post(f"/purchasing/returns/new/?receipt={receipt.pk}", _form(buy, rows, then="post"))
    assert refused.status_code == 422 and "one different serial number" in _row(refused.content.decode(), 1)
    assert not PurchaseReturn.objects.exists()
    rows[1]["serials"] = "SN-2"
    response = web.post(f"/purchasing/returns/new/?receipt={receipt.pk}", _form(buy, rows, then="post"))
    assert response.status_code == 302
    returned = PurchaseReturn.objects.get().lines.order_by("position").first()
    assert returned.lot is not None and returned.lot.batch_no == "B1"
    assert StockQuant.objects.get(product=milk, lot=returned.lot).on_hand == D(6)
    assert Serial.objects.get(serial_no="SN-2").status == "out"
    assert Serial.objects.get(serial_no="SN-1").status == "in_stock"


def test_reverse_a_return_with_its_preview(web, buy, receipt, noodles, english):
    noodle_line = receipt.lines.get(product=noodles)
    purchase_return = buy.give_back(
        ReturnLineData(product_id=noodles.pk, receipt_line_id=noodle_line.pk, quantity=D(2)), receipt=receipt
    )
    assert payable(buy.supplier) == D("207.92")
    blocked = web.get(f"/purchasing/receipts/{receipt.pk}/reverse/").content.decode()
    assert 'id="reverse-blocked"' in blocked and purchase_return.number in blocked
    refused = web.post(f"/purchasing/receipts/{receipt.pk}/reverse/", {"date": DAY.isoformat()})
    assert refused.status_code == 422 and "has returns" in refused.content.decode()
    preview = web.get(f"/purchasing/returns/{purchase_return.pk}/reverse/")
    assert preview.status_code == 200
    page = preview.content.decode()
    table = page[page.index('id="reverse-preview"') : page.index("</table>", page.index('id="reverse-preview"'))]
    assert "+48" in table and "72" in table and "120" in table
    box = page[page.index('id="reverse-payable"') : page.index("</dl>", page.index('id="reverse-payable"'))]
    assert "207.92" in box and "316.40" in box
    response = web.post(f"/purchasing/returns/{purchase_return.pk}/reverse/", {"date": DAY.isoformat()})
    reversal = PurchaseReturn.objects.get(reversal_of=purchase_return)
    assert response.status_code == 302 and response["Location"] == reversal.get_absolute_url()
    purchase_return.refresh_from_db()
    noodle_line.refresh_from_db()
    assert purchase_return.status == "reversed" and noodle_line.returned_quantity == 0
    assert on_hand(noodles) == D(120) and stock_value(noodles) == D("240.00")
    assert payable(buy.supplier) == D("316.40")


def test_the_warehouse_keeper_returns_without_seeing_prices(buy, receipt, noodles, make_user):
    keeper = _client(make_user("wh", "warehouse"))
    page = keeper.get(f"/purchasing/returns/new/?receipt={receipt.pk}").content.decode()
    assert 'name="lines-1-quantity" value="5"' in page and 'name="lines-1-price"' not in page
    noodle_line = receipt.lines.get(product=noodles)
    rows = [
        {
            "product": noodles.pk,
            "receipt_line": noodle_line.pk,
            "rejected": "False",
            "unit": noodle_line.unit_id,
            "quantity": "1",
            "price": "0.01",
        }
    ]
    response = keeper.post(f"/purchasing/returns/new/?receipt={receipt.pk}", _form(buy, rows, then="post"))
    assert response.status_code == 302
    purchase_return = PurchaseReturn.objects.get()
    assert purchase_return.status == "posted" and purchase_return.lines.get().price == D("48")  # the receipt's price
    assert payable(buy.supplier) == D("316.40") - D("54.24")
    detail = keeper.get(purchase_return.get_absolute_url()).content.decode()
    assert "54.24" not in detail and 'id="return-totals"' not in detail
    header, *data = sheet_rows(keeper.get("/purchasing/returns/", {"export": "xlsx"}).content)
    assert "Total credited" not in header and [r[0] for r in data] == [purchase_return.number]


def test_a_return_needs_a_posted_receipt_and_a_draft_can_be_deleted(web, buy, noodles):
    draft_receipt = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(3)), post=False)
    response = web.get(f"/purchasing/returns/new/?receipt={draft_receipt.pk}")
    assert response.status_code == 302 and response["Location"] == draft_receipt.get_absolute_url()
    assert web.get("/purchasing/returns/new/?receipt=999999").status_code == 404
    posted = buy.receive(ReceiptLineData(product_id=noodles.pk, received_quantity=D(3), price=D("2")))
    purchase_return = buy.give_back(
        ReturnLineData(product_id=noodles.pk, receipt_line_id=posted.lines.get().pk, quantity=D(1)),
        receipt=posted,
        post=False,
    )
    detail = web.get(purchase_return.get_absolute_url()).content.decode()
    assert 'id="document-post"' in detail and 'id="document-delete"' in detail
    edit = web.get(f"/purchasing/returns/{purchase_return.pk}/edit/").content.decode()
    assert 'name="lines-0-quantity" value="1"' in edit
    printed = web.get(f"/purchasing/returns/{purchase_return.pk}/print/").content.decode()
    assert purchase_return.number in printed and posted.number in printed and "Supplier's signature" in printed
    deleted = web.post(f"/purchasing/returns/{purchase_return.pk}/delete/")
    assert deleted.status_code == 302 and not PurchaseReturn.objects.exists()


def test_list_filters_export_and_constant_queries(web, buy, receipt, noodles, water, make_partner):
    noodle_line = receipt.lines.get(product=noodles)
    first = buy.give_back(
        ReturnLineData(product_id=noodles.pk, receipt_line_id=noodle_line.pk, quantity=D(1)), receipt=receipt
    )
    second = buy.give_back(
        ReturnLineData(product_id=water.pk, quantity=D(2), price=D("1.00")),
        date=DAY + timedelta(days=3),
        post=False,
    )

    def numbers(**query):
        page = web.get("/purchasing/returns/", query).content.decode()
        return {n for n in (first.number, second.number) if n in page}

    assert numbers() == {first.number, second.number}
    assert numbers(q="矿泉水") == {second.number}
    assert numbers(status="posted") == {first.number}
    assert numbers(date_to=DAY.isoformat()) == {first.number}
    other = make_partner("别家", is_customer=False, is_supplier=True)
    assert numbers(supplier=other.pk) == set()
    header, *rows = sheet_rows(web.get("/purchasing/returns/", {"status": "posted", "export": "xlsx"}).content)
    assert len(rows) == 1 and rows[0][0] == first.number
    assert rows[0][header.index("Receipt")] == receipt.number
    assert D(str(rows[0][header.index("Total credited")])) == D("54.24")

    with CaptureQueriesContext(connection) as few:
        assert web.get("/purchasing/returns/").status_code == 200
    for _ in range(5):
        buy.give_back(ReturnLineData(product_id=water.pk, quantity=D(1), price=D("1.00")), post=False)
    with CaptureQueriesContext(connection) as many:
        assert web.get("/purchasing/returns/").status_code == 200
    assert PurchaseReturn.objects.count() == 7
    assert len(many.captured_queries) == len(few.captured_queries)
    assert PurchaseReceipt.objects.count() == 1
