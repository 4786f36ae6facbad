"""Pages: a partner's account, the ageing table with its toggle and as-of date, the overdue lists, Excel exports,
permissions and query counts that do not grow with rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.finance.test_ledger import trade_of
from tests.helpers import sheet_rows


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def trade(books: Any) -> Any:
    return trade_of(books)


@pytest.fixture
def web(owner: Any, english: Any) -> Client:
    return _client(owner)


def test_partner_account_page(web, books, trade):
    page = web.get(f"/finance/partners/{books.customer.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="receivable">¥68.00' in html
    assert f"/finance/payments/new/?direction=in&amp;partner={books.customer.pk}" in html
    assert f"/finance/write-offs/new/?partner={books.customer.pk}" in html
    assert trade.docs[1].number in html and f'href="/sales/shipments/{trade.docs[1].pk}/"' in html
    assert trade.paid.number in html and "-20.00" in html  # the prepayment, an open credit


def test_partner_entries_filter_and_export(web, books, trade):
    url = f"/finance/partners/{books.customer.pk}/"
    filtered = web.get(url, {"date_from": "2026-11-01", "kind": "finance.payment"}, HTTP_HX_REQUEST="true",
                       HTTP_HX_TARGET="entries")  # fmt: skip
    html = filtered.content.decode()
    assert filtered.status_code == 200 and "<html" not in html
    assert trade.paid.number in html and trade.prepaid.number in html and trade.docs[4].number not in html
    assert "¥129.50" in html  # the receivable before Nov 1

    export = web.get(url, {"account": "receivable", "export": "xlsx"})
    rows = sheet_rows(export.content)
    assert rows[0][:3] == ("Date", "Type", "Document")
    assert [r[2] for r in rows[1:]] == [d.number for d in trade.docs[:4]] + [trade.paid.number, trade.docs[4].number,
                                                                              trade.prepaid.number]  # fmt: skip


def test_ageing_page_toggle_as_of_and_export(web, books, trade):
    page = web.get("/finance/ageing/", {"account": "receivable", "as_of": "2026-11-20"})
    html = page.content.decode()
    assert page.status_code == 200 and books.customer.name in html
    assert 'data-col="days_61_90">60.00' in html and 'data-col="credits">-20.00' in html
    assert f'href="/finance/partners/{books.customer.pk}/"' in html
    payables = web.get("/finance/ageing/", {"account": "payable", "as_of": "2026-11-20"}).content.decode()
    assert books.customer.name not in payables and "Nothing is open" in payables

    export = web.get("/finance/ageing/", {"account": "receivable", "as_of": "2026-11-01", "export": "xlsx"})
    rows = sheet_rows(export.content)
    assert rows[0][1:] == ("Partner", "Not yet due", "0–30 days", "31–60 days", "61–90 days", "Over 90 days",
                           "Unapplied credits", "Total")  # fmt: skip
    assert rows[1][2:] == (7, 17.5, 0, 70, 35, 0, 129.5)
    assert rows[-1][1] == "Total" and rows[-1][-1] == 129.5


def test_overdue_page_and_export(web, books, trade):
    page = web.get("/finance/overdue/", {"account": "receivable", "as_of": "2026-11-20"})
    html = page.content.decode()
    assert page.status_code == 200
    assert trade.docs[1].number in html and trade.docs[2].number in html and trade.docs[3].number not in html
    export = web.get("/finance/overdue/", {"account": "receivable", "as_of": "2026-11-20", "export": "xlsx"})
    rows = sheet_rows(export.content)
    assert [(r[0], r[5], r[7]) for r in rows[1:]] == [(trade.docs[1].number, 81, 60), (trade.docs[2].number, 41, 17.5)]
    books.receive(10, "2.00", day=date(2026, 10, 25))
    soon = web.get("/finance/overdue/", {"account": "payable", "as_of": "2026-11-20", "within": "7"}).content.decode()
    assert books.supplier.name in soon


def test_pages_need_view_payment(books, trade, make_user):
    seller = _client(make_user("seller", "sales"))
    for url in (f"/finance/partners/{books.customer.pk}/", "/finance/ageing/", "/finance/overdue/"):
        assert seller.get(url).status_code == 403
    accountant = _client(make_user("acc", "accountant"))
    assert accountant.get("/finance/ageing/").status_code == 200


def test_query_counts_do_not_grow_with_rows(web, books, make_partner):
    books.stock(day=date(2026, 5, 1))
    books.ship(1, "3.50", day=date(2026, 8, 1))

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get(url, {"as_of": "2026-11-20"}).status_code == 200
        return len(queries.captured_queries)

    partner_url = f"/finance/partners/{books.customer.pk}/"
    few = [count(u) for u in ("/finance/ageing/", "/finance/overdue/", partner_url)]
    for i in range(5):
        books.ship(1, "3.50", day=date(2026, 8, 1))
        books.ship(1, "3.50", day=date(2026, 8, 1), customer=make_partner(f"客户{i}"))
    many = [count(u) for u in ("/finance/ageing/", "/finance/overdue/", partner_url)]
    assert many == few
