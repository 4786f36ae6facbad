from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Warehouse(models.Model):
    """A warehouse or shop stockroom; users may be limited to some warehouses."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    manager = models.CharField(_("manager"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    allow_negative_stock = models.BooleanField(_("allow negative stock"), default=False)
    is_transit = models.BooleanField(
        _("goods in transit"),
        default=False,
        editable=False,
        help_text=_("The system warehouse holding goods between the two steps of a transfer."),
    )
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("limited users"),
        blank=True,
        related_name="scoped_warehouses",
        help_text=_("Users limited to some warehouses see this one only if they are listed here."),
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:warehouse_detail", args=[self.pk])


class Location(models.Model):
    """A storage location (货位) inside a warehouse, such as A-01-02."""

    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="locations"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=60, blank=True)
    is_default = models.BooleanField(_("default location"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="location_unique_code"),
            models.UniqueConstraint(
                fields=["warehouse"], condition=models.Q(is_default=True), name="location_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()
