"""Write-off pages: the form with the partner's open documents (htmx), errors next to their field with what was
typed kept, the detail page with the approval steps and approve / reject for the role, the list and its export."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.finance.models import WriteOff
from jxc.partners.models import PartnerEntry
from tests.finance.conftest import DAY
from tests.finance.test_writeoffs import data, rule
from tests.helpers import sheet_rows


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner: Any, english: Any) -> Client:
    return _client(owner)


@pytest.fixture
def owed(books: Any) -> tuple[Any, Any]:
    books.stock()
    return books.ship(10, "3.50"), books.ship(20, "3.50")


def form(books: Any, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "write_off",
        "partner": books.customer.pk,
        "account": "receivable",
        "date": DAY.isoformat(),
        "amount": "",
        "reason": "客户倒闭",
        **extra,
    }


def test_the_form_loads_the_partners_open_documents(web, books, owed):
    page = web.get("/finance/write-offs/new/", {"partner": books.customer.pk}).content.decode()
    assert owed[0].number in page and f'name="line-{books.item(owed[1]).pk}"' in page
    panel = web.get("/finance/write-offs/items/", {"partner": books.customer.pk, "account": "receivable"})
    html = panel.content.decode()
    assert panel.status_code == 200 and "<html" not in html and owed[1].number in html and "105.00" in html
    empty = web.get("/finance/write-offs/items/", {"partner": books.customer.pk, "account": "payable"})
    assert "Nothing is open" in empty.content.decode()


def test_save_with_lines_and_submit_posts_without_a_rule(web, books, owed):
    second = books.item(owed[1]).pk
    response = web.post("/finance/write-offs/new/", form(books, then="submit", **{f"line-{second}": "12.50"}))
    write_off = WriteOff.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/finance/write-offs/{write_off.pk}/"
    assert write_off.amount == D("12.50") and write_off.status == "posted"
    assert books.open(owed[1]) == D("57.50")
    detail = web.get(f"/finance/write-offs/{write_off.pk}/").content.decode()
    assert 'id="writeoff-allocations"' in detail and owed[1].number in detail and "write_off.posted" in detail


def test_errors_show_next_to_the_field_and_keep_what_was_typed(web, books, owed):
    first = books.item(owed[0]).pk
    before = (WriteOff.objects.count(), PartnerEntry.objects.count())
    no_reason = web.post("/finance/write-offs/new/", form(books, reason="", **{f"line-{first}": "5.00"}))
    html = no_reason.content.decode()
    assert no_reason.status_code == 422 and "Say why the amount is written off." in html
    assert f'name="line-{first}" value="5.00"' in html
    over = web.post("/finance/write-offs/new/", form(books, **{f"line-{first}": "36.00"}))
    assert over.status_code == 422 and "has only 35.00 open" in over.content.decode()
    too_much = web.post("/finance/write-offs/new/", form(books, amount="200.00"))
    assert too_much.status_code == 422 and "cannot be written off" in too_much.content.decode()
    assert (WriteOff.objects.count(), PartnerEntry.objects.count()) == before


def test_approval_steps_and_buttons_for_the_role(books, owed, make_user, english):
    rule(books.owner, "total_above", D("10"))
    from jxc.finance.services.writeoffs import writeoff_create, writeoff_submit

    write_off = writeoff_create(actor=books.owner, data=data(books, "40.00"))
    writeoff_submit(actor=books.owner, write_off=write_off)
    url = f"/finance/write-offs/{write_off.pk}/"
    seller = _client(make_user("seller", "sales"))
    assert seller.get(url).status_code == 403
    clerk = _client(make_user("clerk", "accountant"))
    page = clerk.get(url).content.decode()
    assert 'id="approval-steps"' in page and "total above 10" in page and 'id="writeoff-approve"' in page

    empty = clerk.post(f"{url}reject/", {"reject-reason": ""})
    assert empty.status_code == 422
    approved = clerk.post(f"{url}approve/", {"approve-comment": "同意"})
    assert approved.status_code == 302
    write_off.refresh_from_db()
    assert write_off.status == "posted" and books.balance() == D("65.00")


def test_reject_then_edit(web, books, owed):
    rule(books.owner)
    from jxc.finance.services.writeoffs import writeoff_create, writeoff_submit

    write_off = writeoff_create(actor=books.owner, data=data(books, "40.00"))
    writeoff_submit(actor=books.owner, write_off=write_off)
    assert web.post(f"/finance/write-offs/{write_off.pk}/reject/", {"reject-reason": "太多"}).status_code == 302
    write_off.refresh_from_db()
    assert write_off.status == "rejected"
    edit = web.get(f"/finance/write-offs/{write_off.pk}/edit/")
    assert edit.status_code == 200 and 'name="amount" value="40"' in edit.content.decode()
    saved = web.post(f"/finance/write-offs/{write_off.pk}/edit/", form(books, amount="20.00"))
    assert saved.status_code == 302
    write_off.refresh_from_db()
    assert write_off.status == "draft" and write_off.amount == D("20.00")


def test_list_export_and_query_count(web, books, owed):
    from jxc.finance.services.writeoffs import writeoff_create

    writeoff_create(actor=books.owner, data=data(books, "1.00"))
    with CaptureQueriesContext(connection) as few:
        assert web.get("/finance/write-offs/").status_code == 200
    for _ in range(4):
        writeoff_create(actor=books.owner, data=data(books, "1.00"))
    with CaptureQueriesContext(connection) as many:
        page = web.get("/finance/write-offs/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert page.content.decode().count('data-status="draft"') == 5
    rows = sheet_rows(web.get("/finance/write-offs/", {"export": "xlsx"}).content)
    assert rows[0][0] == "Number" and len(rows) == 6 and rows[1][5] == 1
