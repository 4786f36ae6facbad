from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField
from jxc.finance.choices import CashAccountKind


class CashAccount(models.Model):
    """A cash or bank account (资金账户): cash in the till, a bank account, a WeChat or Alipay wallet."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=CashAccountKind.choices, default=CashAccountKind.CASH)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    account_no = models.CharField(_("account number"), max_length=60, blank=True)
    balance = MoneyField(_("balance"), default=0)
    active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cash account")
        verbose_name_plural = _("cash accounts")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("finance:cash_account_detail", args=[self.pk])


class CashEntry(models.Model):
    """One movement of a cash account, append-only; `balance_after` chains the account's running balance."""

    account = models.ForeignKey(CashAccount, verbose_name=_("cash account"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    amount = MoneyField(_("amount"))
    balance_after = MoneyField(_("balance"))
    source_type = models.CharField(max_length=60)
    source_id = models.PositiveBigIntegerField()
    source_number = models.CharField(_("document"), max_length=40)
    phase = models.CharField(max_length=20, default="post")
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cash entry")
        verbose_name_plural = _("cash journal")
        constraints = [
            models.UniqueConstraint(
                fields=["source_type", "source_id", "phase", "account"], name="cashentry_once_per_step"
            )
        ]
        indexes = [models.Index(fields=["account", "date"], name="cashentry_account_date")]

    def __str__(self) -> str:
        return f"{self.source_number} {self.amount}"
