"""Statement API: a partner's statement as JSON and Excel, sharing it (the link comes back), the shared
statements with their answers; permissions and errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jxc.accounts.models import AuditEntry
from jxc.finance.choices import ReplyStatus
from jxc.finance.models import StatementShare
from jxc.finance.services.statements import statement_share_answer
from tests.finance.test_statements import END, START, Trade, share_of
from tests.helpers import sheet_rows

PERIOD = {"start": START.isoformat(), "end": END.isoformat()}


@pytest.fixture
def trade(books: Any) -> Trade:
    return Trade(books)


def test_statement_json(api: Any, trade: Trade) -> None:
    response = api.get(f"/partners/{trade.books.customer.pk}/statement", PERIOD)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["account"] == "receivable"
    assert (body["opening"], body["total_debit"], body["total_credit"], body["closing"]) == (
        "50.00",
        "100.00",
        "85.00",
        "65.00",
    )
    assert [(ln["number"], ln["debit"], ln["credit"], ln["balance"]) for ln in body["lines"]] == [
        (trade.second.number, "60.00", "0.00", "110.00"),
        (trade.fifth.number, "40.00", "0.00", "150.00"),
        (trade.returned.number, "0.00", "15.00", "135.00"),
        (trade.payment.number, "0.00", "70.00", "65.00"),
    ]
    assert body["lines"][2]["source_type"] == "sales.salesreturn"


def test_statement_json_defaults_to_the_partner_role(api: Any, books: Any) -> None:
    books.receive(10, "6.00", day=timezone.localdate())
    body = api.get(f"/partners/{books.supplier.pk}/statement").json()
    assert body["account"] == "payable" and body["closing"] == "60.00"


def test_statement_errors(api: Any, books: Any) -> None:
    assert api.get("/partners/999999/statement").status_code == 404
    response = api.get(f"/partners/{books.customer.pk}/statement", {"account": "cash"})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    response = api.get(f"/partners/{books.customer.pk}/statement", {"start": END, "end": START})
    assert response.status_code == 422


def test_statement_needs_the_permission(api_for: Any, make_user: Any, books: Any) -> None:
    seller = api_for(make_user("seller", "sales"))
    assert seller.get(f"/partners/{books.customer.pk}/statement").status_code == 403
    assert seller.get(f"/partners/{books.customer.pk}/statement/export").status_code == 403
    assert seller.post("/statement-shares", {"partner_id": books.customer.pk}).status_code == 403
    assert seller.get("/statement-shares").status_code == 403
    assert not StatementShare.objects.exists()


def test_statement_export(api: Any, trade: Trade) -> None:
    response = api.get(f"/partners/{trade.books.customer.pk}/statement/export", PERIOD)
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert rows[2][1] == "城东惠民超市"
    assert [r[6] for r in rows[6:]] == [50, 110, 150, 135, 65, None, 65]


def test_share_returns_the_link_that_opens_logged_out(api: Any, trade: Trade) -> None:
    before = AuditEntry.objects.count()
    response = api.post("/statement-shares", {"partner_id": trade.books.customer.pk, **PERIOD, "valid_days": 14})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["opening"], body["closing"], body["status"]) == ("50.00", "65.00", "pending")
    assert body["url"].startswith("http://testserver/finance/s/")
    assert AuditEntry.objects.count() == before + 1
    page = Client().get(body["url"].removeprefix("http://testserver"))
    assert page.status_code == 200 and "城东惠民超市" in page.content.decode()


def test_share_errors_write_nothing(api: Any, books: Any) -> None:
    before = AuditEntry.objects.count()
    assert api.post("/statement-shares", {"partner_id": 999999}).status_code == 404
    response = api.post("/statement-shares", {"partner_id": books.customer.pk, "valid_days": 0})
    assert response.status_code == 422 and "valid_days" in response.json()["data"]["errors"]
    response = api.post("/statement-shares", {"partner_id": books.customer.pk, "start": END, "end": START})
    assert response.status_code == 422
    assert not StatementShare.objects.exists()
    assert AuditEntry.objects.count() == before


def test_shares_list_with_answers(api: Any, trade: Trade, make_partner: Any) -> None:
    first = share_of(trade)
    statement_share_answer(share=first, status=ReplyStatus.DISPUTED, comment="少一笔收款", name="王会计")
    share_of(trade)
    body = api.get("/statement-shares", {"partner": trade.books.customer.pk}).json()
    assert body["count"] == 2
    newest, oldest = body["items"]
    assert newest["status"] == "pending" and newest["answered_at"] is None
    assert (oldest["status"], oldest["comment"], oldest["answered_by"]) == ("disputed", "少一笔收款", "王会计")
    assert oldest["url"].startswith("http://testserver/finance/s/")
    other = make_partner("西城便利店")
    assert api.get("/statement-shares", {"partner": other.pk}).json()["count"] == 0
    assert api.get("/statement-shares").json()["count"] == 2
    assert api.get("/statement-shares", {"partner": 999999}).status_code == 404
