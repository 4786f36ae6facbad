from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jxc.core.fields import PriceField, QuantityField, RateField


class Product(models.Model):
    """A product (商品, SKU) with its base unit, prices, stock limits and tracking options."""

    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    spec = models.CharField(_("specification"), max_length=120, blank=True)
    mnemonic = models.CharField(_("mnemonic"), max_length=120, blank=True, db_index=True)
    category = models.ForeignKey(
        "catalog.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    brand = models.ForeignKey(
        "catalog.Brand",
        verbose_name=_("brand"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    base_unit = models.ForeignKey(
        "catalog.Unit", verbose_name=_("base unit"), on_delete=models.PROTECT, related_name="+"
    )
    purchase_price = PriceField(_("purchase price"), default=Decimal(0))
    retail_price = PriceField(_("retail price"), default=Decimal(0))
    wholesale_price = PriceField(_("wholesale price"), default=Decimal(0))
    min_price = PriceField(_("minimum selling price"), default=Decimal(0))
    tax_rate = RateField(_("tax rate (%)"), default=Decimal(13))
    min_stock = QuantityField(_("minimum stock"), null=True, blank=True)
    max_stock = QuantityField(_("maximum stock"), null=True, blank=True)
    track_lots = models.BooleanField(_("track lots and expiry"), default=False)
    track_serials = models.BooleanField(_("track serial numbers"), default=False)
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [models.Index(fields=["name"], name="product_name")]

    def __str__(self) -> str:
        return f"{self.name} {self.spec}".strip()

    def get_absolute_url(self) -> str:
        return reverse("catalog:product_detail", args=[self.pk])


class ProductUnit(models.Model):
    """An alternate unit of a product and how many base units it holds (1 箱 = 24 包)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    factor = QuantityField(_("base units per unit"))

    class Meta:
        verbose_name = _("alternate unit")
        verbose_name_plural = _("alternate units")
        constraints = [models.UniqueConstraint(fields=["product", "unit"], name="productunit_unique")]

    def __str__(self) -> str:
        return f"1 {self.unit} = {self.factor.normalize():f} {self.product.base_unit}"


class Barcode(models.Model):
    """A barcode of a product, tied to the unit it scans as (a box barcode adds one box)."""

    code = models.CharField(_("barcode"), max_length=64, unique=True)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="barcodes")
    unit = models.ForeignKey("catalog.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("barcode")
        verbose_name_plural = _("barcodes")

    def __str__(self) -> str:
        return self.code
