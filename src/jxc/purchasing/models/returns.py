from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, PriceField, QuantityField, RateField
from jxc.core.text import split_serials
from jxc.purchasing.choices import PostingStatus


class PurchaseReturn(models.Model):
    """A purchase return (采购退货): goods sent back to a supplier, against a receipt or free."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    supplier = models.ForeignKey(
        "partners.Partner", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    receipt = models.ForeignKey(
        "purchasing.PurchaseReceipt",
        verbose_name=_("receipt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
    )
    status = models.CharField(_("status"), max_length=12, choices=PostingStatus.choices, default=PostingStatus.DRAFT)
    prices_include_tax = models.BooleanField(_("prices include tax"), default=True)
    amount = MoneyField(_("amount without tax"), default=Decimal(0))
    tax = MoneyField(_("tax"), default=Decimal(0))
    total = MoneyField(_("total credited"), default=Decimal(0))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reversal_of = models.OneToOneField(
        "self", verbose_name=_("reverses"), on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase return")
        verbose_name_plural = _("purchase returns")
        indexes = [models.Index(fields=["date"], name="purchasereturn_date")]
        permissions = [("post_purchasereturn", _("Can post and reverse purchase returns"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("purchasing:return_detail", args=[self.pk])


class PurchaseReturnLine(models.Model):
    """A returned line: accepted goods leave stock at their receipt cost; rejected goods never entered stock."""

    purchase_return = models.ForeignKey(PurchaseReturn, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    receipt_line = models.ForeignKey(
        "purchasing.PurchaseReceiptLine",
        verbose_name=_("receipt line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_lines",
    )
    rejected = models.BooleanField(_("rejected at inspection"), default=False)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_quantity = QuantityField(_("quantity"))
    factor = QuantityField(_("factor"))
    quantity = QuantityField(_("base quantity"))
    price = PriceField(_("unit price"))
    tax_rate = RateField(_("tax rate (%)"), default=Decimal(13))
    amount = MoneyField(_("amount without tax"))
    tax = MoneyField(_("tax"))
    total = MoneyField(_("total"))
    cost = MoneyField(_("stock value"), null=True, blank=True)
    location = models.ForeignKey(
        "inventory.Location", verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(
        "inventory.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    serials = models.TextField(_("serial numbers"), blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.purchase_return_id}#{self.position}"

    @property
    def serial_list(self) -> list[str]:
        return split_serials(self.serials)
