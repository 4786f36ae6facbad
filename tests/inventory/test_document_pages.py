"""Stock document pages: entry with scan rows, errors next to their line, post, reverse, transfers, scope, cost."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.accounts.models import AuditEntry
from jxc.inventory.choices import DocumentStatus
from jxc.inventory.models import StockDocument, StockDocumentLine, StockMove, StockPosting
from jxc.inventory.services.documents import stock_document_post
from tests.helpers import sheet_rows
from tests.inventory.conftest import DAY


def _form(stock, lines, *, kind="receipt", **header):
    """POST data of the entry form: the header, then one formset row per line dict."""
    data = {
        "warehouse": stock.warehouse.pk,
        "date": DAY.isoformat(),
        "reason": "opening" if kind == "receipt" else "scrap" if kind == "issue" else "",
        "notes": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
    }
    data.update(header)
    for i, line in enumerate(lines):
        for key, value in line.items():
            data[f"lines-{i}-{key}"] = value
    return data


def _written():
    return (
        StockDocument.objects.count(),
        StockDocumentLine.objects.count(),
        StockMove.objects.count(),
        AuditEntry.objects.count(),
    )


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner):
    """The owner's browser, in English (the messages the tests read)."""
    return _client(owner)


@pytest.fixture
def coke(make_product):
    return make_product(sku="COKE-330", name="可口可乐 330ml")


def test_create_a_receipt_with_two_lines_and_post_it(web, stock, noodles, coke, units):
    lines = [
        {"product": noodles.pk, "unit": units["箱"].pk, "quantity": "2", "unit_cost": "50", "location": ""},
        {"product": coke.pk, "unit": units["包"].pk, "quantity": "10", "amount": "25.5", "notes": "整箱"},
    ]
    response = web.post("/inventory/receipts/new/", _form(stock, lines, notes="期初"))
    document = StockDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inventory/documents/{document.pk}/"
    assert document.number.startswith("QR") and document.status == DocumentStatus.DRAFT
    first, second = document.lines.order_by("position")
    assert (first.unit_quantity, first.quantity, first.amount) == (2, 48, Decimal("100.00"))
    assert (second.amount, second.unit_cost, second.notes) == (Decimal("25.50"), Decimal("2.55"), "整箱")

    posted = web.post(f"/inventory/documents/{document.pk}/post/")
    assert posted.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.POSTED
    assert stock.on_hand(noodles) == 48 and stock.on_hand(coke) == 10
    page = web.get(f"/inventory/documents/{document.pk}/").content.decode()
    assert 'data-status="posted"' in page and "125.50" in page and 'id="document-moves"' in page
    assert 'id="document-reverse"' in page and 'id="document-edit"' not in page


def test_save_and_post_in_one_step_then_add_another(web, stock, noodles, units):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "5"}]
    response = web.post("/inventory/receipts/new/", _form(stock, lines, then="post"))
    document = StockDocument.objects.get()
    assert response["Location"] == f"/inventory/documents/{document.pk}/"
    assert document.status == DocumentStatus.POSTED
    assert document.lines.get().amount == Decimal("11.75")  # no cost typed: the purchase price 2.35
    again = web.post("/inventory/receipts/new/", _form(stock, lines, then="new"))
    assert again["Location"] == "/inventory/receipts/new/"


def test_a_validation_error_keeps_the_typed_values_and_names_the_line(web, stock, noodles, coke, units, english):
    before = _written()
    lines = [
        {"product": noodles.pk, "unit": units["箱"].pk, "quantity": "3", "unit_cost": "48.5"},
        {"product": coke.pk, "unit": units["包"].pk, "quantity": "0", "notes": "typed note"},
    ]
    response = web.post("/inventory/receipts/new/", _form(stock, lines, notes="typed header"))
    assert response.status_code == 422
    page = response.content.decode()
    assert _written() == before
    summary = page[page.index('id="document-errors"') : page.index("</ul>", page.index('id="document-errors"'))]
    assert "Line 2" in summary and "可口可乐" in summary and "greater than zero" in summary
    second_row = page[page.index('data-prefix="lines-1"') : page.index("</tr>", page.index('data-prefix="lines-1"'))]
    assert "greater than zero" in second_row
    first_row = page[page.index('data-prefix="lines-0"') : page.index("</tr>", page.index('data-prefix="lines-0"'))]
    assert "errorlist" not in first_row
    assert 'name="lines-0-unit_cost" value="48.5"' in page and 'value="typed note"' in page
    assert "typed header" in page and f'<option value="{units["箱"].pk}" selected>' in first_row


