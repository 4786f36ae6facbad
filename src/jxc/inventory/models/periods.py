from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, QuantityField
from jxc.inventory.choices import PeriodStatus


class StockPeriod(models.Model):
    """A month of the stock ledger; once closed, nothing may be posted with a date inside it."""

    start = models.DateField(_("from"), unique=True)
    end = models.DateField(_("to"))
    status = models.CharField(_("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("stock period")
        verbose_name_plural = _("stock periods")
        permissions = [
            ("close_stockperiod", _("Can close a stock period")),
            ("reopen_stockperiod", _("Can reopen a closed stock period")),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}"


class StockSnapshot(models.Model):
    """On hand of one quant key at the end of a closed period."""

    period = models.ForeignKey(StockPeriod, on_delete=models.CASCADE, related_name="stock_snapshots")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, null=True, related_name="+")
    quantity = QuantityField()

    class Meta:
        indexes = [models.Index(fields=["period", "product", "warehouse"], name="snapshot_key")]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.product_id}@{self.location_id} {self.quantity}"


class CostSnapshot(models.Model):
    """Q and V of one cost scope at the end of a closed period."""

    period = models.ForeignKey(StockPeriod, on_delete=models.CASCADE, related_name="cost_snapshots")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, null=True, related_name="+")
    quantity = QuantityField()
    value = MoneyField()

    class Meta:
        indexes = [models.Index(fields=["period", "product"], name="costsnapshot_key")]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.product_id} Q={self.quantity} V={self.value}"
