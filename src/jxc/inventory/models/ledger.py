from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, PriceField, QuantityField
from jxc.inventory.choices import MoveKind


class StockPosting(models.Model):
    """One posting of a document (or one step of it): the moves it made belong to it; unique per source step."""

    source_type = models.CharField(max_length=60)
    source_id = models.BigIntegerField()
    source_number = models.CharField(max_length=40)
    phase = models.CharField(max_length=20, default="post")
    date = models.DateField()
    reversal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id", "phase"], name="posting_once_per_step")
        ]
        # a kind of document's postings over a date range (gross profit's cost: the shipments' postings of a month)
        indexes = [models.Index(fields=["source_type", "date"], name="posting_source_date")]

    def __str__(self) -> str:
        return f"{self.source_number} {self.phase}"


class StockMove(models.Model):
    """One leg of a posting: a signed quantity and value of one product at one place. Never changed, never deleted.

    Every index is paid for by every posting: product and warehouse have none of their own (the composite indexes
    below start with them), the unit none at all (only deleting a unit would look moves up by it)."""

    posting = models.ForeignKey(StockPosting, on_delete=models.PROTECT, related_name="moves")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+", db_index=False)
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+", db_index=False)
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    quantity = QuantityField(_("quantity"))
    value = MoneyField(_("value"))
    unit = models.ForeignKey("catalog.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    unit_quantity = QuantityField(_("quantity in unit"))
    factor = QuantityField(_("factor"), default=1)
    unit_price = PriceField(_("unit price"), null=True, blank=True)
    scope_quantity = QuantityField(_("quantity after"))
    scope_value = MoneyField(_("value after"))
    line_id = models.BigIntegerField(null=True, blank=True)
    reversal_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        # The sums over a date range (a stock card's totals, a balance or the valuation at a date) read only the
        # indexes that end in quantity and value, never the rows: a busy item's year is 160 k moves at 10 M.
        indexes = [
            models.Index(fields=["product", "date", "id"], name="move_product_date"),
            models.Index(
                fields=["product", "warehouse", "date", "id", "quantity", "value"], name="move_product_wh_cover"
            ),
            models.Index(fields=["warehouse", "date"], name="move_wh_date"),
            models.Index(fields=["date", "id", "product", "warehouse", "quantity", "value"], name="move_date_cover"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.quantity} × {self.product_id}"


class StockBalance(models.Model):
    """On hand and reserved of a product in a warehouse: the row availability checks and reservations lock."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    on_hand = QuantityField(_("on hand"), default=0)
    reserved = QuantityField(_("reserved"), default=0)
    version = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "warehouse"], name="balance_unique")]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}: {self.on_hand}"

    @property
    def available(self):  # type: ignore[no-untyped-def]
        return self.on_hand - self.reserved


class StockQuant(models.Model):
    """On hand of a product at one location, per lot: where the goods physically are."""

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey("inventory.Location", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("inventory.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    on_hand = QuantityField(_("on hand"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "warehouse", "location"], condition=models.Q(lot__isnull=True), name="quant_unique"
            ),
            models.UniqueConstraint(
                fields=["product", "warehouse", "location", "lot"],
                condition=models.Q(lot__isnull=False),
                name="quant_unique_lot",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "location"], name="quant_location")]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.location_id}/{self.lot_id}: {self.on_hand}"


class CostState(models.Model):
    """The moving-average cost state of a cost scope: quantity Q and value V (unit cost V/Q is never stored).

    The scope is the product company-wide (warehouse empty) or, with per-warehouse costing, product × warehouse.
    """

    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    quantity = QuantityField(_("quantity"), default=0)
    value = MoneyField(_("value"), default=0)
    last_unit_cost = PriceField(_("last unit cost"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product"], condition=models.Q(warehouse__isnull=True), name="cost_unique"),
            models.UniqueConstraint(
                fields=["product", "warehouse"], condition=models.Q(warehouse__isnull=False), name="cost_unique_wh"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}/{self.warehouse_id}: Q={self.quantity} V={self.value}"
