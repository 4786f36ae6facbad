"""Tax invoice API: record, get, list, void, the documents to invoice, the report and the exports; errors are
{"code", "message", "data"} with nothing written."""

from __future__ import annotations

from typing import Any

from jxc.finance.models import Invoice, InvoiceLine
from tests.conftest import audit_count
from tests.helpers import sheet_rows


def _payload(books: Any, lines: list[tuple[Any, str]], **fields: Any) -> dict[str, Any]:
    data = {
        "direction": "issued",
        "partner_id": books.customer.pk,
        "number": "04400001",
        "date": "2026-11-05",
        "amount": str(sum(float(a) for _, a in lines)),
        "tax": "0.00",
        "lines": [{"item_id": books.item(d).pk, "amount": a} for d, a in lines],
    }
    data.update(fields)
    return data


def test_record_get_list_and_void(api: Any, books: Any) -> None:
    books.stock()
    first, second = books.ship(10, "3.50"), books.ship(20, "3.50")
    documents = api.get("/invoices/documents", {"direction": "issued", "partner": books.customer.pk}).json()
    assert [(d["document"], d["left"]) for d in documents] == [(first.number, "35.00"), (second.number, "70.00")]
    created = api.post("/invoices", _payload(books, [(first, "35.00"), (second, "30.00")], amount="65.00", tax="7.48"))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["amount"] == "65.00" and body["tax"] == "7.48" and body["void"] is False
    assert [(ln["document"], ln["amount"], ln["left"]) for ln in body["lines"]] == [
        (first.number, "35.00", "0.00"),
        (second.number, "30.00", "40.00"),
    ]
    assert body["lines"][0]["document_type"] == "sales.salesshipment"
    assert api.get(f"/invoices/{body['id']}").json()["number"] == "04400001"
    listed = api.get("/invoices", {"direction": "issued", "number": "0440"}).json()
    assert listed["count"] == 1 and listed["items"][0]["line_count"] == 2
    assert api.get("/invoices", {"direction": "received"}).json()["count"] == 0
    # void: needs a reason; then the documents can be invoiced again
    refused = api.post(f"/invoices/{body['id']}/void", {"reason": ""})
    assert refused.status_code == 422 and refused.json()["code"] == "validation_error"
    voided = api.post(f"/invoices/{body['id']}/void", {"reason": "开错"})
    assert voided.status_code == 200 and voided.json()["void"] is True
    assert voided.json()["lines"][1]["left"] == "70.00"
    assert api.get("/invoices", {"void": "true"}).json()["count"] == 1
    again = api.post("/invoices", _payload(books, [(second, "70.00")], number="04400002"))
    assert again.status_code == 201


def test_errors_are_codes_with_nothing_written(api: Any, books: Any, api_for: Any, make_user: Any) -> None:
    books.stock()
    shipment = books.ship(10, "3.50")
    receipt = books.receive(10, "2.00")
    assert api.post("/invoices", _payload(books, [(shipment, "30.00")])).status_code == 201
    before = (Invoice.objects.count(), InvoiceLine.objects.count(), audit_count())

    over = api.post("/invoices", _payload(books, [(shipment, "5.01")], number="X2"))
    assert over.status_code == 422 and over.json()["code"] == "invoice_exceeds_document"
    assert over.json()["data"] == {
        "number": shipment.number,
        "left": "5.00",
        "amount": "5.01",
        "field": "lines.0.amount",
    }
    duplicate = api.post("/invoices", _payload(books, [(shipment, "1.00")]))
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate"
    assert duplicate.json()["data"]["field"] == "number"
    wrong_role = api.post("/invoices", _payload(books, [(receipt, "20.00")], partner_id=books.supplier.pk, number="X3"))
    assert wrong_role.status_code == 422 and "partner" in wrong_role.json()["data"]["errors"]
    mismatch = api.post("/invoices", _payload(books, [(shipment, "1.00")], amount="2.00", number="X4"))
    assert mismatch.status_code == 422 and list(mismatch.json()["data"]["errors"]) == ["amount"]
    tax = api.post("/invoices", _payload(books, [(shipment, "1.00")], tax="1.01", number="X5"))
    assert tax.status_code == 422 and list(tax.json()["data"]["errors"]) == ["tax"]
    receipt_on_issued = api.post("/invoices", _payload(books, [(receipt, "1.00")], number="X6"))
    assert list(receipt_on_issued.json()["data"]["errors"]) == ["lines.0.item"]
    assert api.get("/invoices/999999").status_code == 404
    assert api.get("/invoices/999999").json()["code"] == "not_found"
    assert (Invoice.objects.count(), InvoiceLine.objects.count(), audit_count()) == before

    keeper = api_for(make_user("keeper", "warehouse"))
    forbidden = keeper.get("/invoices")
    assert forbidden.status_code == 403 and forbidden.json()["code"] == "permission_denied"
    assert keeper.post(f"/invoices/{Invoice.objects.get().pk}/void", {"reason": "x"}).status_code == 403
    assert api.get("/invoice-status", {"direction": "sideways"}).status_code == 422


def test_report_and_exports(api: Any, books: Any) -> None:
    books.stock()
    a, b = books.ship(10, "3.50"), books.ship(20, "3.50")
    receipt = books.receive(10, "2.00")
    api.post("/invoices", _payload(books, [(a, "35.00"), (b, "30.00")], amount="65.00"))
    api.post(
        "/invoices",
        _payload(books, [(receipt, "5.00")], direction="received", partner_id=books.supplier.pk, number="R1"),
    )
    report = api.get("/invoice-status", {"direction": "issued"}).json()
    assert report["totals"] == {"count": 2, "amount": "105.00", "invoiced": "65.00", "left": "40.00"}
    assert [(r["document"], r["invoiced"], r["left"]) for r in report["items"]] == [
        (a.number, "35.00", "0.00"),
        (b.number, "30.00", "40.00"),
    ]
    still = api.get("/invoice-status", {"direction": "issued", "state": "open"}).json()
    assert [r["document"] for r in still["items"]] == [b.number] and still["totals"]["left"] == "40.00"
    done = api.get("/invoice-status", {"direction": "issued", "state": "done", "start": "2026-11-01"}).json()
    assert [r["document"] for r in done["items"]] == [a.number]
    received = api.get("/invoice-status", {"direction": "received", "partner": books.supplier.pk}).json()
    assert received["totals"] == {"count": 1, "amount": "20.00", "invoiced": "5.00", "left": "15.00"}

    rows = sheet_rows(api.get("/invoice-status/export", {"direction": "issued"}).content)
    assert len(rows) == 4 and rows[-1][3:6] == (105, 65, 40)  # header, two documents, totals
    rows = sheet_rows(api.get("/invoices/export", {"direction": "received"}).content)
    assert len(rows) == 2 and rows[1][0] == "R1"
