from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, PriceField, QuantityField, RateField
from jxc.core.text import split_serials
from jxc.purchasing.choices import Allocation, PostingStatus


class PurchaseReceipt(models.Model):
    """A receipt (采购入库) of goods from a supplier into a warehouse, against orders or without one."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    supplier = models.ForeignKey(
        "partners.Partner", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=PostingStatus.choices, default=PostingStatus.DRAFT)
    prices_include_tax = models.BooleanField(_("prices include tax"), default=True)
    allocation = models.CharField(
        _("allocate charges"), max_length=10, choices=Allocation.choices, default=Allocation.VALUE
    )
    freight = MoneyField(_("freight"), default=Decimal(0))
    other_charges = MoneyField(_("other charges"), default=Decimal(0))
    amount = MoneyField(_("amount without tax"), default=Decimal(0))
    tax = MoneyField(_("tax"), default=Decimal(0))
    total = MoneyField(_("total payable"), default=Decimal(0))
    supplier_reference = models.CharField(_("delivery note no."), max_length=60, blank=True)
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
        verbose_name = _("purchase receipt")
        verbose_name_plural = _("purchase receipts")
        indexes = [
            models.Index(fields=["date"], name="purchasereceipt_date"),
            models.Index(fields=["supplier", "date"], name="purchasereceipt_supplier"),
        ]
        permissions = [("post_purchasereceipt", _("Can post and reverse purchase receipts"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("purchasing:receipt_detail", args=[self.pk])


class PurchaseReceiptLine(models.Model):
    """A received line: delivered, accepted and rejected quantity (inspection), price, and its landed cost."""

    receipt = models.ForeignKey(PurchaseReceipt, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    order_line = models.ForeignKey(
        "purchasing.PurchaseOrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="receipt_lines",
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    factor = QuantityField(_("factor"))
    received_quantity = QuantityField(_("received"))
    accepted_quantity = QuantityField(_("accepted"))
    rejected_quantity = QuantityField(_("rejected"), default=Decimal(0))
    quantity = QuantityField(_("accepted (base)"))
    rejected_base = QuantityField(_("rejected (base)"), default=Decimal(0))
    reject_reason = models.CharField(_("reason for rejecting"), max_length=200, blank=True)
    price = PriceField(_("unit price"))
    tax_rate = RateField(_("tax rate (%)"), default=Decimal(13))
    discount_pct = RateField(_("discount (%)"), default=Decimal(0))
    amount = MoneyField(_("amount without tax"))
    tax = MoneyField(_("tax"))
    total = MoneyField(_("total"))
    charges = MoneyField(_("allocated charges"), default=Decimal(0))
    cost = MoneyField(_("stock value"), default=Decimal(0))
    location = models.ForeignKey(
        "inventory.Location", verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(
        "inventory.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    batch_no = models.CharField(_("batch no."), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True)
    returned_quantity = QuantityField(_("returned (base)"), default=Decimal(0))
    rejected_returned = QuantityField(_("rejected and returned (base)"), default=Decimal(0))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.receipt_id}#{self.position}"

    @property
    def serial_list(self) -> list[str]:
        return split_serials(self.serials)

    @property
    def returnable(self) -> Decimal:
        """Accepted base units not returned yet."""
        return self.quantity - self.returned_quantity

    @property
    def rejected_open(self) -> Decimal:
        """Rejected base units not handed back yet."""
        return self.rejected_base - self.rejected_returned
