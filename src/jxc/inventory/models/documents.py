from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField, PriceField, QuantityField
from jxc.core.text import split_serials
from jxc.inventory.choices import DocumentKind, DocumentStatus


class StockDocument(models.Model):
    """A warehouse document: other receipt (其他入库, incl. opening stock), other issue (其他出库), transfer (调拨)."""

    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    reason = models.CharField(_("reason"), max_length=20, blank=True)
    warehouse = models.ForeignKey(
        "inventory.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    to_warehouse = models.ForeignKey(
        "inventory.Warehouse",
        verbose_name=_("to warehouse"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    reversal_of = models.OneToOneField(
        "self", verbose_name=_("reverses"), on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock document")
        verbose_name_plural = _("stock documents")
        indexes = [models.Index(fields=["kind", "date"], name="stockdoc_kind_date")]
        permissions = [
            ("post_stockdocument", _("Can post and reverse stock documents")),
            ("issue_expired_lot", _("Can issue goods from an expired lot")),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("inventory:document_detail", args=[self.pk])

    @property
    def is_two_step(self) -> bool:
        return self.kind == DocumentKind.TRANSFER and self.to_warehouse_id not in (None, self.warehouse_id)


class StockDocumentLine(models.Model):
    """A line: a product in one of its units; for receipts the cost; for transfers the target location."""

    document = models.ForeignKey(StockDocument, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_quantity = QuantityField(_("quantity"))
    factor = QuantityField(_("factor"))
    quantity = QuantityField(_("base quantity"))
    unit_cost = PriceField(_("unit cost"), null=True, blank=True)
    amount = MoneyField(_("amount"), null=True, blank=True)
    location = models.ForeignKey(
        "inventory.Location", verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )
    to_location = models.ForeignKey(
        "inventory.Location",
        verbose_name=_("to location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lot = models.ForeignKey(
        "inventory.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    batch_no = models.CharField(_("batch no."), max_length=60, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    serials = models.TextField(_("serial numbers"), blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.document_id}#{self.position}"

    @property
    def serial_list(self) -> list[str]:
        return split_serials(self.serials)
