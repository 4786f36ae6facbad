from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, QuantityField
from jxc.inventory.choices import CountStatus


class StockCount(models.Model):
    """A stock count (盘点) of a warehouse, optionally limited to locations or categories."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    locations = models.ManyToManyField("inventory.Location", verbose_name=_("locations"), blank=True, related_name="+")
    categories = models.ManyToManyField("catalog.Category", verbose_name=_("categories"), blank=True, related_name="+")
    blind = models.BooleanField(_("blind count"), default=False, help_text=_("Counters do not see the book quantity."))
    status = models.CharField(_("status"), max_length=12, choices=CountStatus.choices, default=CountStatus.COUNTING)
    snapshot_move_id = models.BigIntegerField(default=0, help_text="the last stock move when the book was taken")
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        permissions = [("approve_stockcount", _("Can approve and post stock counts"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("inventory:count_detail", args=[self.pk])


class StockCountLine(models.Model):
    """One place on the count sheet: the book quantity when the count started and what was counted."""

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    book_quantity = QuantityField(_("book quantity"))
    counted_quantity = QuantityField(_("counted quantity"), null=True, blank=True)
    value = MoneyField(_("value of the difference"), null=True, blank=True)
    moved_during_count = models.BooleanField(_("moved during the count"), default=False)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["count", "product", "location"], condition=models.Q(lot__isnull=True), name="countline_unique"
            ),
            models.UniqueConstraint(
                fields=["count", "product", "location", "lot"],
                condition=models.Q(lot__isnull=False),
                name="countline_unique_lot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.product_id}@{self.location_id}"

    @property
    def difference(self):  # type: ignore[no-untyped-def]
        if self.counted_quantity is None:
            return None
        return self.counted_quantity - self.book_quantity
