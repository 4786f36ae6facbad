from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField
from jxc.finance.choices import InvoiceDirection


class Invoice(models.Model):
    """A tax invoice (发票) issued to a customer or received from a supplier, recorded against documents."""

    direction = models.CharField(_("direction"), max_length=10, choices=InvoiceDirection.choices)
    number = models.CharField(_("invoice number"), max_length=40)
    date = models.DateField(_("invoice date"))
    partner = models.ForeignKey(
        "partners.Partner", verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("amount with tax"))
    tax = MoneyField(_("tax"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    void = models.BooleanField(_("void"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tax invoice")
        verbose_name_plural = _("tax invoices")
        constraints = [models.UniqueConstraint(fields=["direction", "partner", "number"], name="invoice_number_once")]
        indexes = [models.Index(fields=["date"], name="invoice_date")]
        permissions = [("void_invoice", _("Can void tax invoices"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("finance:invoice_detail", args=[self.pk])


class InvoiceLine(models.Model):
    """The part of an invoice that covers one shipment or receipt (its receivable or payable entry)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        "partners.OpenItem", verbose_name=_("document"), on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField(_("amount with tax"))

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        indexes = [models.Index(fields=["item"], name="invoiceline_item")]

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.item_id} {self.amount}"
