from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import RateField


class Company(models.Model):
    """The one company this installation keeps books for, with its company-wide settings."""

    name = models.CharField(_("company name"), max_length=200)
    tax_id = models.CharField(_("tax ID"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=60, blank=True)
    default_tax_rate = RateField(_("default tax rate (%)"), default=13)
    prices_include_tax = models.BooleanField(_("prices include tax"), default=True)
    cost_per_warehouse = models.BooleanField(
        _("cost per warehouse"),
        default=False,
        help_text=_(
            "Off: one moving-average cost per product for the company. Can only change before the first posting."
        ),
    )
    approve_without_rule = models.BooleanField(
        _("approve on submit when no rule applies"),
        default=True,
        help_text=_("Off: every submitted document waits for someone allowed to approve it."),
    )
    receipt_tolerance_pct = RateField(
        _("over-receipt tolerance (%)"),
        default=0,
        help_text=_("How much more than ordered a receipt may accept, in percent of the ordered quantity."),
    )
    demo_loaded_at = models.DateTimeField(_("demo data loaded at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("company")
        permissions = [("manage_settings", _("Can change company settings"))]

    def __str__(self) -> str:
        return self.name
