"""Stock queries: overview, stock card with running balances, balance and valuation at a date, alerts."""

from datetime import date, timedelta
from decimal import Decimal

from jxc.inventory.selectors import (
    balance_at,
    reversal_preview,
    stock_alerts,
    stock_card,
    stock_overview,
    valuation_at,
)
from jxc.inventory.selectors.stock import stock_overview_queryset
from jxc.inventory.services.periods import stock_period_close
from tests.inventory.conftest import DAY


def test_overview_at_every_grain(stock, noodles, make_warehouse, make_user):
    shop = make_warehouse("SHOP", "门店仓")
    stock.receive(noodles, 10, "25.00", location="A-01")
    stock.receive(noodles, 5, "12.50", location="A-02")
    stock.receive(noodles, 4, "10.00", warehouse=shop)
    owner = stock.owner
    by_warehouse = stock_overview(stock_overview_queryset(user=owner), group="warehouse", with_cost=True)
    assert {(r.warehouse.code, r.on_hand, r.value) for r in by_warehouse} == {
        ("MAIN", Decimal(15), Decimal("37.50")),
        ("SHOP", Decimal(4), Decimal("10.00")),
    }
    by_product = stock_overview(stock_overview_queryset(user=owner, group="product"), group="product", with_cost=True)
    assert [(r.product.sku, r.on_hand, r.available) for r in by_product] == [("KSF-105", Decimal(19), Decimal(19))]
    by_location = stock_overview(
        stock_overview_queryset(user=owner, group="location", warehouse_id=stock.warehouse.pk),
        group="location",
        with_cost=False,
    )
    assert {(r.location.code, r.on_hand, r.value) for r in by_location} == {("A-01", 10, None), ("A-02", 5, None)}
    # a user limited to the shop sees only the shop
    clerk = make_user("clerk", "warehouse", all_warehouses=False, warehouse_ids=[shop.pk])
    rows = stock_overview(stock_overview_queryset(user=clerk), group="warehouse", with_cost=False)
    assert [(r.warehouse.code, r.on_hand) for r in rows] == [("SHOP", 4)]


def test_stock_card_with_running_balances_over_a_range(stock, noodles):
    stock.receive(noodles, 10, "25.00", day=DAY)
    stock.issue(noodles, 3, day=DAY + timedelta(days=1))
    stock.receive(noodles, 5, "15.00", day=DAY + timedelta(days=2))
    stock.issue(noodles, 2, day=DAY + timedelta(days=5))
    card = stock_card(user=stock.owner, product=noodles, start=DAY + timedelta(days=1), end=DAY + timedelta(days=2))
    assert (card.opening_quantity, card.opening_value) == (Decimal(10), Decimal("25.00"))
    assert [(r.quantity_in, r.quantity_out, r.balance) for r in card.rows] == [(None, 3, 7), (5, None, 12)]
    assert card.rows[0].move.value == Decimal("-7.50") and card.rows[1].value_balance == Decimal("32.50")
    assert (card.closing_quantity, card.total_in, card.total_out) == (Decimal(12), Decimal(5), Decimal(3))
    assert card.rows[0].number.startswith("QC")


