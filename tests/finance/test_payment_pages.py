"""Payment and cash account pages: entry with the partner's open documents (htmx), amounts per document or oldest
first, errors next to the form with every typed value kept, detail with undo / apply / 红冲, a partner's credits,
lists with filters, export and constant queries, the cash journal, permissions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jxc.finance.models import CashAccount, Payment
from jxc.finance.selectors.payments import payment_unallocated
from jxc.finance.services.cash import CashAccountData, cash_account_save
from jxc.partners.models import Allocation
from tests.finance.test_payments import written
from tests.helpers import sheet_rows


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def web(owner: Any) -> Client:
    return _client(owner)


@pytest.fixture
def shipped(books: Any) -> tuple[Any, Any]:
    books.stock()
    return books.ship(10, "3.50"), books.ship(20, "3.50", day=date(2026, 11, 4))


def form(books: Any, amount: str = "50.00", **fields: Any) -> dict[str, Any]:
    return {
        "direction": "in",
        "partner": books.customer.pk,
        "cash_account": "",
        "method": "bank",
        "date": "2026-11-02",
        "amount": amount,
        "reference": "",
        "notes": "",
        **fields,
    }


def test_entry_page_loads_the_partners_open_documents(web, books, shipped, english):
    first, second = shipped
    page = web.get("/finance/payments/new/?direction=in")
    assert page.status_code == 200 and 'hx-get="/finance/payments/open-items/"' in page.content.decode()
    panel = web.get("/finance/payments/open-items/", {"partner": books.customer.pk, "direction": "in"})
    html = panel.content.decode()
    assert first.number in html and second.number in html
    assert f'name="alloc-{books.item(first).pk}"' in html and "105.00" in html
    empty = web.get("/finance/payments/open-items/", {"partner": books.supplier.pk, "direction": "out"})
    assert "Nothing is open" in empty.content.decode()
    out = web.get("/finance/payments/new/?direction=out").content.decode()
    assert books.supplier.name in out and books.customer.name not in out


def test_entry_with_amounts_per_document(web, books, shipped):
    first, second = shipped
    data = form(books, "60.00", reference="回单-1")
    data[f"alloc-{books.item(first).pk}"] = "35"
    data[f"alloc-{books.item(second).pk}"] = "20.00"
    response = web.post("/finance/payments/new/", data)
    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == payment.get_absolute_url()
    assert (books.open(first), books.open(second)) == (D(0), D("50.00"))
    assert payment_unallocated(payment=payment) == D("5.00") and payment.reference == "回单-1"


def test_entry_oldest_first_and_save_and_new(web, books, shipped):
    first, second = shipped
    data = form(books, "40.00", auto="on", then="new")
    data[f"alloc-{books.item(second).pk}"] = "40"  # ignored: automatic
    response = web.post("/finance/payments/new/", data)
    assert response.status_code == 302 and response["Location"] == "/finance/payments/new/?direction=in"
    assert (books.open(first), books.open(second)) == (D(0), D("65.00"))


def test_entry_error_keeps_every_typed_value(web, books, shipped, english):
    first, second = shipped
    data = form(books, "50.00", reference="REF-9", notes="月底对账")
    data[f"alloc-{books.item(first).pk}"] = "36.00"
    data[f"alloc-{books.item(second).pk}"] = "14"
    before = written()
    response = web.post("/finance/payments/new/", data)
    html = response.content.decode()
    assert response.status_code == 422 and written() == before
    assert f"{first.number} has only 35.00 open" in html
    assert 'value="50.00"' in html and 'value="REF-9"' in html and 'value="月底对账"' in html
    assert f'name="alloc-{books.item(first).pk}" value="36.00"' in html
    assert f'name="alloc-{books.item(second).pk}" value="14"' in html
    assert f'data-item="{books.item(first).pk}" data-open="35.00" class="is-invalid"' in html
    more = dict(data, **{f"alloc-{books.item(first).pk}": "35", f"alloc-{books.item(second).pk}": "15.01"})
    too_much = web.post("/finance/payments/new/", more).content.decode()
    assert "left to apply" in too_much and 'value="15.01"' in too_much
    bad = web.post("/finance/payments/new/", dict(data, **{f"alloc-{books.item(first).pk}": "abc"}))
    assert bad.status_code == 422 and "“abc” is not an amount." in bad.content.decode()
    assert written() == before


def test_entry_in_a_closed_period_and_for_an_inactive_partner(web, books, shipped, english):
    from jxc.inventory.services.periods import stock_period_close
    from jxc.partners.services.partners import partner_set_active

    stock_period_close(actor=books.owner, month=date(2026, 9, 1))
    before = written()
    closed = web.post("/finance/payments/new/", form(books, date="2026-09-10", reference="R1"))
    assert closed.status_code == 422 and "closed period" in closed.content.decode()
    assert 'value="R1"' in closed.content.decode()
    partner_set_active(actor=books.owner, partner=books.customer, active=False)
    before = written()
    inactive = web.post("/finance/payments/new/", form(books))
    assert inactive.status_code == 422 and "is inactive" in inactive.content.decode()
    assert written() == before


def test_detail_undo_apply_and_reverse(web, books, shipped, english):
    first, second = shipped
    payment = books.pay("100.00", shares=[(first, "35.00")])
    page = web.get(payment.get_absolute_url()).content.decode()
    assert first.number in page and "Apply what is left (¥65.00)" in page and "data-undo=" in page
    item = books.item(second).pk
    refused = web.post(f"/finance/payments/{payment.pk}/apply/", {"date": "2026-11-20", f"alloc-{item}": "70.01"})
    assert refused.status_code == 422 and 'value="70.01"' in refused.content.decode()
    applied = web.post(f"/finance/payments/{payment.pk}/apply/", {"date": "2026-11-20", f"alloc-{item}": "30"})
    assert applied.status_code == 302 and books.open(second) == D("40.00")
    allocation = Allocation.objects.filter(debit_id=books.item(first).pk).get()
    undone = web.post(f"/finance/allocations/{allocation.pk}/undo/", {"next": payment.get_absolute_url()})
    assert undone.status_code == 302 and undone["Location"] == payment.get_absolute_url()
    assert books.open(first) == D("35.00")
    confirm = web.get(f"/finance/payments/{payment.pk}/reverse/").content.decode()
    assert "Reverse it" in confirm and second.number in confirm
    early = web.post(f"/finance/payments/{payment.pk}/reverse/", {"date": "2026-11-01"})
    assert early.status_code == 422
    reversed_ = web.post(f"/finance/payments/{payment.pk}/reverse/", {"date": "2026-11-05"})
    reversal = Payment.objects.get(reversal_of=payment)
    assert reversed_.status_code == 302 and reversed_["Location"] == reversal.get_absolute_url()
    assert books.open(second) == D("70.00") and books.balance() == D("105.00")
    original = web.get(payment.get_absolute_url()).content.decode()
    assert reversal.number in original and "Apply what is left" not in original
    assert payment.number in web.get(reversal.get_absolute_url()).content.decode()


def test_partner_credits_page_applies_a_prepayment(web, books, shipped, english):
    first, second = shipped
    prepaid = books.pay("50.00", shares=[])
    url = f"/finance/partners/{books.customer.pk}/credits/"
    page = web.get(url).content.decode()
    assert prepaid.number in page and first.number in page
    credit = books.item(prepaid).pk
    refused = web.post(
        url, {"account": "receivable", "credit": credit, "date": "2026-11-20", f"alloc-{books.item(second).pk}": "51"}
    )
    assert refused.status_code == 422 and 'value="51"' in refused.content.decode()
    done = web.post(url, {"account": "receivable", "credit": credit, "date": "2026-11-20", "auto": "on"})
    assert done.status_code == 302 and (books.open(first), books.open(second)) == (D(0), D("55.00"))
    assert "No open credits" in web.get(url).content.decode()


def test_payment_list_filters_export_and_constant_queries(web, books, shipped, english):
    one = books.pay("35.00", shares=None)
    books.receive(10, "2.00")
    two = books.pay("5.00", direction="out", shares=[])

    def numbers(**query: Any) -> set[str]:
        page = web.get("/finance/payments/", query).content.decode()
        return {n for n in (one.number, two.number) if n in page}

    assert numbers() == {one.number, two.number}
    assert numbers(direction="out") == {two.number}
    assert numbers(partner=books.customer.pk) == {one.number}
    assert numbers(q=one.number) == {one.number}
    header, *rows = sheet_rows(web.get("/finance/payments/", {"direction": "in", "export": "xlsx"}).content)
    assert len(rows) == 1 and rows[0][0] == one.number
    assert D(str(rows[0][header.index("Allocated")])) == D("35.00")
    with CaptureQueriesContext(connection) as few:
        assert web.get("/finance/payments/").status_code == 200
    for _ in range(5):
        books.pay("1.00", shares=[])
    with CaptureQueriesContext(connection) as many:
        assert web.get("/finance/payments/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_cash_account_pages(web, books, shipped, english):
    response = web.post("/finance/cash-accounts/new/", {"name": "工商银行", "kind": "bank", "active": "on"})
    account = CashAccount.objects.get()
    assert response.status_code == 302 and response["Location"] == account.get_absolute_url()
    duplicate = web.post("/finance/cash-accounts/new/", {"name": "另一个", "code": account.code, "kind": "cash"})
    assert duplicate.status_code == 422 and "Another account has this code." in duplicate.content.decode()
    assert 'value="另一个"' in duplicate.content.decode()
    edit = web.post(
        f"/finance/cash-accounts/{account.pk}/edit/", {"name": "工行基本户", "kind": "bank", "active": "on"}
    )
    assert edit.status_code == 302
    books.pay("30.00", shares=[], day=date(2026, 10, 30))
    books.pay("20.00", shares=[])
    page = web.get(account.get_absolute_url(), {"date_from": "2026-11-01", "date_to": "2026-11-30"}).content.decode()
    assert 'id="journal-opening">30.00' in page and 'id="journal-closing"><strong>50.00' in page
    header, *rows = sheet_rows(
        web.get(account.get_absolute_url(), {"date_from": "2026-11-01", "export": "xlsx"}).content
    )
    assert header[-1] == "Running balance" and [r[-1] for r in rows] == [30, 50, 50]
    listing = web.get("/finance/cash-accounts/").content.decode()
    assert "工行基本户" in listing and "50.00" in listing
    assert sheet_rows(web.get("/finance/cash-accounts/", {"export": "xlsx"}).content)[1][1] == "工行基本户"
    cash_account_save(actor=books.owner, data=CashAccountData(name="现金二"))
    with CaptureQueriesContext(connection) as few:
        web.get("/finance/cash-accounts/")
    for i in range(4):
        cash_account_save(actor=books.owner, data=CashAccountData(name=f"账户{i}"))
    with CaptureQueriesContext(connection) as many:
        web.get("/finance/cash-accounts/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_permissions(make_user, books, shipped):
    clerk = _client(make_user("clerk", "sales"))
    for url in ("/finance/payments/", "/finance/payments/new/", "/finance/cash-accounts/"):
        assert clerk.get(url).status_code == 403
    payment = books.pay("10.00", shares=[])
    assert clerk.post(f"/finance/payments/{payment.pk}/reverse/", {"date": "2026-11-02"}).status_code == 403
    accountant = _client(make_user("acc", "accountant"))
    assert accountant.get("/finance/payments/new/?direction=out").status_code == 200
    assert accountant.get(payment.get_absolute_url()).status_code == 200
