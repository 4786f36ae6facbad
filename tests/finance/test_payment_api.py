"""The payment and cash account API: allocations by item or document number, oldest first or none, every error as
{"code","message","data"} with nothing written, permissions, pages, filters, export, 红冲, apply, undo, open items,
the journal, and Idempotency-Key."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jxc.finance.models import Payment
from tests.finance.test_payments import written
from tests.helpers import sheet_rows


@pytest.fixture
def shipped(books: Any) -> tuple[Any, Any]:
    books.stock()
    return books.ship(10, "3.50"), books.ship(20, "3.50", day=date(2026, 11, 4))


def receipt(books: Any, amount: str = "50.00", **fields: Any) -> dict[str, Any]:
    return {"direction": "in", "partner_id": books.customer.pk, "amount": amount, "date": "2026-11-02", **fields}


def test_post_with_items_and_document_numbers(api, books, shipped):
    first, second = shipped
    item = books.item(first).pk
    response = api.post(
        "/payments",
        receipt(
            books,
            "60.00",
            reference="BANK-778",
            allocations=[{"item_id": item, "amount": "20.00"}, {"document": second.number, "amount": "30.00"}],
        ),
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("SK") and body["reference"] == "BANK-778"
    assert (D(body["allocated"]), D(body["unallocated"])) == (D("50.00"), D("10.00"))
    assert [(a["document"], D(a["amount"]), a["active"]) for a in body["allocations"]] == [
        (first.number, D("20.00"), True),
        (second.number, D("30.00"), True),
    ]
    got = api.get(f"/payments/{body['id']}").json()
    assert got["allocations"] == body["allocations"] and got["created_by"] == "boss"


def test_post_auto_and_none(api, books, shipped):
    first, second = shipped
    auto = api.post("/payments", receipt(books, "40.00", auto=True)).json()
    assert [a["document"] for a in auto["allocations"]] == [first.number, second.number]
    assert books.open(first) == D(0) and books.open(second) == D("65.00")
    prepaid = api.post("/payments", receipt(books, "15.00")).json()
    assert prepaid["allocations"] == [] and D(prepaid["unallocated"]) == D("15.00")


def test_post_errors_are_coded_and_write_nothing(api, books, shipped, make_partner):
    first, _second = shipped
    other = make_partner("城西便利店")
    theirs = books.ship(1, "3.50", customer=other)
    before = written()
    cases = [
        (receipt(books, "50.00", allocations=[{"item_id": books.item(first).pk, "amount": "35.01"}]), 422, "over_allocated"),
        (receipt(books, "10.00", allocations=[{"document": first.number, "amount": "10.01"}]), 422, "allocation_exceeds_credit"),
        (receipt(books, "5.00", allocations=[{"item_id": books.item(theirs).pk, "amount": "3.50"}]), 422, "allocation_mismatch"),
        (receipt(books, "5.00", allocations=[{"document": theirs.number, "amount": "3.50"}]), 422, "validation_error"),
        (receipt(books, "5.00", allocations=[{"amount": "3.50"}]), 422, "validation_error"),
        (receipt(books, "0"), 422, "validation_error"),
        (receipt(books, "5.00", direction="out"), 422, "validation_error"),
        (receipt(books, "5.00", partner_id=999999), 422, "validation_error"),
    ]  # fmt: skip
    for body, status, code in cases:
        response = api.post("/payments", body)
        assert (response.status_code, response.json()["code"]) == (status, code), (body, response.json())
        assert set(response.json()) == {"code", "message", "data"}
    over = api.post("/payments", cases[0][0]).json()
    assert over["data"]["number"] == first.number and over["data"]["field"] == "allocations"
    no_document = api.post("/payments", cases[3][0]).json()
    assert "allocations.0.document" in no_document["data"]["errors"]
    assert api.post("/payments", {"direction": "in"}).status_code == 422  # the schema itself
    assert written() == before


def test_post_in_a_closed_period_and_to_a_reversed_document(api, books, shipped):
    from jxc.inventory.services.periods import stock_period_close
    from jxc.sales.services.shipments import sales_shipment_reverse

    first, _second = shipped
    stock_period_close(actor=books.owner, month=date(2026, 9, 1))
    sales_shipment_reverse(actor=books.owner, shipment=first, day=date(2026, 11, 2))
    before = written()
    closed = api.post("/payments", receipt(books, "5.00", date="2026-09-10"))
    assert (closed.status_code, closed.json()["code"]) == (409, "closed_period")
    void = api.post("/payments", receipt(books, "5.00", allocations=[{"document": first.number, "amount": "5"}]))
    assert (void.status_code, void.json()["code"]) == (409, "document_void")
    assert written() == before


def test_reverse_apply_and_undo(api, books, shipped):
    first, second = shipped
    paid = api.post("/payments", receipt(books, "100.00", allocations=[{"document": first.number, "amount": "35"}]))
    payment_id = paid.json()["id"]
    applied = api.post(f"/payments/{payment_id}/apply", {"allocations": [{"document": second.number, "amount": "20"}]})
    assert applied.status_code == 200 and D(applied.json()["unallocated"]) == D("45.00")
    nothing = api.post(f"/payments/{payment_id}/apply", {})
    assert nothing.status_code == 422
    auto = api.post(f"/payments/{payment_id}/apply", {"auto": True, "date": "2026-11-20"}).json()
    assert D(auto["unallocated"]) == D(0) and books.open(second) == D("5.00")
    allocation = auto["allocations"][0]
    undone = api.post(f"/allocations/{allocation['id']}/undo")
    assert undone.status_code == 200 and undone.json()["active"] is False and books.open(first) == D("35.00")
    assert api.post("/allocations/999999/undo").status_code == 404
    early = api.post(f"/payments/{payment_id}/reverse?date=2026-11-01")
    assert early.status_code == 422 and "date" in early.json()["data"]["errors"]
    reversal = api.post(f"/payments/{payment_id}/reverse?date=2026-11-03")
    assert reversal.status_code == 201 and reversal.json()["reversal_of_id"] == payment_id
    assert D(reversal.json()["amount"]) == D("-100.00")
    original = api.get(f"/payments/{payment_id}").json()
    assert original["status"] == "reversed" and original["reversed_by_id"] == reversal.json()["id"]
    again = api.post(f"/payments/{payment_id}/reverse")
    assert (again.status_code, again.json()["code"]) == (409, "payment_reversed")
    assert books.balance() == D("105.00")
    assert api.get("/payments/999999").status_code == 404


def test_open_items_and_applying_a_credit(api, books, shipped):
    first, second = shipped
    prepaid = api.post("/payments", receipt(books, "40.00")).json()
    items = api.get(f"/partners/{books.customer.pk}/open-items").json()
    assert items["account"] == "receivable" and D(items["owed"]) == D("105.00") and D(items["credit"]) == D("40.00")
    assert [(d["document"], D(d["open"])) for d in items["debts"]] == [
        (first.number, D("35.00")),
        (second.number, D("70.00")),
    ]
    credit = items["credits"][0]
    assert credit["document"] == prepaid["number"] and credit["source_type"] == "finance.payment"
    made = api.post(f"/open-items/{credit['item_id']}/apply", {"auto": True})
    assert made.status_code == 200 and [(a["document"], D(a["amount"])) for a in made.json()] == [
        (first.number, D("35.00")),
        (second.number, D("5.00")),
    ]
    assert api.get(f"/partners/{books.supplier.pk}/open-items").json()["account"] == "payable"
    assert api.get(f"/partners/{books.customer.pk}/open-items?account=cash").status_code == 422
    assert api.get("/partners/999999/open-items").status_code == 404
    assert api.post("/open-items/999999/apply", {"auto": True}).status_code == 404


def test_list_filters_export_and_constant_queries(api, books, shipped, english):
    one = api.post("/payments", receipt(books, "35.00", reference="ICBC-1", auto=True)).json()
    books.receive(10, "2.00")
    out = api.post("/payments", {"direction": "out", "partner_id": books.supplier.pk, "amount": "5.00"}).json()

    def numbers(**query: Any) -> list[str]:
        return [p["number"] for p in api.get("/payments", query).json()["items"]]

    assert set(numbers()) == {one["number"], out["number"]}
    assert numbers(direction="out") == [out["number"]]
    assert numbers(q="ICBC") == [one["number"]]
    assert numbers(partner_id=books.supplier.pk) == [out["number"]]
    assert numbers(date_from="2026-11-03") == [out["number"]]
    listed = api.get("/payments", {"direction": "in"}).json()["items"][0]
    assert (D(listed["allocated"]), D(listed["unallocated"])) == (D("35.00"), D(0))
    _header, *rows = sheet_rows(api.get("/payments/export", {"direction": "in"}).content)
    assert len(rows) == 1 and rows[0][0] == one["number"]
    with CaptureQueriesContext(connection) as few:
        api.get("/payments")
    for _ in range(4):
        api.post("/payments", receipt(books, "1.00"))
    with CaptureQueriesContext(connection) as many:
        assert api.get("/payments").json()["count"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_permissions(api_for, make_user, books, shipped):
    viewer = make_user("clerk", "sales")
    assert api_for(viewer).get("/payments").status_code == 403
    assert api_for(viewer).post("/payments", receipt(books)).json()["code"] == "permission_denied"
    assert api_for(viewer).get("/cash-accounts").status_code == 403
    accountant = api_for(make_user("acc", "accountant"))
    assert accountant.post("/payments", receipt(books)).status_code == 201
    read_only = api_for(make_user("ro", "accountant"), scope="read")
    assert read_only.post("/payments", receipt(books)).status_code == 403
    assert Payment.objects.count() == 1


def test_idempotency_key_replays_the_payment(api, books, shipped):
    body = receipt(books, "12.00", auto=True)
    one = api.post("/payments", body, HTTP_IDEMPOTENCY_KEY="sk-1")
    two = api.post("/payments", body, HTTP_IDEMPOTENCY_KEY="sk-1")
    assert one.status_code == two.status_code == 201 and one.json()["id"] == two.json()["id"]
    assert two["Idempotent-Replayed"] == "true" and Payment.objects.count() == 1
    reused = api.post("/payments", receipt(books, "13.00"), HTTP_IDEMPOTENCY_KEY="sk-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    first = api.post(f"/payments/{one.json()['id']}/reverse", HTTP_IDEMPOTENCY_KEY="sk-1-r")
    second = api.post(f"/payments/{one.json()['id']}/reverse", HTTP_IDEMPOTENCY_KEY="sk-1-r")
    assert first.status_code == second.status_code == 201 and first.json()["id"] == second.json()["id"]
    assert Payment.objects.count() == 2


def test_cash_accounts_and_journal(api, books, shipped):
    created = api.post("/cash-accounts", {"name": "工商银行", "kind": "bank", "account_no": "6222"})
    assert created.status_code == 201 and created.json()["code"] == "ZH001"
    account_id = created.json()["id"]
    duplicate = api.post("/cash-accounts", {"name": "另一个", "code": "ZH001"})
    assert duplicate.status_code == 422 and "code" in duplicate.json()["data"]["errors"]
    changed = api.put(f"/cash-accounts/{account_id}", {"name": "工行基本户", "kind": "bank"})
    assert changed.status_code == 200 and changed.json()["name"] == "工行基本户" and changed.json()["code"] == "ZH001"
    assert api.get("/cash-accounts/999999").status_code == 404
    api.post("/payments", receipt(books, "30.00", cash_account_id=account_id, date="2026-10-30"))
    api.post("/payments", receipt(books, "20.00", cash_account_id=account_id))
    journal = api.get(f"/cash-accounts/{account_id}/entries", {"date_from": "2026-11-01"}).json()
    assert D(journal["opening"]) == D("30.00") and D(journal["closing"]) == D("50.00")
    assert [(D(e["amount"]), D(e["balance"])) for e in journal["entries"]] == [(D("20.00"), D("50.00"))]
    listed = api.get("/cash-accounts").json()["items"]
    assert [(a["code"], D(a["balance"])) for a in listed] == [("ZH001", D("50.00"))]
