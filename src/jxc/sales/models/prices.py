from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import PriceField


class CustomerPrice(models.Model):
    """A price agreed with one customer for one product, per base unit, stated as the company states prices."""

    customer = models.ForeignKey(
        "partners.Partner", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    price = PriceField(_("agreed price (per base unit)"))
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("agreed price")
        verbose_name_plural = _("agreed prices")
        constraints = [models.UniqueConstraint(fields=["customer", "product"], name="customerprice_unique")]

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.product_id} {self.price}"
