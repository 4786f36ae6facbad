"""月结 over stock, partner and cash ledgers: closing a month saves every balance at its end (hand-computed here),
back-dated postings are refused with nothing written, only the owner reopens (snapshots dropped, audited), and
closing again rebuilds the same figures. Also the page and the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client

from jxc.accounts.models import AuditEntry
from jxc.core.errors import Forbidden
from jxc.finance.choices import Direction
from jxc.finance.models import CashAccount, CashEntry, CashSnapshot, PartnerSnapshot, Payment
from jxc.finance.selectors.cash import cash_journal
from jxc.finance.selectors.ledger import account_totals
from jxc.finance.selectors.periods import cash_balance_at, partner_balance_at, period_totals
from jxc.finance.selectors.statements import statement_opening
from jxc.inventory.choices import PeriodStatus
from jxc.inventory.errors import ClosedPeriod, PeriodOrder
from jxc.inventory.models import CostSnapshot, CostState, StockMove, StockPeriod
from jxc.inventory.services.periods import stock_period_close, stock_period_reopen
from jxc.partners.models import Account, PartnerEntry
from jxc.purchasing.models import PurchaseReceipt
from jxc.sales.models import SalesShipment
from tests.conftest import Api

SEP, OCT, NOV = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)


def _counts() -> dict[str, int]:
    return {
        "moves": StockMove.objects.count(),
        "entries": PartnerEntry.objects.count(),
        "cash": CashEntry.objects.count(),
        "payments": Payment.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def trade(books: Any) -> Any:
    """September and October trade (the product's tax is 13 %, so 2.26 with tax is 2.00 of stock value):

    Sep: 1000 in at 2.00 (2000.00); ship 10 at 5.00 (receivable 50.00, cost 20.00); receive 100 at 2.26 (payable
    226.00, stock +200.00); 30.00 received from the customer into the bank.
    Oct: ship 20 at 5.00 (+100.00, cost 40.00); 50.00 paid to the supplier; receive 50 at 2.26 (+113.00, +100.00).
    Nov: ship 5 at 5.00 (+25.00), after both month ends.
    """
    books.stock(1000, "2.00", day=date(2026, 9, 1))
    books.ship(10, "5.00", day=date(2026, 9, 10))
    books.receive(100, "2.26", day=date(2026, 9, 15))
    books.pay("30.00", day=date(2026, 9, 20))
    books.ship(20, "5.00", day=date(2026, 10, 5))
    books.pay("50.00", direction=Direction.OUT, day=date(2026, 10, 8))
    books.receive(50, "2.26", day=date(2026, 10, 12))
    books.ship(5, "5.00", day=date(2026, 11, 2))
    return books


def _partner_rows(period: StockPeriod) -> dict[int, tuple[D, D]]:
    return {s.partner_id: (s.receivable, s.payable) for s in PartnerSnapshot.objects.filter(period=period)}


def _cash_rows(period: StockPeriod) -> dict[int, D]:
    return {s.account_id: s.balance for s in CashSnapshot.objects.filter(period=period)}


def test_closing_months_saves_partner_cash_and_stock_balances_at_each_month_end(trade: Any) -> None:
    bank = CashAccount.objects.get()
    september = stock_period_close(actor=trade.owner, month=SEP)
    assert _partner_rows(september) == {
        trade.customer.pk: (D("20.00"), D("0.00")),
        trade.supplier.pk: (D("0.00"), D("226.00")),
    }
    assert _cash_rows(september) == {bank.pk: D("30.00")}
    october = stock_period_close(actor=trade.owner, month=OCT)
    assert _partner_rows(october) == {
        trade.customer.pk: (D("120.00"), D("0.00")),
        trade.supplier.pk: (D("0.00"), D("289.00")),
    }
    assert _cash_rows(october) == {bank.pk: D("-20.00")}
    totals = period_totals(period_ids=[september.pk, october.pk])
    assert totals[september.pk].stock_value == D("2180.00")  # 2000 − 20 + 200
    assert totals[october.pk].stock_value == D("2240.00")  # 2180 − 40 + 100
    assert (totals[october.pk].receivable, totals[october.pk].payable, totals[october.pk].cash) == (
        D("120.00"),
        D("289.00"),
        D("-20.00"),
    )
    # Today's balances carry on from the October snapshot: + 25.00 shipped in November.
    assert trade.balance() == D("145.00")
    assert CostState.objects.aggregate(v=Sum("value"))["v"] == D("2230.00")


def test_balances_at_a_past_date_start_from_the_last_snapshot(trade: Any, django_assert_max_num_queries: Any) -> None:
    stock_period_close(actor=trade.owner, month=SEP)
    stock_period_close(actor=trade.owner, month=OCT)
    bank = CashAccount.objects.get()
    # At or after a month end: that month's snapshot plus the entries since; before the first one: the entries.
    assert partner_balance_at(partner=trade.customer, day=date(2026, 9, 30)) == (D("20.00"), D("0.00"))
    assert partner_balance_at(partner=trade.customer, day=date(2026, 10, 4)) == (D("20.00"), D("0.00"))
    assert partner_balance_at(partner=trade.customer, day=date(2026, 11, 2)) == (D("145.00"), D("0.00"))
    assert partner_balance_at(partner=trade.supplier, day=date(2026, 10, 31)) == (D("0.00"), D("289.00"))
    assert partner_balance_at(partner=trade.customer, day=date(2026, 9, 15)) == (D("50.00"), D("0.00"))
    assert cash_balance_at(account=bank, day=date(2026, 10, 7)) == D("30.00")
    assert cash_balance_at(account=bank, day=date(2026, 10, 31)) == D("-20.00")
    with django_assert_max_num_queries(4):
        partner_balance_at(partner=trade.customer, day=date(2026, 11, 20))


def test_back_dated_postings_in_a_closed_month_are_refused_with_nothing_written(trade: Any) -> None:
    from jxc.finance.services.payments import PaymentData, payment_post
    from jxc.purchasing.services.receipts import (
        ReceiptData,
        ReceiptLineData,
        purchase_receipt_create,
        purchase_receipt_post,
    )
    from jxc.sales.services.shipments import ShipmentData, ShipmentLineData, sales_shipment_create, sales_shipment_post

    stock_period_close(actor=trade.owner, month=SEP)
    day = date(2026, 9, 25)
    shipment = sales_shipment_create(
        actor=trade.owner,
        data=ShipmentData(
            customer_id=trade.customer.pk,
            warehouse_id=trade.warehouse.pk,
            date=day,
            prices_include_tax=True,
            lines=[ShipmentLineData(product_id=trade.product.pk, quantity=D(1), price=D("5.00"))],
        ),
    )
    receipt = purchase_receipt_create(
        actor=trade.owner,
        data=ReceiptData(
            supplier_id=trade.supplier.pk,
            warehouse_id=trade.warehouse.pk,
            date=day,
            prices_include_tax=True,
            lines=[ReceiptLineData(product_id=trade.product.pk, received_quantity=D(1), price=D("2.26"))],
        ),
    )
    before = _counts()
    with pytest.raises(ClosedPeriod):
        payment_post(
            actor=trade.owner,
            data=PaymentData(direction=Direction.IN, partner_id=trade.customer.pk, amount=D("10.00"), date=day),
        )
    with pytest.raises(ClosedPeriod):
        sales_shipment_post(actor=trade.owner, shipment=shipment)
    with pytest.raises(ClosedPeriod):
        purchase_receipt_post(actor=trade.owner, receipt=receipt)
    assert _counts() == before
    assert SalesShipment.objects.get(pk=shipment.pk).posted_at is None
    assert PurchaseReceipt.objects.get(pk=receipt.pk).posted_at is None
    trade.pay("10.00", day=date(2026, 10, 1))  # the day after the closed month is open


def test_reopen_is_owner_only_audited_drops_snapshots_and_closing_again_rebuilds_them(
    trade: Any, make_user: Any
) -> None:
    september = stock_period_close(actor=trade.owner, month=SEP)
    saved = (_partner_rows(september), _cash_rows(september))
    accountant = make_user("kuaiji", "accountant")
    before = _counts()
    with pytest.raises(Forbidden):
        stock_period_reopen(actor=accountant, period=september)
    assert _counts() == before and PartnerSnapshot.objects.filter(period=september).count() == 2
    stock_period_close(actor=trade.owner, month=OCT)
    with pytest.raises(PeriodOrder):  # the latest first
        stock_period_reopen(actor=trade.owner, period=september)
    october = StockPeriod.objects.get(start=OCT)
    stock_period_reopen(actor=trade.owner, period=october)
    stock_period_reopen(actor=trade.owner, period=september)
    september.refresh_from_db()
    assert september.status == PeriodStatus.OPEN
    assert not PartnerSnapshot.objects.exists() and not CashSnapshot.objects.exists()
    assert not CostSnapshot.objects.filter(period=september).exists()
    entry = AuditEntry.objects.filter(action="stock_period.reopened").order_by("-seq").first()
    assert entry is not None and entry.actor == trade.owner and entry.target_id == str(september.pk)
    trade.pay("10.00", day=date(2026, 9, 25))  # open again: the customer owes 10.00 less at the end of September
    september = stock_period_close(actor=trade.owner, month=SEP)
    assert _partner_rows(september) == {**saved[0], trade.customer.pk: (D("10.00"), D("0.00"))}
    assert _cash_rows(september) == {k: v + D("10.00") for k, v in saved[1].items()}


def test_a_previous_period_without_finance_snapshots_is_summed_from_the_start(trade: Any) -> None:
    """A month closed before the finance hooks existed (no partner or cash rows) does not lose the history."""
    september = stock_period_close(actor=trade.owner, month=SEP)
    PartnerSnapshot.objects.filter(period=september).delete()
    CashSnapshot.objects.filter(period=september).delete()
    october = stock_period_close(actor=trade.owner, month=OCT)
    assert _partner_rows(october)[trade.supplier.pk] == (D("0.00"), D("289.00"))
    assert sum(_cash_rows(october).values()) == D("-20.00")


# Page and API


def _client(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_period_page_lists_months_with_totals_and_closes_the_next(
    trade: Any, english: Any, django_assert_max_num_queries: Any
) -> None:
    web = _client(trade.owner)
    page = web.get("/finance/periods/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="period-close"' in text and 'value="2026-09-01"' in text
    response = web.post("/finance/periods/close/", {"month": "2026-09-01"})
    assert response.status_code == 302
    web.post("/finance/periods/close/", {"month": "2026-10-01"})
    with django_assert_max_num_queries(20):
        text = web.get("/finance/periods/").content.decode()
    row = text[text.index('data-period="2026-10"') :]
    row = row[: row.index("</tr>")]
    assert "2,240.00" in row and "120.00" in row and "289.00" in row and "-20.00" in row
    assert "period-reopen" in row  # the owner may reopen the latest month
    september = text[text.index('data-period="2026-09"') :]
    assert "period-reopen" not in september[: september.index("</tr>")]
    export = web.get("/finance/periods/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_period_page_query_count_does_not_grow_with_months(trade: Any, django_assert_max_num_queries: Any) -> None:
    web = _client(trade.owner)
    stock_period_close(actor=trade.owner, month=SEP)
    with django_assert_max_num_queries(20) as few:
        web.get("/finance/periods/")
    stock_period_close(actor=trade.owner, month=OCT)
    with django_assert_max_num_queries(len(few.captured_queries)):
        web.get("/finance/periods/")


def test_period_page_hides_reopen_and_cost_from_the_accountant_and_refuses_reopen(
    trade: Any, make_user: Any, english: Any
) -> None:
    september = stock_period_close(actor=trade.owner, month=SEP)
    accountant = make_user("kuaiji", "accountant")
    web = _client(accountant)
    text = web.get("/finance/periods/").content.decode()
    assert "period-reopen" not in text and 'id="period-close"' in text  # accountants close months, never reopen
    assert web.post(f"/finance/periods/{september.pk}/reopen/").status_code == 403
    assert StockPeriod.objects.get(pk=september.pk).status == PeriodStatus.CLOSED
    sales = _client(make_user("xiaoshou", "sales"))
    assert sales.get("/finance/periods/").status_code == 403


def test_period_page_reopen_by_the_owner(trade: Any) -> None:
    september = stock_period_close(actor=trade.owner, month=SEP)
    response = _client(trade.owner).post(f"/finance/periods/{september.pk}/reopen/")
    assert response.status_code == 302
    assert StockPeriod.objects.get(pk=september.pk).status == PeriodStatus.OPEN
    assert not PartnerSnapshot.objects.exists()


def test_period_api_lists_closes_and_reopens(trade: Any, api: Api, make_user: Any, api_for: Any) -> None:
    response = api.post("/finance-periods/close", {"month": "2026-09"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == "2026-09" and body["status"] == "closed"
    assert body["totals"] == {"stock_value": "2180.00", "receivable": "20.00", "payable": "226.00", "cash": "30.00"}
    listing = api.get("/finance-periods").json()
    assert listing["count"] == 1 and listing["next_to_close"] == "2026-10-01"
    assert listing["items"][0]["totals"]["receivable"] == "20.00"
    accountant = api_for(make_user("kuaiji", "accountant"))
    refused = accountant.post(f"/finance-periods/{body['id']}/reopen")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api.post("/finance-periods/close", {"month": "2026-13"}).status_code == 422
    assert api.post("/finance-periods/999999/reopen").status_code == 404
    order = api.post("/finance-periods/close", {"month": "2026-11-01"})
    assert order.status_code == 409 and order.json()["code"] == "period_order"  # November has not ended
    reopened = api.post(f"/finance-periods/{body['id']}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open" and reopened.json()["totals"] is None


def test_period_api_hides_stock_value_without_cost_permission(trade: Any, make_user: Any, api_for: Any) -> None:
    from django.contrib.auth.models import Permission

    stock_period_close(actor=trade.owner, month=SEP)
    viewer = make_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_stockperiod"))
    items = api_for(viewer).get("/finance-periods").json()["items"]
    assert items[0]["totals"]["stock_value"] is None and items[0]["totals"]["receivable"] == "20.00"


def test_statement_cash_journal_and_account_page_open_from_the_snapshot(trade: Any) -> None:
    """The opening balances of a statement, a cash journal and a partner's account page for November read the
    October snapshot: they are the same before and after the close, and a snapshot tampered on purpose shows."""
    bank = CashAccount.objects.get()

    def openings() -> tuple[D, D, D]:
        return (
            statement_opening(partner=trade.customer, account=Account.RECEIVABLE, start=NOV),
            cash_journal(account=bank, date_from=NOV).opening,
            account_totals(partner_id=trade.supplier.pk, account=Account.PAYABLE, date_from=NOV).opening,
        )

    before = openings()
    assert before == (D("120.00"), D("-20.00"), D("289.00"))
    stock_period_close(actor=trade.owner, month=SEP)
    october = stock_period_close(actor=trade.owner, month=OCT)
    assert openings() == before
    PartnerSnapshot.objects.filter(period=october, partner=trade.customer).update(receivable=D("1.00"))
    assert openings()[0] == D("1.00")  # read from the snapshot, not summed from the first entry
