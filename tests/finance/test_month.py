"""A shop's October, scripted through the real services, against figures computed by hand.

One product, 13 % VAT, prices with tax: sold at 3.39 (3.00 without tax), bought at 2.26 (2.00) and 2.825 (2.50).
Moving average cost; money rounds half up to the cent.

    date   document                     qty   stock Q   stock V   cost of the move
    07-01  opening stock @ 2.00          20        20     40.00
    07-15  CK0 → 惠民 (30 days)            5        15     30.00   10.00
    10-01  RK1 ← 康师傅 @ 2.26           100       115    230.00   (payable 226.00)
    10-05  RK2 ← 康师傅 @ 2.825           50       165    355.00   (payable 141.25)
    10-08  CK1 → 阳光 (cash on delivery) 60       105    225.91   129.09 = 355 × 60/165
    10-12  CK2 → 惠民                     30        75    161.36    64.55 = 225.91 × 30/105
    10-15  XT1 ← 阳光, 10 of CK1           10        85    182.88    21.52 = 129.09 × 10/60 back in
    10-18  CT1 → 康师傅, 5 of RK1            5        80    172.88    10.00 at RK1's cost
    10-20  SK: 阳光 pays 100.00, oldest first → CK1; then XT1's credit (33.90) is applied to CK1
    10-22  FK: we pay 康师傅 214.70 for RK1; CT1's credit (11.30) settles the rest of RK1
    10-25  SK: 惠民 pays 150.00 for CK2 (101.70) by hand; 48.30 stays prepaid (预收); CK0 stays open
    10-28  write-off (discount 折让) of 9.50 on CK1 for 阳光, approved
    10-31  CK3 → 阳光                      10        70    151.27    21.61 = 172.88 × 10/80
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from jxc.finance.choices import Direction, WriteOffKind, WriteOffStatus
from jxc.finance.models import CashAccount, WriteOff
from jxc.finance.selectors.ageing import ageing
from jxc.finance.services.payments import credit_apply
from jxc.finance.services.writeoffs import WriteOffData, WriteOffLineData, writeoff_create, writeoff_submit
from jxc.inventory.models import CostState
from jxc.partners.models import Account
from jxc.partners.services.allocation import Share
from jxc.purchasing.services.returns import (
    ReturnData,
    ReturnLineData,
    purchase_return_create,
    purchase_return_post,
)
from jxc.reports.selectors.profit import ProfitFilters, gross_profit
from jxc.sales.services.returns import (
    SalesReturnData,
    SalesReturnLineData,
    sales_return_create,
    sales_return_post,
)


@pytest.fixture
def october(books: Any, make_partner: Any) -> dict[str, Any]:
    """The month above, run through the services; returns its documents by name."""
    shop = books
    sunshine = make_partner("阳光便利店", payment_terms_days=0)
    huimin = shop.customer  # 30 days
    shop.stock(20, "2.00", day=date(2026, 7, 1))
    docs: dict[str, Any] = {"阳光": sunshine, "惠民": huimin}
    docs["CK0"] = shop.ship(5, "3.39", day=date(2026, 7, 15))
    docs["RK1"] = shop.receive(100, "2.26", day=date(2026, 10, 1))
    docs["RK2"] = shop.receive(50, "2.825", day=date(2026, 10, 5))
    docs["CK1"] = shop.ship(60, "3.39", day=date(2026, 10, 8), customer=sunshine)
    docs["CK2"] = shop.ship(30, "3.39", day=date(2026, 10, 12))
    ck1_line = docs["CK1"].lines.get()
    xt1 = sales_return_create(
        actor=shop.owner,
        data=SalesReturnData(
            customer_id=None,
            warehouse_id=None,
            date=date(2026, 10, 15),
            shipment_id=docs["CK1"].pk,
            lines=[SalesReturnLineData(product_id=shop.product.pk, quantity=D(10), shipment_line_id=ck1_line.pk)],
        ),
    )
    docs["XT1"] = sales_return_post(actor=shop.owner, sales_return=xt1)
    rk1_line = docs["RK1"].lines.get()
    ct1 = purchase_return_create(
        actor=shop.owner,
        data=ReturnData(
            supplier_id=shop.supplier.pk,
            warehouse_id=shop.warehouse.pk,
            date=date(2026, 10, 18),
            receipt_id=docs["RK1"].pk,
            lines=[ReturnLineData(product_id=shop.product.pk, quantity=D(5), receipt_line_id=rk1_line.pk)],
        ),
    )
    docs["CT1"] = purchase_return_post(actor=shop.owner, purchase_return=ct1)
    docs["SK1"] = shop.pay("100.00", day=date(2026, 10, 20), partner=sunshine)
    credit_apply(
        actor=shop.owner,
        item_id=shop.item(docs["XT1"]).pk,
        shares=[Share(shop.item(docs["CK1"]).pk, D("33.90"))],
        day=date(2026, 10, 20),
    )
    docs["FK1"] = shop.pay("214.70", direction=Direction.OUT, shares=[(docs["RK1"], "214.70")], day=date(2026, 10, 22))
    credit_apply(actor=shop.owner, item_id=shop.item(docs["CT1"]).pk, shares=None, day=date(2026, 10, 22))
    docs["SK2"] = shop.pay("150.00", shares=[(docs["CK2"], "101.70")], day=date(2026, 10, 25))
    discount = writeoff_create(
        actor=shop.owner,
        data=WriteOffData(
            partner_id=sunshine.pk,
            amount=D("9.50"),
            reason="包装破损,让利",
            kind=WriteOffKind.DISCOUNT,
            date=date(2026, 10, 28),
            lines=[WriteOffLineData(shop.item(docs["CK1"]).pk, D("9.50"))],
        ),
    )
    writeoff_submit(actor=shop.owner, write_off=discount)
    docs["HX1"] = WriteOff.objects.get(pk=discount.pk)
    docs["CK3"] = shop.ship(10, "3.39", day=date(2026, 10, 31), customer=sunshine)
    return docs


def test_the_month_leaves_the_stock_and_the_costs_computed_by_hand(books: Any, october: dict[str, Any]) -> None:
    cost = CostState.objects.get(product=books.product)
    assert (cost.quantity, cost.value) == (D(70), D("151.27"))
    assert [october[n].lines.get().cost for n in ("CK0", "CK1", "CK2", "CK3")] == [
        D("10.00"),
        D("129.09"),
        D("64.55"),
        D("21.61"),
    ]
    assert october["XT1"].lines.get().cost == D("21.52")


def test_the_month_leaves_the_balances_and_open_documents_computed_by_hand(books: Any, october: dict[str, Any]) -> None:
    sunshine, huimin = october["阳光"], october["惠民"]
    # 阳光: 203.40 + 33.90 − 33.90 − 100.00 − 9.50 (the discount, approved on submit: no rule asks for more)
    assert october["HX1"].status == WriteOffStatus.POSTED
    assert books.balance(sunshine) == D("93.90")
    assert books.open(october["CK1"]) == D("60.00") and books.open(october["CK3"]) == D("33.90")
    assert books.open(october["XT1"]) == D("0.00") and books.open(october["SK1"]) == D("0.00")
    assert books.open(october["HX1"]) == D("0.00")
    # 惠民: 16.95 + 101.70 − 150.00; CK0 open and 48.30 prepaid
    assert books.balance(huimin) == D("-31.35")
    assert books.open(october["CK0"]) == D("16.95") and books.open(october["CK2"]) == D("0.00")
    assert books.open(october["SK2"]) == D("-48.30")
    # 康师傅: 226.00 + 141.25 − 11.30 − 214.70
    assert books.balance(books.supplier, Account.PAYABLE) == D("141.25")
    assert books.open(october["RK1"]) == D("0.00") and books.open(october["RK2"]) == D("141.25")
    # the bank: + 100.00 + 150.00 − 214.70
    assert CashAccount.objects.get().balance == D("35.30")


def test_the_ageing_at_the_end_of_november_buckets_by_due_date(books: Any, october: dict[str, Any]) -> None:
    receivables = ageing(account=Account.RECEIVABLE, as_of=date(2026, 11, 30))
    rows = {r.partner: r for r in receivables.rows}
    sunshine, huimin = rows["阳光便利店"], rows["城东惠民超市"]
    # CK1 due 10-08 (53 days past due), CK3 due 10-31 (30 days)
    assert (sunshine.not_due, sunshine.days_0_30, sunshine.days_31_60, sunshine.days_61_90, sunshine.over_90) == (
        D(0),
        D("33.90"),
        D("60.00"),
        D(0),
        D(0),
    )
    # CK0 due 08-14 (108 days past due); 48.30 prepaid
    assert (huimin.days_0_30, huimin.over_90, huimin.credits) == (D(0), D("16.95"), D("-48.30"))
    assert receivables.totals.over_90 == D("16.95") and receivables.totals.days_31_60 == D("60.00")
    payables = ageing(account=Account.PAYABLE, as_of=date(2026, 11, 30))
    (supplier,) = payables.rows
    assert (supplier.not_due, supplier.days_0_30, supplier.credits) == (D(0), D("141.25"), D(0))  # RK2 due 11-04


def test_the_months_gross_profit_comes_from_the_stock_ledger(books: Any, october: dict[str, Any]) -> None:
    month = ProfitFilters(start=date(2026, 10, 1), end=date(2026, 10, 31))
    total = gross_profit(group="month", filters=month)
    # revenue 180.00 + 90.00 − 30.00 + 30.00; COGS 129.09 + 64.55 − 21.52 + 21.61
    assert (total.revenue, total.cogs, total.profit, total.margin) == (
        D("270.00"),
        D("193.73"),
        D("76.27"),
        D("28.25"),
    )
    by_customer = {r.label: (r.revenue, r.cogs, r.profit) for r in gross_profit(group="customer", filters=month).rows}
    assert by_customer == {
        "阳光便利店": (D("180.00"), D("129.18"), D("50.82")),
        "城东惠民超市": (D("90.00"), D("64.55"), D("25.45")),
    }