def test_a_form_error_of_django_is_shown_in_its_row_too(web, stock, noodles, units, english):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "abc"}]
    response = web.post("/inventory/receipts/new/", _form(stock, lines))
    assert response.status_code == 422
    assert "Line 1" in response.content.decode()
    assert not StockDocument.objects.exists()


def test_a_domain_error_without_a_line_field_goes_to_the_row(web, stock, noodles, units, english):
    stock.receive(noodles, 5, "10")
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "2", "location": "", "to_location": ""}]
    before = _written()
    response = web.post("/inventory/transfers/new/", _form(stock, lines, kind="transfer", to_warehouse=""))
    assert response.status_code == 422
    page = response.content.decode()
    row = page[page.index('data-prefix="lines-0"') : page.index("</tr>", page.index('data-prefix="lines-0"'))]
    assert "different target location" in row
    assert _written() == before


def test_the_scan_lookup_gives_the_box_unit_and_a_row_in_it(web, stock, noodles, units):
    box = noodles.barcodes.get(unit=units["箱"]).code
    found = web.get("/catalog/products/lookup/", {"code": box}).json()
    assert (found["id"], found["unit"], found["factor"]) == (noodles.pk, "箱", "24.000000")
    row = web.get("/inventory/documents/line/", {"code": box, "kind": "receipt", "index": "3"})
    assert row.status_code == 200
    html = row.content.decode()
    assert 'name="lines-3-product"' in html and f'value="{noodles.pk}"' in html
    assert f'<option value="{units["箱"].pk}" selected>箱</option>' in html
    assert 'name="lines-3-quantity" value="1"' in html and 'name="lines-3-unit_cost"' in html
    assert 'name="lines-3-DELETE"' in html  # a scanned row can be removed again before saving
    unknown = web.get("/inventory/documents/line/", {"code": "0000", "kind": "receipt", "index": "0"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    assert web.get("/catalog/products/lookup/", {"code": "0000"}).status_code == 404


def test_the_entry_page_has_the_scan_field_and_its_script(web, stock):
    page = web.get("/inventory/issues/new/").content.decode()
    assert "data-scan-add" in page and "inventory/documents.js" in page
    assert 'data-lookup-url="/catalog/products/lookup/"' in page
    assert web.get("/inventory/nothings/new/").status_code == 404
    assert web.get("/static/inventory/documents.js").status_code == 200


def test_tracked_products_get_their_fields_in_the_row(web, stock, make_product, units):
    milk = make_product(sku="MILK", name="纯牛奶", track_lots=True)
    phone = make_product(sku="PHONE", name="手机", track_serials=True)
    receipt_row = web.get("/inventory/documents/line/", {"code": "MILK", "kind": "receipt", "index": "0"})
    assert 'name="lines-0-batch_no"' in receipt_row.content.decode()
    assert 'name="lines-0-expiry_date"' in receipt_row.content.decode()
    stock.receive(milk, 10, "30", batch="B1", expiry=DAY.replace(year=2027))
    issue_row = web.get("/inventory/documents/line/", {"code": "MILK", "kind": "issue", "index": "0"}).content.decode()
    assert 'name="lines-0-lot"' in issue_row and "B1" in issue_row and 'name="lines-0-batch_no"' not in issue_row
    serial_row = web.get("/inventory/documents/line/", {"code": phone.sku, "kind": "issue", "index": "1"})
    assert 'name="lines-1-serials"' in serial_row.content.decode()


def test_an_issue_of_a_lot_product_takes_the_earliest_expiry_when_no_lot_is_chosen(web, stock, make_product, units):
    milk = make_product(sku="MILK", name="纯牛奶", track_lots=True)
    stock.receive(milk, 5, "15", batch="LATE", expiry=DAY.replace(year=2028))
    stock.receive(milk, 5, "15", batch="EARLY", expiry=DAY.replace(year=2027))
    lines = [{"product": milk.pk, "unit": units["包"].pk, "quantity": "7", "lot": ""}]
    response = web.post("/inventory/issues/new/", _form(stock, lines, kind="issue", then="post"))
    assert response.status_code == 302
    document = StockDocument.objects.get(kind="issue")
    assert [(ln.lot.batch_no, ln.quantity) for ln in document.lines.order_by("position")] == [
        ("EARLY", 5),
        ("LATE", 2),
    ]


def test_posting_twice_is_harmless(web, stock, noodles, units):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "4"}]
    web.post("/inventory/receipts/new/", _form(stock, lines))
    document = StockDocument.objects.get()
    assert web.post(f"/inventory/documents/{document.pk}/post/").status_code == 302
    counts = StockMove.objects.count(), AuditEntry.objects.count()
    again = web.post(f"/inventory/documents/{document.pk}/post/")
    assert again.status_code == 302
    assert (StockMove.objects.count(), AuditEntry.objects.count()) == counts
    assert stock.on_hand(noodles) == 4
    assert web.get(f"/inventory/documents/{document.pk}/post/").status_code == 405


