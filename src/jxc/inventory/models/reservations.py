from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import QuantityField
from jxc.inventory.choices import ReservationStatus


class Reservation(models.Model):
    """Stock promised to an order line: counted in the balance's `reserved` while active."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    quantity = QuantityField(_("quantity"))
    status = models.CharField(max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE)
    source_type = models.CharField(max_length=60)
    source_id = models.BigIntegerField()
    source_line_id = models.BigIntegerField()
    source_number = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            models.Index(fields=["product", "warehouse", "status"], name="reservation_balance"),
            models.Index(fields=["source_type", "source_id"], name="reservation_source"),
        ]

    def __str__(self) -> str:
        return f"{self.source_number}: {self.quantity} × {self.product_id} ({self.status})"
