from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, PriceField, QuantityField, RateField
from jxc.sales.choices import OrderStatus


class SalesOrder(models.Model):
    """A sales order (销售订单) from one customer, shipped from one warehouse; approving it reserves the stock."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    customer = models.ForeignKey(
        "partners.Partner", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    prices_include_tax = models.BooleanField(_("prices include tax"), default=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    freight = MoneyField(_("freight"), default=Decimal(0))
    other_charges = MoneyField(_("other charges"), default=Decimal(0))
    amount = MoneyField(_("amount without tax"), default=Decimal(0))
    tax = MoneyField(_("tax"), default=Decimal(0))
    total = MoneyField(_("total"), default=Decimal(0))
    customer_reference = models.CharField(_("customer's reference"), max_length=60, blank=True)
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
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        indexes = [
            models.Index(fields=["date"], name="salesorder_date"),
            models.Index(fields=["customer", "status"], name="salesorder_customer"),
        ]
        permissions = [("approve_salesorder", _("Can approve, reject and unapprove sales orders"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("sales:order_detail", args=[self.pk])


class SalesOrderLine(models.Model):
    """A line of a sales order: a product in one of its units, price, discount, tax, and what was shipped."""

    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_quantity = QuantityField(_("quantity"))
    factor = QuantityField(_("factor"))
    quantity = QuantityField(_("base quantity"))
    price = PriceField(_("unit price"))
    price_source = models.CharField(_("price from"), max_length=20, blank=True)
    tax_rate = RateField(_("tax rate (%)"), default=Decimal(13))
    discount_pct = RateField(_("discount (%)"), default=Decimal(0))
    amount = MoneyField(_("amount without tax"))
    tax = MoneyField(_("tax"))
    total = MoneyField(_("total"))
    shipped_quantity = QuantityField(_("shipped (base)"), default=Decimal(0))
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["product"], name="salesorderline_product")]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.position}"