def test_a_post_that_fails_shows_the_error_on_the_draft_and_writes_nothing(web, stock, noodles, units, english):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "4"}]
    web.post("/inventory/issues/new/", _form(stock, lines, kind="issue"))
    document = StockDocument.objects.get()
    before = _written()
    response = web.post(f"/inventory/documents/{document.pk}/post/")
    assert response.status_code == 422
    assert "Not enough stock" in response.content.decode()
    assert _written() == before
    document.refresh_from_db()
    assert document.status == DocumentStatus.DRAFT


def test_save_and_post_that_cannot_post_keeps_the_draft_and_says_why(web, stock, noodles, units, english):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "4"}]
    response = web.post("/inventory/issues/new/", _form(stock, lines, kind="issue", then="post"), follow=True)
    document = StockDocument.objects.get()
    assert document.status == DocumentStatus.DRAFT and not StockMove.objects.exists()
    assert response.redirect_chain[-1][0] == f"/inventory/documents/{document.pk}/edit/"
    assert "could not be posted" in response.content.decode() and 'value="4"' in response.content.decode()


def test_edit_a_draft_and_only_a_draft(web, stock, noodles, units):
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "4", "unit_cost": "2"}]
    web.post("/inventory/receipts/new/", _form(stock, lines))
    document = StockDocument.objects.get()
    page = web.get(f"/inventory/documents/{document.pk}/edit/").content.decode()
    assert 'name="lines-0-quantity" value="4"' in page and 'name="lines-INITIAL_FORMS" value="1"' in page
    data = _form(stock, [{**lines[0], "quantity": "6"}], **{"lines-INITIAL_FORMS": "1"})
    assert web.post(f"/inventory/documents/{document.pk}/edit/", data).status_code == 302
    assert document.lines.get().unit_quantity == 6 and document.lines.get().amount == Decimal("12.00")
    stock_document_post(actor=stock.owner, document=document)
    response = web.get(f"/inventory/documents/{document.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"/inventory/documents/{document.pk}/"


def test_the_reverse_page_shows_the_preview_then_reverses(web, stock, noodles):
    receipt = stock.receive(noodles, 10, "25")
    page = web.get(f"/inventory/documents/{receipt.pk}/reverse/")
    assert page.status_code == 200
    html = page.content.decode()
    preview = html[html.index('id="reverse-preview"') : html.index("</table>", html.index('id="reverse-preview"'))]
    assert "-10" in preview and "总仓 DEFAULT" in preview and "25.00" in preview
    response = web.post(f"/inventory/documents/{receipt.pk}/reverse/", {"date": DAY.isoformat()})
    reversal = StockDocument.objects.get(reversal_of=receipt)
    assert response.status_code == 302 and response["Location"] == reversal.get_absolute_url()
    assert stock.on_hand(noodles) == 0
    original = web.get(receipt.get_absolute_url()).content.decode()
    assert reversal.number in original and 'id="reversed-by"' in original
    assert receipt.number in web.get(reversal.get_absolute_url()).content.decode()
    assert web.get(f"/inventory/documents/{receipt.pk}/reverse/").status_code == 302  # already reversed


def test_the_reverse_page_refuses_when_the_stock_is_gone(web, stock, noodles, english):
    receipt = stock.receive(noodles, 10, "25")
    stock.issue(noodles, 8)
    page = web.get(f"/inventory/documents/{receipt.pk}/reverse/").content.decode()
    assert 'id="reverse-short"' in page and "short" in page
    before = _written()
    response = web.post(f"/inventory/documents/{receipt.pk}/reverse/", {"date": DAY.isoformat()})
    assert response.status_code == 422
    assert "Not enough stock" in response.content.decode()
    assert _written() == before
    receipt.refresh_from_db()
    assert receipt.status == DocumentStatus.POSTED


def test_a_reversal_cannot_be_dated_before_the_document(web, stock, noodles, english):
    receipt = stock.receive(noodles, 10, "25")
    response = web.post(f"/inventory/documents/{receipt.pk}/reverse/", {"date": "2020-01-01"})
    assert response.status_code == 422 and "cannot be dated before" in response.content.decode()
    assert not StockDocument.objects.filter(reversal_of=receipt).exists()


def test_a_two_step_transfer_is_shipped_then_received(web, stock, noodles, make_warehouse, units):
    branch = make_warehouse("BR", "分店仓")
    stock.receive(noodles, 20, "50")
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "6", "location": "", "to_location": ""}]
    response = web.post("/inventory/transfers/new/", _form(stock, lines, kind="transfer", to_warehouse=branch.pk))
    assert response.status_code == 302
    transfer = StockDocument.objects.get(kind="transfer")
    assert transfer.number.startswith("DB")
    web.post(f"/inventory/documents/{transfer.pk}/post/")
    transfer.refresh_from_db()
    assert transfer.status == DocumentStatus.IN_TRANSIT
    assert stock.on_hand(noodles) == 14 and stock.on_hand(noodles, branch) == 0
    transit = web.get("/inventory/in-transit/").content.decode()
    assert transfer.number in transit and "分店仓" in transit and "/receive/" in transit
    detail = web.get(transfer.get_absolute_url()).content.decode()
    assert 'id="document-receive"' in detail and 'data-status="in_transit"' in detail

    received = web.post(f"/inventory/documents/{transfer.pk}/receive/", {"next": "in_transit"})
    assert received.status_code == 302 and received["Location"] == "/inventory/in-transit/"
    transfer.refresh_from_db()
    assert transfer.status == DocumentStatus.POSTED and stock.on_hand(noodles, branch) == 6
    assert transfer.number not in web.get("/inventory/in-transit/").content.decode().split("<tbody>")[1]
    assert StockPosting.objects.filter(source_id=transfer.pk).count() == 2
    assert web.post(f"/inventory/documents/{transfer.pk}/receive/").status_code == 302  # harmless again
    assert StockPosting.objects.filter(source_id=transfer.pk).count() == 2


