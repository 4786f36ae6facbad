"""Tax invoice pages: record against a customer's shipments (documents loaded by partner), errors next to their
field or document with what was typed kept, detail and void, the list and the report with their exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.finance.choices import InvoiceDirection
from jxc.finance.models import Invoice, InvoiceLine
from jxc.finance.services.invoices import InvoiceData, InvoiceLineData, invoice_record
from tests.helpers import sheet_rows

DAY = date(2026, 11, 5)


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner: Any) -> Client:
    return _client(owner)


def _form(books: Any, lines: dict[Any, str], **header: Any) -> dict[str, Any]:
    data = {
        "direction": "issued",
        "partner": books.customer.pk,
        "number": "04400001",
        "date": DAY.isoformat(),
        "amount": "",
        "tax": "0",
        "notes": "",
    }
    data.update(header)
    for document, amount in lines.items():
        data[f"line-{books.item(document).pk}"] = amount
    return data


def _record(books: Any, number: str, lines: list[tuple[Any, str]], direction: str = "issued") -> Invoice:
    partner = books.customer if direction == "issued" else books.supplier
    return invoice_record(
        actor=books.owner,
        data=InvoiceData(
            direction=direction,
            partner_id=partner.pk,
            number=number,
            date=DAY,
            amount=sum((D(a) for _, a in lines), D(0)),
            tax=D("0.00"),
            lines=[InvoiceLineData(books.item(d).pk, D(a)) for d, a in lines],
        ),
    )


def test_record_an_invoice_through_the_form(web: Client, books: Any, english: Any) -> None:
    books.stock()
    first, second = books.ship(10, "3.50"), books.ship(20, "3.50")
    # the form, then the customer's documents loaded by htmx
    assert web.get("/finance/invoices/new/").status_code == 200
    panel = web.get(
        "/finance/invoices/documents/", {"direction": "issued", "partner": books.customer.pk}, HTTP_HX_REQUEST="true"
    )
    text = panel.content.decode()
    assert first.number in text and second.number in text and f'name="line-{books.item(first).pk}"' in text
    assert 'hx-swap-oob="true"' in text  # the partner list follows the direction
    # a supplier is not offered for an issued invoice
    assert books.supplier.name not in text
    response = web.post(
        "/finance/invoices/new/", _form(books, {first: "35.00", second: "30"}, amount="65.00", tax="7.48")
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/finance/invoices/{invoice.pk}/"
    assert invoice.amount == D("65.00") and invoice.tax == D("7.48")
    assert sorted(InvoiceLine.objects.values_list("amount", flat=True)) == [D("30.00"), D("35.00")]
    detail = web.get(response["Location"]).content.decode()
    assert "04400001" in detail and first.number in detail and "40.00" in detail  # 40.00 left on the second
    # now only the second is left to invoice
    left = web.get("/finance/invoices/documents/", {"direction": "issued", "partner": books.customer.pk})
    assert first.number not in left.content.decode() and second.number in left.content.decode()


def test_form_errors_keep_what_was_typed(web: Client, books: Any, english: Any) -> None:
    books.stock()
    first, second = books.ship(10, "3.50"), books.ship(20, "3.50")
    # too much on the second document: the error is on its row, and every typed value is still there
    response = web.post(
        "/finance/invoices/new/",
        _form(books, {first: "35.00", second: "70.01"}, amount="105.01", tax="12.08", notes="月底开票"),
    )
    page = response.content.decode()
    assert response.status_code == 422 and Invoice.objects.count() == 0
    row = page[page.index(f'data-document="{books.item(second).pk}"') :]
    row = row[: row.index("</tr>")]
    assert "has only 70.00 left to invoice; 70.01 were entered." in row and 'value="70.01"' in row
    assert 'value="35.00"' in page and 'value="105.01"' in page and 'value="12.08"' in page and "月底开票" in page
    assert 'value="04400001"' in page
    # lines not adding up: next to the amount
    response = web.post("/finance/invoices/new/", _form(books, {first: "35.00"}, amount="40.00"))
    page = response.content.decode()
    assert response.status_code == 422
    field = page[page.index('id="field-amount"') :]
    assert "The documents add up to 35.00, but the invoice amount is 40.00." in field[: field.index("</div>")]
    # tax above the amount, and a line that is not a number
    response = web.post("/finance/invoices/new/", _form(books, {first: "abc"}, amount="35.00", tax="36"))
    page = response.content.decode()
    assert response.status_code == 422 and "Enter a number." in page and 'value="abc"' in page
    # a number already recorded for this customer
    _record(books, "04400001", [(first, "5.00")])
    response = web.post("/finance/invoices/new/", _form(books, {first: "5.00"}, amount="5.00"))
    page = response.content.decode()
    field = page[page.index('id="field-number"') :]
    assert response.status_code == 422 and "is already used" in field[: field.index("</div>")]
    assert Invoice.objects.count() == 1


def test_detail_void_and_invoice_again(web: Client, books: Any, english: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    invoice = _record(books, "V1", [(shipment, "35.00")])
    page = web.get(f"/finance/invoices/{invoice.pk}/").content.decode()
    assert 'id="invoice-void-submit"' in page
    refused = web.post(f"/finance/invoices/{invoice.pk}/void/", {"reason": ""})
    assert refused.status_code == 422 and not Invoice.objects.get(pk=invoice.pk).void
    done = web.post(f"/finance/invoices/{invoice.pk}/void/", {"reason": "抬头开错"})
    assert done.status_code == 302 and Invoice.objects.get(pk=invoice.pk).void
    page = web.get(f"/finance/invoices/{invoice.pk}/").content.decode()
    assert "抬头开错" in page and 'id="invoice-void-submit"' not in page
    again = web.post("/finance/invoices/new/", _form(books, {shipment: "35.00"}, number="V2", amount="35.00"))
    assert again.status_code == 302 and Invoice.objects.filter(void=False).count() == 1


def test_permissions(books: Any, make_user: Any) -> None:
    books.stock()
    invoice = _record(books, "P1", [(books.ship(1, "3.50"), "3.50")])
    keeper = _client(make_user("keeper", "warehouse"))
    for url in ("/finance/invoices/", "/finance/invoices/new/", "/finance/invoices/status/"):
        assert keeper.get(url).status_code == 403
    assert keeper.post(f"/finance/invoices/{invoice.pk}/void/", {"reason": "x"}).status_code == 403
    assert not Invoice.objects.get(pk=invoice.pk).void


def test_list_filters_export_and_constant_queries(web: Client, books: Any, english: Any) -> None:
    books.stock()
    receipt = books.receive(10, "2.00")
    _record(books, "L1", [(books.ship(1, "3.50"), "3.50")])
    _record(books, "R1", [(receipt, "20.00")], direction="received")
    with CaptureQueriesContext(connection) as few:
        assert web.get("/finance/invoices/").status_code == 200
    for n in range(5):
        _record(books, f"L{n + 2}", [(books.ship(1, "3.50"), "3.50")])
    with CaptureQueriesContext(connection) as many:
        page = web.get("/finance/invoices/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert ">L6<" in page and ">R1<" in page
    issued = web.get("/finance/invoices/", {"direction": "received"}).content.decode()
    assert ">R1<" in issued and ">L1<" not in issued
    export = web.get("/finance/invoices/", {"export": "xlsx", "direction": "issued"})
    rows = sheet_rows(export.content)
    assert rows[0][0] == "Invoice number" and len(rows) == 7


def test_report_page_and_export(web: Client, books: Any, english: Any) -> None:
    books.stock()
    a, b = books.ship(10, "3.50"), books.ship(20, "3.50")
    _record(books, "S1", [(a, "35.00"), (b, "30.00")])
    page = web.get("/finance/invoices/status/").content.decode()
    assert a.number in page and b.number in page
    assert "¥105.00" in page and "¥65.00" in page and "¥40.00" in page
    open_only = web.get("/finance/invoices/status/", {"direction": "issued", "state": "open"}).content.decode()
    assert b.number in open_only and a.number not in open_only
    export = web.get("/finance/invoices/status/", {"direction": "issued", "export": "xlsx"})
    rows = sheet_rows(export.content)
    assert rows[0][:6] == ("Partner", "Document", "Date", "Amount with tax", "Invoiced", "Not yet invoiced")
    assert [r[1] for r in rows[1:3]] == [a.number, b.number]
    assert rows[-1][3:6] == (105, 65, 40)
    # the report's queries do not grow with its rows
    with CaptureQueriesContext(connection) as few:
        web.get("/finance/invoices/status/")
    for _ in range(5):
        books.ship(1, "3.50")
    with CaptureQueriesContext(connection) as many:
        web.get("/finance/invoices/status/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert InvoiceDirection.ISSUED == "issued"
