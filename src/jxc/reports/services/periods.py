"""月结 for the sales figures: each day's revenue and cost of goods sold written when a stock period closes, dropped
when it reopens (registered with inventory in `ReportsConfig.ready`, run inside the close transaction)."""

from __future__ import annotations

from jxc.inventory.models import StockPeriod
from jxc.inventory.services.periods import PeriodHook
from jxc.reports.models import ProfitSnapshot
from jxc.reports.selectors.profit import daily_sales


def profit_snapshots_write(period: StockPeriod, previous: StockPeriod | None) -> None:
    """The period's days as the gross-profit report counts them, a row per day and per warehouse that sold."""
    ProfitSnapshot.objects.bulk_create(
        [
            ProfitSnapshot(
                period=period,
                date=day.day,
                warehouse_id=day.warehouse_id,
                revenue=day.revenue,
                quantity=day.quantity,
                cogs=day.cogs,
            )
            for day in daily_sales(start=period.start, end=period.end)
        ],
        batch_size=2000,
    )


def profit_snapshots_drop(period: StockPeriod) -> None:
    """Reopening a period drops its day figures (the report sums its documents again)."""
    ProfitSnapshot.objects.filter(period=period).delete()


PROFIT_PERIOD_HOOK = PeriodHook(close=profit_snapshots_write, reopen=profit_snapshots_drop)
