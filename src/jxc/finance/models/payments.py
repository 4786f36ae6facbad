from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField
from jxc.finance.choices import Direction, PaymentMethod, PaymentStatus, WriteOffKind, WriteOffStatus
from jxc.partners.models import Account


class Payment(models.Model):
    """A receipt of payment from a customer (收款 SK) or a payment to a supplier (付款 FK), allocated to documents."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    date = models.DateField(_("date"))
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    cash_account = models.ForeignKey(
        "finance.CashAccount", verbose_name=_("cash account"), on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.BANK)
    amount = MoneyField(_("amount"))
    reference = models.CharField(_("reference"), max_length=60, blank=True, help_text=_("Bank slip or transaction no."))
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.POSTED)
    reversal_of = models.OneToOneField(
        "self", verbose_name=_("reverses"), on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    # The document the payment was taken with (a counter sale), if any.
    taken_with_type = models.CharField(max_length=60, blank=True)
    taken_with_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        indexes = [
            models.Index(fields=["date"], name="payment_date"),
            models.Index(fields=["partner", "date"], name="payment_partner"),
            models.Index(fields=["taken_with_type", "taken_with_id"], name="payment_taken_with"),
        ]
        permissions = [("reverse_payment", _("Can reverse payments"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("finance:payment_detail", args=[self.pk])

    @property
    def account(self) -> str:
        """The partner account the payment lowers: the receivable for money in, the payable for money out."""
        return Account.RECEIVABLE if self.direction == Direction.IN else Account.PAYABLE


class WriteOff(models.Model):
    """A write-off (坏账核销) or discount (折让) taken off a partner's account with a reason, after approval."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=WriteOffKind.choices, default=WriteOffKind.WRITE_OFF)
    date = models.DateField(_("date"))
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    account = models.CharField(_("account"), max_length=10, choices=Account.choices, default=Account.RECEIVABLE)
    amount = MoneyField(_("amount"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=WriteOffStatus.choices, default=WriteOffStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("write-off")
        verbose_name_plural = _("write-offs")
        indexes = [models.Index(fields=["partner", "date"], name="writeoff_partner")]
        permissions = [("approve_writeoff", _("Can approve write-offs and discounts"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("finance:writeoff_detail", args=[self.pk])


class WriteOffLine(models.Model):
    """The part of a write-off that settles one document (an open item of the partner's account)."""

    write_off = models.ForeignKey(WriteOff, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "partners.OpenItem", verbose_name=_("document"), on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("write-off line")
        verbose_name_plural = _("write-off lines")

    def __str__(self) -> str:
        return f"{self.write_off_id}: {self.item_id} {self.amount}"
