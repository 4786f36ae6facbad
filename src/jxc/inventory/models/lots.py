from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.inventory.choices import SerialStatus


class Lot(models.Model):
    """A batch of a product with its production and expiry dates."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="lots")
    batch_no = models.CharField(_("batch no."), max_length=60)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [models.UniqueConstraint(fields=["product", "batch_no"], name="lot_unique")]

    def __str__(self) -> str:
        return self.batch_no


class Serial(models.Model):
    """One serial-numbered unit; `status` and the place say where it is now."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="serials")
    serial_no = models.CharField(_("serial no."), max_length=80)
    status = models.CharField(_("status"), max_length=10, choices=SerialStatus.choices, default=SerialStatus.IN_STOCK)
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, null=True, related_name="+")
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, null=True, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")
        constraints = [models.UniqueConstraint(fields=["product", "serial_no"], name="serial_unique")]
        indexes = [models.Index(fields=["product", "warehouse", "location", "status"], name="serial_place")]

    def __str__(self) -> str:
        return self.serial_no


class SerialMove(models.Model):
    """Which serial numbers a stock move carried."""

    serial = models.ForeignKey(Serial, on_delete=models.PROTECT, related_name="moves")
    move = models.ForeignKey("inventory.StockMove", on_delete=models.PROTECT, related_name="serial_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["serial", "move"], name="serialmove_unique")]

    def __str__(self) -> str:
        return f"{self.serial_id}@{self.move_id}"
