from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import PriceField, QuantityField


class SupplierProduct(models.Model):
    """A supplier's terms for a product: their item code, purchase unit, last price, lead time, preferred or not."""

    supplier = models.ForeignKey(
        "partners.Partner", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    supplier_sku = models.CharField(_("supplier's item code"), max_length=60, blank=True)
    unit = models.ForeignKey(
        "catalog.Unit",
        verbose_name=_("purchase unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_price = PriceField(_("last price (per base unit, without tax)"), null=True, blank=True)
    last_price_date = models.DateField(_("last price on"), null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    min_order_quantity = QuantityField(_("minimum order quantity"), null=True, blank=True)
    preferred = models.BooleanField(_("preferred supplier"), default=False)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supplier term")
        verbose_name_plural = _("supplier terms")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "product"], name="supplierproduct_unique"),
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(preferred=True), name="supplierproduct_one_preferred"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id}:{self.product_id}"
