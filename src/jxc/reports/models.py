from __future__ import annotations

from django.db import models

from jxc.core.fields import MoneyField, QuantityField


class ProfitSnapshot(models.Model):
    """A day's sales of a closed period (月结): revenue, base quantity and cost of goods sold, as the gross-profit
    report counts them; one row per day with no warehouse (every warehouse, written even when zero: it marks the
    day as summed) and one per warehouse that sold or took back goods that day."""

    period = models.ForeignKey("inventory.StockPeriod", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, null=True, related_name="+")
    revenue = MoneyField()
    quantity = QuantityField()
    cogs = MoneyField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["date", "warehouse"], name="profitsnapshot_once"),
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(warehouse__isnull=True), name="profitsnapshot_day_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.warehouse_id or '*'}: {self.revenue} − {self.cogs}"
