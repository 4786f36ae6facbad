"""Statement pages: the statement of a partner and period, its Excel export and A4 print view, sharing it, the
public page behind the link (confirm, dispute with a comment, answered once, altered or expired links → 404 with
the reason), and the panel of shared statements on the partner's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jxc.accounts.models import AuditEntry
from jxc.finance.choices import ReplyStatus
from jxc.finance.models import StatementShare
from jxc.finance.selectors.statements import statement_share_token
from jxc.partners.models import Account
from tests.finance.test_statements import END, START, Trade, share_of
from tests.helpers import sheet_rows

QUERY = {"partner": "", "account": "receivable", "start": START.isoformat(), "end": END.isoformat()}
URL = "/finance/statements/"


def _client(user: Any = None, *, english: bool = True) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en") if english else Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def trade(books: Any) -> Trade:
    return Trade(books)


@pytest.fixture
def web(owner: Any) -> Client:
    return _client(owner)


def _query(trade: Trade, **extra: Any) -> dict[str, Any]:
    return {**QUERY, "partner": trade.books.customer.pk, **extra}


def _public(share: StatementShare) -> str:
    return f"/finance/s/{statement_share_token(share)}/"


# The statement page


def test_statement_page_shows_the_lines(web: Client, trade: Trade, english: Any) -> None:
    response = web.get(URL, _query(trade))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="statement-opening">50.00' in page
    assert "<strong>65.00</strong>" in page
    for document in (trade.second, trade.fifth, trade.returned, trade.payment):
        assert document.number in page
    assert trade.october.number not in page and trade.december.number not in page
    assert page.index(trade.second.number) < page.index(trade.fifth.number) < page.index(trade.returned.number)
    assert f'href="{trade.second.get_absolute_url()}"' in page
    assert "receipt of payment" in page and "sales return" in page
    assert 'id="statement-share-form"' in page


def test_statement_page_defaults_to_this_month_and_the_partner_role(web: Client, books: Any) -> None:
    response = web.get(URL, {"partner": books.supplier.pk})
    assert response.status_code == 200
    statement = response.context["statement"]
    today = timezone.localdate()
    assert statement.account == Account.PAYABLE
    assert statement.start == today.replace(day=1) and statement.end.month == today.month
    assert web.get(URL, {"partner": books.customer.pk}).context["statement"].account == Account.RECEIVABLE


def test_statement_page_without_a_partner_asks_for_one(web: Client, books: Any) -> None:
    response = web.get(URL)
    assert response.status_code == 200
    assert response.context.get("statement") is None
    assert 'id="statement-form"' in response.content.decode()


def test_statement_page_refuses_bad_dates(web: Client, trade: Trade, english: Any) -> None:
    response = web.get(URL, _query(trade, start=END.isoformat(), end=START.isoformat()))
    assert response.status_code == 422
    assert "The end date is before the start date." in response.content.decode()


def test_statement_page_unknown_partner(web: Client, books: Any) -> None:
    assert web.get(URL, {"partner": 999999}).status_code == 422


def test_statement_pages_need_the_permission(make_user: Any, trade: Trade) -> None:
    seller = _client(make_user("seller", "sales"))
    assert seller.get(URL, _query(trade)).status_code == 403
    assert seller.get(f"{URL}print/", _query(trade)).status_code == 403
    assert seller.post(f"{URL}share/", _query(trade)).status_code == 403
    assert not StatementShare.objects.exists()


def test_accountant_sees_and_shares(make_user: Any, trade: Trade) -> None:
    accountant = _client(make_user("acc", "accountant"))
    assert accountant.get(URL, _query(trade)).status_code == 200
    response = accountant.post(f"{URL}share/", {**_query(trade), "valid_days": "7"})
    assert response.status_code == 302
    assert StatementShare.objects.get().created_by.username == "acc"


def test_statement_page_queries_do_not_grow(web: Client, trade: Trade, django_assert_max_num_queries: Any) -> None:
    web.get(URL, _query(trade))
    with django_assert_max_num_queries(12):
        assert web.get(URL, _query(trade)).status_code == 200
    for _ in range(5):
        trade.books.ship(1, "1.00", day=dt.date(2026, 11, 20))
    with django_assert_max_num_queries(12):
        assert web.get(URL, _query(trade)).status_code == 200


# Excel and print


def test_excel_export(web: Client, trade: Trade) -> None:
    response = web.get(URL, _query(trade, export="xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    company = rows[0][0]
    assert company
    assert rows[2][1] == "城东惠民超市"
    assert rows[3][1] == "2026-11-01 – 2026-11-30"
    assert not any(rows[4])
    body = rows[6:]
    assert body[0][6] == 50  # opening
    lines = [(r[1], r[4], r[5], r[6]) for r in body[1:5]]
    assert lines == [
        (trade.second.number, 60, 0, 110),
        (trade.fifth.number, 40, 0, 150),
        (trade.returned.number, 0, 15, 135),
        (trade.payment.number, 0, 70, 65),
    ]
    assert (body[5][4], body[5][5]) == (100, 85)  # totals
    assert body[6][6] == 65  # closing
    assert len(body) == 7


def test_excel_export_in_english(web: Client, trade: Trade, english: Any) -> None:
    rows = sheet_rows(web.get(URL, _query(trade, export="xlsx")).content)
    assert rows[1][0] == "Statement of account · receivable"
    assert rows[2] == ("Partner", "城东惠民超市", *rows[2][2:])
    assert rows[5][:7] == ("Date", "Document", "Kind", "Memo", "Increase", "Decrease", "Balance")
    assert rows[6][2] == "Opening balance" and rows[-1][2] == "Closing balance"
    assert rows[-1][0] == dt.datetime(2026, 11, 30)


def test_print_view(trade: Trade, owner: Any) -> None:
    response = _client(owner, english=False).get(f"{URL}print/", _query(trade))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-Hans">' in page
    assert '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif' in page
    assert "@page { size: A4" in page
    assert 'id="print-partner">城东惠民超市<' in page
    assert 'id="print-closing">65.00<' in page
    assert page.count('class="line"') == 4  # signature and date for each party
    assert "<a href" not in page.split('id="print-sheet"')[1]  # nothing to click on paper


def test_print_view_without_a_partner_goes_back(web: Client, books: Any) -> None:
    response = web.get(f"{URL}print/")
    assert response.status_code == 302 and response["Location"] == URL


# Sharing


def test_share_shows_the_link(web: Client, trade: Trade) -> None:
    response = web.post(f"{URL}share/", {**_query(trade), "valid_days": "30"}, follow=True)
    assert response.status_code == 200
    share = StatementShare.objects.get()
    assert (share.opening, share.closing, share.account) == (D("50.00"), D("65.00"), Account.RECEIVABLE)
    page = response.content.decode()
    assert f'value="http://testserver{_public(share)}"' in page
    assert 'id="statement-share-copy"' in page


def test_share_with_bad_days_writes_nothing(web: Client, trade: Trade) -> None:
    before = AuditEntry.objects.count()
    response = web.post(f"{URL}share/", {**_query(trade), "valid_days": "999"}, follow=True)
    assert response.status_code == 200
    assert not StatementShare.objects.exists()
    assert AuditEntry.objects.count() == before
    assert "alert-error" in response.content.decode()


def test_share_is_post_only(web: Client, trade: Trade) -> None:
    assert web.get(f"{URL}share/", _query(trade)).status_code == 405


# The public page


def test_public_page_logged_out(trade: Trade, owner: Any) -> None:
    share = share_of(trade)
    response = _client(english=False).get(_public(share))
    assert response.status_code == 200
    page = response.content.decode()
    assert "城东惠民超市" in page
    assert 'id="public-opening">50.00' in page and "<strong>65.00</strong>" in page
    assert trade.second.number in page and trade.payment.number in page
    assert 'id="answer-confirm"' in page and 'id="answer-dispute"' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "/finance/statements/" not in page and 'href="/sales' not in page  # no way into the app


def test_public_page_shows_no_other_partner(trade: Trade, make_partner: Any) -> None:
    other = make_partner("西城便利店")
    trade.books.ship(3, "9.00", day=dt.date(2026, 11, 12), customer=other)
    page = _client().get(_public(share_of(trade))).content.decode()
    assert "西城便利店" not in page and "27.00" not in page
    assert "cost" not in page.lower()


def test_confirm_then_visible_on_the_partner_panel(trade: Trade, web: Client, english: Any) -> None:
    share = share_of(trade)
    anonymous = _client()
    response = anonymous.post(_public(share), {"status": "confirmed", "name": "王会计", "comment": ""})
    assert response.status_code == 302
    share.refresh_from_db()
    assert (share.status, share.answered_by) == (ReplyStatus.CONFIRMED, "王会计")
    page = anonymous.get(_public(share)).content.decode()
    assert 'id="answer-recorded"' in page and 'data-status="confirmed"' in page
    assert 'id="answer-confirm"' not in page
    customer = trade.books.customer
    assert 'id="partner-statements"' in web.get(f"/partners/{customer.pk}/").content.decode()
    panel = web.get(f"/finance/partners/{customer.pk}/statements-panel/").content.decode()
    assert 'data-status="confirmed"' in panel and "confirmed" in panel
    assert "65.00" in panel and "2026-11-01 – 2026-11-30" in panel
    assert f"partner={customer.pk}&amp;account=receivable&amp;start=2026-11-01&amp;end=2026-11-30" in panel


def test_dispute_needs_a_comment(trade: Trade, english: Any) -> None:
    share = share_of(trade)
    before = AuditEntry.objects.count()
    response = _client().post(_public(share), {"status": "disputed", "name": "王会计", "comment": ""})
    assert response.status_code == 422
    assert 'data-error="comment"' in response.content.decode()
    assert 'value="王会计"' in response.content.decode()  # what was typed is kept
    share.refresh_from_db()
    assert share.status == ReplyStatus.PENDING and share.answered_at is None
    assert AuditEntry.objects.count() == before


def test_dispute_with_a_comment_shows_on_the_panel(trade: Trade, web: Client) -> None:
    share = share_of(trade)
    _client().post(_public(share), {"status": "disputed", "name": "王会计", "comment": "退货金额不对"})
    share.refresh_from_db()
    assert (share.status, share.comment) == (ReplyStatus.DISPUTED, "退货金额不对")
    panel = web.get(f"/finance/partners/{trade.books.customer.pk}/statements-panel/").content.decode()
    assert 'data-status="disputed"' in panel and "退货金额不对" in panel


def test_answering_twice_is_refused(trade: Trade, english: Any) -> None:
    share = share_of(trade)
    anonymous = _client()
    anonymous.post(_public(share), {"status": "confirmed", "name": "王会计"})
    response = anonymous.post(_public(share), {"status": "disputed", "name": "李四", "comment": "不对"})
    assert response.status_code == 409
    assert "This statement was already confirmed." in response.content.decode()
    share.refresh_from_db()
    assert (share.status, share.answered_by) == (ReplyStatus.CONFIRMED, "王会计")


def test_tampered_link_is_404_with_the_reason(trade: Trade, english: Any) -> None:
    token = statement_share_token(share_of(trade))
    bad = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    for url in (f"/finance/s/{bad}/", "/finance/s/nothing/"):
        response = _client().get(url)
        assert response.status_code == 404
        assert "This statement link is not valid" in response.content.decode()
    response = _client().post(f"/finance/s/{bad}/", {"status": "confirmed", "name": "x"})
    assert response.status_code == 404


def test_expired_link_is_404(trade: Trade, english: Any) -> None:
    share = share_of(trade)
    StatementShare.objects.filter(pk=share.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = _client().get(_public(share))
    assert response.status_code == 404
    assert "it has expired" in response.content.decode()
    response = _client().post(_public(share), {"status": "confirmed", "name": "王会计"})
    assert response.status_code == 404
    share.refresh_from_db()
    assert share.status == ReplyStatus.PENDING


def test_public_page_warns_when_the_account_changed(trade: Trade, english: Any) -> None:
    share = share_of(trade)
    trade.books.ship(1, "7.00", day=dt.date(2026, 11, 25))
    page = _client().get(_public(share)).content.decode()
    assert 'id="public-changed"' in page


# The partner's panel


def test_panel_is_empty_without_the_permission(make_user: Any, trade: Trade) -> None:
    share_of(trade)
    seller = _client(make_user("seller", "sales"))
    customer = trade.books.customer
    response = seller.get(f"/finance/partners/{customer.pk}/statements-panel/")
    assert response.status_code == 200 and response.content == b""
    detail = seller.get(f"/partners/{customer.pk}/")
    assert "statements-panel" not in detail.content.decode()


def test_panel_lists_waiting_shares(web: Client, trade: Trade, english: Any) -> None:
    share_of(trade)
    panel = web.get(f"/finance/partners/{trade.books.customer.pk}/statements-panel/").content.decode()
    assert 'data-status="pending"' in panel and "waiting for the answer" in panel


def test_panel_unknown_partner(web: Client, books: Any) -> None:
    assert web.get("/finance/partners/999999/statements-panel/").status_code == 404


def test_panel_queries_do_not_grow(web: Client, trade: Trade, django_assert_max_num_queries: Any) -> None:
    url = f"/finance/partners/{trade.books.customer.pk}/statements-panel/"
    share_of(trade)
    with django_assert_max_num_queries(8):
        web.get(url)
    for _ in range(5):
        share_of(trade)
    with django_assert_max_num_queries(8):
        assert web.get(url).status_code == 200
