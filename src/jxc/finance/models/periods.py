from __future__ import annotations

from django.db import models

from jxc.core.fields import MoneyField


class PartnerSnapshot(models.Model):
    """A partner's receivable and payable at the end of a closed period (月结)."""

    period = models.ForeignKey("inventory.StockPeriod", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, related_name="+")
    receivable = MoneyField()
    payable = MoneyField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "partner"], name="partnersnapshot_once")]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.partner_id} +{self.receivable} -{self.payable}"


class CashSnapshot(models.Model):
    """A cash account's balance at the end of a closed period."""

    period = models.ForeignKey("inventory.StockPeriod", on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("finance.CashAccount", on_delete=models.PROTECT, related_name="+")
    balance = MoneyField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["period", "account"], name="cashsnapshot_once")]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.account_id} {self.balance}"
