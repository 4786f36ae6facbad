from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import PriceField


class CustomerPrice(models.Model):
    """A customer's prices for a product: the agreed one (per base unit, as the company states prices) and the last
    one sold to them (per base unit, without tax, after discount), read when a line is entered."""

    customer = models.ForeignKey(
        "partners.Partner", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    price = PriceField(_("agreed price (per base unit)"), null=True, blank=True)
    last_price = PriceField(_("last price sold (per base unit, without tax)"), null=True, blank=True)
    last_price_date = models.DateField(_("last sold on"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agreed price")
        verbose_name_plural = _("agreed prices")
        constraints = [models.UniqueConstraint(fields=["customer", "product"], name="customerprice_unique")]

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.product_id} {self.price}"
