"""Gross profit by day and month reads a closed period's days from the snapshots written at 月结: the same figures as
summed from the documents, before and after the close, after a reopen, per warehouse, and for a closed month whose
snapshots are missing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from jxc.inventory.services.periods import stock_period_close, stock_period_reopen
from jxc.reports.models import ProfitSnapshot
from jxc.reports.selectors.profit import ProfitFilters, gross_profit
from tests.reports.conftest import END, START

OCTOBER = date(2026, 10, 1)


def figures(group: str, **filters: Any) -> list[tuple[str, D, D, D]]:
    found = gross_profit(group=group, filters=ProfitFilters(start=START, end=END, **filters))
    return [(r.key, r.revenue, r.cogs, r.quantity) for r in found.rows] + [
        ("total", found.revenue, found.cogs, found.quantity)
    ]


@pytest.mark.parametrize("group", ["day", "month"])
def test_a_closed_month_reads_the_same_figures_from_its_snapshots(trade, owner, group):
    # given the report summed from the documents
    before = figures(group)
    in_warehouse = figures(group, warehouse_ids=[trade.warehouse.pk])
    # when October is closed
    period = stock_period_close(actor=owner, month=OCTOBER)
    # then every day of October has its row, the selling day its warehouse's row too
    days = ProfitSnapshot.objects.filter(period=period, warehouse=None)
    assert days.count() == 31
    assert days.get(date=date(2026, 10, 15)).revenue == D("30.00")
    assert ProfitSnapshot.objects.get(period=period, warehouse=trade.warehouse).cogs == D("20.00")
    # and the report reads the same, in all warehouses and in one
    assert figures(group) == before
    assert figures(group, warehouse_ids=[trade.warehouse.pk]) == in_warehouse
    assert figures(group, warehouse_ids=[]) == [("total", 0, 0, 0)]
    # a reopen drops the snapshots and the report is summed again
    stock_period_reopen(actor=owner, period=period)
    assert not ProfitSnapshot.objects.exists()
    assert figures(group) == before


def test_a_closed_month_without_snapshots_is_summed_from_its_documents(trade, owner):
    before = figures("day")
    period = stock_period_close(actor=owner, month=OCTOBER)
    ProfitSnapshot.objects.filter(period=period).delete()  # as a month closed before snapshots existed
    assert figures("day") == before


def test_a_filter_other_than_warehouse_sums_the_documents(trade, owner):
    before = figures("month", customer_id=trade.sh1.customer_id)
    period = stock_period_close(actor=owner, month=OCTOBER)
    ProfitSnapshot.objects.filter(period=period).update(revenue=D("999.00"))  # would show if they were read
    assert figures("month", customer_id=trade.sh1.customer_id) == before