def test_a_transfer_between_locations_posts_in_one_step(web, stock, noodles, units):
    stock.receive(noodles, 5, "10")
    target = stock.location("A-01")
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "5", "to_location": target.pk}]
    web.post("/inventory/transfers/new/", _form(stock, lines, kind="transfer", then="post"))
    transfer = StockDocument.objects.get(kind="transfer")
    assert transfer.status == DocumentStatus.POSTED and transfer.lines.get().to_location == target


def test_a_user_without_view_cost_never_sees_amounts(stock, noodles, make_user, units):
    receipt = stock.receive(noodles, 10, "12345.67")
    keeper = make_user("keeper", "warehouse")
    client = _client(keeper)
    for url in (
        "/inventory/receipts/",
        "/inventory/documents/",
        receipt.get_absolute_url(),
        f"/inventory/documents/{receipt.pk}/print/",
        f"/inventory/documents/{receipt.pk}/reverse/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "12,345.67" not in response.content.decode() and "12345.67" not in response.content.decode(), url
    for url in ("/inventory/receipts/?export=xlsx", f"{receipt.get_absolute_url()}?export=xlsx"):
        rows = sheet_rows(client.get(url).content)
        assert all(Decimal("12345.67") not in row and "12345.67" not in row for row in rows), url
    form = client.get("/inventory/receipts/new/").content.decode()
    assert "unit_cost" not in form
    row = client.get("/inventory/documents/line/", {"code": noodles.sku, "kind": "receipt", "index": "0"})
    assert "unit_cost" not in row.content.decode() and "amount" not in row.content.decode()
    owner_rows = sheet_rows(_client(stock.owner).get("/inventory/receipts/?export=xlsx").content)
    assert owner_rows[1][-1] == 12345.67


def test_a_keeper_editing_a_draft_keeps_the_costs_someone_else_typed(stock, noodles, make_user, units, web):
    lines = [{"product": noodles.pk, "unit": units["箱"].pk, "quantity": "2", "unit_cost": "60"}]
    web.post("/inventory/receipts/new/", _form(stock, lines))
    document = StockDocument.objects.get()
    keeper = _client(make_user("keeper", "warehouse"))
    data = _form(
        stock,
        [{"product": noodles.pk, "unit": units["箱"].pk, "quantity": "3"}],
        **{"lines-INITIAL_FORMS": "1"},
    )
    assert keeper.post(f"/inventory/documents/{document.pk}/edit/", data).status_code == 302
    line = document.lines.get()
    assert (line.unit_quantity, line.unit_cost, line.amount) == (3, Decimal("60"), Decimal("180.00"))


def test_a_sales_user_may_not_enter_or_see_documents(stock, noodles, make_user):
    receipt = stock.receive(noodles, 1, "2")
    client = _client(make_user("seller", "sales"))
    assert client.get("/inventory/receipts/new/").status_code == 403
    assert client.post("/inventory/receipts/new/", {}).status_code == 403
    assert client.get("/inventory/documents/").status_code == 403
    assert client.get(receipt.get_absolute_url()).status_code == 403
    assert client.post(f"/inventory/documents/{receipt.pk}/reverse/").status_code == 403
    assert client.get("/inventory/documents/line/", {"code": "x", "kind": "receipt", "index": "0"}).status_code == 403


def test_a_user_limited_to_one_warehouse(stock, noodles, make_user, make_warehouse, units, english):
    branch = make_warehouse("BR", "分店仓")
    main_receipt = stock.receive(noodles, 3, "6")
    branch_receipt = stock.receive(noodles, 4, "8", warehouse=branch)
    keeper = make_user("keeper", "warehouse", all_warehouses=False, warehouse_ids=[branch.pk])
    client = _client(keeper)

    listing = client.get("/inventory/documents/").content.decode()
    assert branch_receipt.number in listing and main_receipt.number not in listing
    assert client.get(main_receipt.get_absolute_url()).status_code == 404
    assert client.get(f"/inventory/documents/{main_receipt.pk}/print/").status_code == 404
    assert client.get(f"/inventory/documents/{main_receipt.pk}/reverse/").status_code == 404
    assert client.post(f"/inventory/documents/{main_receipt.pk}/reverse/").status_code == 404
    form = client.get("/inventory/receipts/new/").content.decode()
    assert "分店仓" in form and "总仓" not in form

    before = _written()
    lines = [{"product": noodles.pk, "unit": units["包"].pk, "quantity": "1"}]
    response = client.post("/inventory/receipts/new/", _form(stock, lines))
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert _written() == before


def test_a_transfer_into_a_limited_users_warehouse_can_be_received_there_only(
    stock, noodles, make_user, make_warehouse, units
):
    branch = make_warehouse("BR", "分店仓")
    stock.receive(noodles, 5, "10")
    transfer = stock.transfer(noodles, 2, target="DEFAULT", to_warehouse=branch)
    keeper = _client(make_user("keeper", "warehouse", all_warehouses=False, warehouse_ids=[branch.pk]))
    detail = keeper.get(transfer.get_absolute_url()).content.decode()
    assert 'id="document-receive"' in detail and 'id="document-reverse"' not in detail
    assert keeper.get(f"/inventory/documents/{transfer.pk}/reverse/").status_code == 403
    assert f"/inventory/documents/{transfer.pk}/receive/" in keeper.get("/inventory/in-transit/").content.decode()
    sender = _client(make_user("sender", "warehouse", all_warehouses=False, warehouse_ids=[stock.warehouse.pk]))
    in_transit = sender.get("/inventory/in-transit/").content.decode()
    assert transfer.number in in_transit and "/receive/" not in in_transit
    assert sender.post(f"/inventory/documents/{transfer.pk}/receive/").status_code == 403
    assert keeper.post(f"/inventory/documents/{transfer.pk}/receive/").status_code == 302
    assert stock.on_hand(noodles, branch) == 2


def test_the_list_filters_and_exports(web, stock, noodles, coke, make_warehouse):
    branch = make_warehouse("BR", "分店仓")
    stock.receive(noodles, 10, "20")
    stock.receive(coke, 10, "20", warehouse=branch)
    issue = stock.issue(noodles, 2)
    text = web.get("/inventory/issues/").content.decode()
    assert issue.number in text and "QR" not in text.split("<tbody>")[1]
    by_product = web.get("/inventory/documents/", {"q": "COKE"}).content.decode().split("<tbody>")[1]
    assert "分店仓" in by_product and issue.number not in by_product
    by_warehouse = web.get("/inventory/documents/", {"warehouse": branch.pk}).content.decode().split("<tbody>")[1]
    assert by_warehouse.count("/inventory/documents/") == 1
    assert "QR" not in web.get("/inventory/documents/", {"status": "draft"}).content.decode().split("<tbody>")[1]
    assert "QR" not in web.get("/inventory/documents/", {"date_to": "2020-01-01"}).content.decode().split("<tbody>")[1]
    rows = sheet_rows(web.get("/inventory/documents/", {"export": "xlsx", "kind": "receipt"}).content)
    assert len(rows) == 3 and [r[-1] for r in rows[1:]] == [20, 20]
    issue_rows = sheet_rows(web.get("/inventory/issues/", {"export": "xlsx"}).content)
    assert len(issue_rows) == 2 and issue_rows[1][0] == issue.number
    assert issue_rows[1][-1] == 4  # the cost of what went out: 2 of 10 worth 20


def test_the_list_does_not_query_per_document(web, stock, noodles):
    stock.receive(noodles, 10, "20")
    with CaptureQueriesContext(connection) as few:
        web.get("/inventory/documents/")
    for _n in range(10):
        stock.issue(noodles, 1)
    with CaptureQueriesContext(connection) as many:
        response = web.get("/inventory/documents/")
    assert response.status_code == 200
    assert response.content.decode().count('href="/inventory/documents/') >= 11
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_print_view(web, stock, noodles):
    receipt = stock.receive(noodles, 24, "56.40")
    page = web.get(f"/inventory/documents/{receipt.pk}/print/").content.decode()
    assert receipt.number in page and "总仓" in page and "56.40" in page and "KSF-105" in page
    assert "@page" in page and 'id="print-lines"' in page
    assert "signatures" in page


def test_copy_a_reversed_document_into_a_new_draft(web, stock, noodles, units):
    receipt = stock.receive(noodles, 10, "25")
    web.post(f"/inventory/documents/{receipt.pk}/reverse/", {"date": DAY.isoformat()})
    page = web.get(f"/inventory/receipts/new/?copy={receipt.pk}").content.decode()
    assert 'name="lines-0-quantity" value="10"' in page and f'value="{noodles.pk}"' in page
    reversal = StockDocument.objects.get(reversal_of=receipt)
    assert web.get(f"/inventory/receipts/new/?copy={reversal.pk}").status_code == 404
