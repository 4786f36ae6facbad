from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, PriceField, QuantityField, RateField
from jxc.purchasing.choices import OrderStatus


class PurchaseOrder(models.Model):
    """A purchase order (采购订单) to one supplier, for delivery to one warehouse."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    supplier = models.ForeignKey(
        "partners.Partner", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    prices_include_tax = models.BooleanField(_("prices include tax"), default=True)
    expected_date = models.DateField(_("expected date"), null=True, blank=True)
    freight = MoneyField(_("freight"), default=Decimal(0))
    other_charges = MoneyField(_("other charges"), default=Decimal(0))
    amount = MoneyField(_("amount without tax"), default=Decimal(0))
    tax = MoneyField(_("tax"), default=Decimal(0))
    total = MoneyField(_("total"), default=Decimal(0))
    supplier_reference = models.CharField(_("supplier's reference"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        indexes = [
            models.Index(fields=["date"], name="purchaseorder_date"),
            models.Index(fields=["status", "expected_date"], name="purchaseorder_open"),
            models.Index(fields=["supplier", "date"], name="purchaseorder_supplier"),
        ]
        permissions = [
            ("approve_purchaseorder", _("Can approve, reject and unapprove purchase orders")),
            ("override_supplier_approval", _("Can approve orders to suppliers that are not approved")),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("purchasing:order_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in {OrderStatus.APPROVED, OrderStatus.PARTIAL}


class PurchaseOrderLine(models.Model):
    """A line of a purchase order: a product in one of its units, price, tax, discount, and what arrived."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_quantity = QuantityField(_("quantity"))
    factor = QuantityField(_("factor"))
    quantity = QuantityField(_("base quantity"))
    price = PriceField(_("unit price"))
    tax_rate = RateField(_("tax rate (%)"), default=Decimal(13))
    discount_pct = RateField(_("discount (%)"), default=Decimal(0))
    amount = MoneyField(_("amount without tax"))
    tax = MoneyField(_("tax"))
    total = MoneyField(_("total"))
    expected_date = models.DateField(_("expected date"), null=True, blank=True)
    received_quantity = QuantityField(_("received (base)"), default=Decimal(0))
    rejected_quantity = QuantityField(_("rejected (base)"), default=Decimal(0))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["product"], name="purchaseorderline_product")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.position}"

    @property
    def remaining(self) -> Decimal:
        """Base units still to arrive (none once the order is closed or void)."""
        if self.order.status in {OrderStatus.CLOSED, OrderStatus.VOID, OrderStatus.DONE}:
            return Decimal(0)
        return max(self.quantity - self.received_quantity, Decimal(0))
