from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import MoneyField


class PriceLevel(models.TextChoices):
    """Which price list a customer buys at."""

    RETAIL = "retail", _("retail price")
    WHOLESALE = "wholesale", _("wholesale price")
    VIP = "vip", _("VIP price")


class CustomerClass(models.TextChoices):
    """How valuable and how active a customer is."""

    NEW = "new", _("new")
    REGULAR = "regular", _("regular")
    KEY = "key", _("key")
    DORMANT = "dormant", _("dormant")


class Partner(models.Model):
    """A business partner: a customer, a supplier, or both."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    mnemonic = models.CharField(_("mnemonic"), max_length=120, blank=True, db_index=True)
    is_customer = models.BooleanField(_("customer"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    tax_id = models.CharField(_("tax ID"), max_length=40, blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=60, blank=True)
    payment_terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=0)
    credit_limit = MoneyField(_("credit limit"), null=True, blank=True)
    price_level = models.CharField(
        _("price level"), max_length=20, choices=PriceLevel.choices, default=PriceLevel.RETAIL
    )
    customer_class = models.CharField(
        _("customer class"), max_length=20, choices=CustomerClass.choices, default=CustomerClass.NEW
    )
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), default=0)
    supplier_approved = models.BooleanField(_("approved supplier"), default=True)
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        indexes = [models.Index(fields=["name"], name="partner_name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_customer=True) | models.Q(is_supplier=True), name="partner_has_a_role"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:partner_detail", args=[self.pk])

    @property
    def roles_display(self) -> str:
        if self.is_customer and self.is_supplier:
            return str(_("customer and supplier"))
        return str(_("customer")) if self.is_customer else str(_("supplier"))


class Contact(models.Model):
    """A person at a partner, with their phone and role."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=60)
    position = models.CharField(_("position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name