def test_stock_card_pages_carry_the_running_balance_and_sum_the_totals_over_the_range(stock, noodles):
    # given five moves in the range, after an opening of 10
    stock.receive(noodles, 10, "25.00", day=DAY)
    for offset, (kind, quantity) in enumerate([("out", 3), ("in", 5), ("out", 2), ("in", 4), ("out", 1)], start=1):
        day = DAY + timedelta(days=offset)
        stock.issue(noodles, quantity, day=day) if kind == "out" else stock.receive(noodles, quantity, "12.00", day=day)
    args = {"user": stock.owner, "product": noodles, "start": DAY + timedelta(days=1), "end": DAY + timedelta(days=9)}
    whole = stock_card(**args)
    # when it is read two moves a page
    pages = [stock_card(**args, page=n, page_size=2) for n in (1, 2, 3)]
    # then each page holds its moves, its balances carried from the moves before it
    assert [len(p.rows) for p in pages] == [2, 2, 1]
    assert [r.balance for p in pages for r in p.rows] == [r.balance for r in whole.rows] == [7, 12, 10, 14, 13]
    assert [r.value_balance for p in pages for r in p.rows] == [r.value_balance for r in whole.rows]
    assert [(p.carried_quantity, p.carried_value) for p in pages] == [
        (Decimal(10), Decimal("25.00")),
        (whole.rows[1].balance, whole.rows[1].value_balance),
        (whole.rows[3].balance, whole.rows[3].value_balance),
    ]
    # and every page has the range's totals, count and closing balance
    for page in pages:
        assert (page.count, page.total_in, page.total_out) == (5, Decimal(9), Decimal(6))
        assert (
            (page.closing_quantity, page.closing_value)
            == (whole.closing_quantity, whole.closing_value)
            == (
                Decimal(13),
                whole.rows[-1].value_balance,
            )
        )
    assert [p.last_page for p in pages] == [False, False, True]
    # a page past the last reads the last one
    assert stock_card(**args, page=9, page_size=2).page == 3


def test_balance_and_valuation_at_a_past_date_use_the_last_snapshot(stock, noodles, make_product):
    water = make_product(sku="NFSQ", name="农夫山泉")
    stock.receive(noodles, 10, "25.00", day=date(2026, 9, 3))
    stock.receive(water, 20, "19.00", day=date(2026, 9, 4))
    stock.issue(noodles, 4, day=date(2026, 10, 8))
    stock_period_close(actor=stock.owner, month=date(2026, 9, 1))
    warehouses = [stock.warehouse.pk]
    assert balance_at(product=noodles, warehouse_ids=warehouses, day=date(2026, 9, 30)) == (
        Decimal(10),
        Decimal("25.00"),
    )
    assert balance_at(product=noodles, warehouse_ids=warehouses, day=date(2026, 10, 31)) == (
        Decimal(6),
        Decimal("15.00"),
    )
    assert balance_at(product=noodles, warehouse_ids=warehouses, day=date(2026, 9, 1)) == (Decimal(0), Decimal(0))
    rows = {r.sku: (r.quantity, r.value) for r in valuation_at(day=date(2026, 10, 31))}
    assert rows == {"KSF-105": (Decimal(6), Decimal("15.00")), "NFSQ": (Decimal(20), Decimal("19.00"))}
    assert {r.sku for r in valuation_at(day=date(2026, 9, 3))} == {"KSF-105"}


def test_alerts_for_limits_and_expiry(stock, make_product):
    low = make_product(sku="LOW", name="低库存", min_stock=Decimal(10))
    high = make_product(sku="HIGH", name="高库存", max_stock=Decimal(5))
    milk = make_product(sku="MILK", name="牛奶", track_lots=True)
    stock.receive(low, 3, "3")
    stock.receive(high, 8, "8")
    today = date(2026, 11, 20)
    stock.receive(milk, 2, "4", batch="SOON", expiry=today + timedelta(days=5))
    stock.receive(milk, 2, "4", batch="GONE", expiry=today - timedelta(days=1))
    stock.receive(milk, 2, "4", batch="LATER", expiry=today + timedelta(days=90))
    alerts = {
        (a.kind, a.product.sku, getattr(a.lot, "batch_no", None))
        for a in stock_alerts(user=stock.owner, days=30, today=today)
    }
    assert alerts == {
        ("below_min", "LOW", None),
        ("above_max", "HIGH", None),
        ("expiring", "MILK", "SOON"),
        ("expired", "MILK", "GONE"),
    }


def test_the_reversal_preview_shows_what_will_change(stock, noodles):
    receipt = stock.receive(noodles, 10, "25.00")
    stock.issue(noodles, 8)
    [effect] = reversal_preview(source_type="inventory.stockdocument", source_id=receipt.pk)
    assert (effect.change, effect.on_hand, effect.after, effect.short) == (Decimal(-10), Decimal(2), Decimal(-8), True)
