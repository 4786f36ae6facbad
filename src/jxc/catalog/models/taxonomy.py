from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A unit of measure (包, 箱, kg); `decimals` is how finely a quantity in it may be entered."""

    name = models.CharField(_("name"), max_length=20, unique=True)
    decimals = models.PositiveSmallIntegerField(
        _("decimal places"), default=0, help_text=_("0 for countable units (件, 包), 3 for kg.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.CheckConstraint(condition=models.Q(decimals__lte=6), name="unit_decimals_max_6")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:unit_edit", args=[self.pk])


class Category(models.Model):
    """A product category in a tree (饮料 › 碳酸饮料)."""

    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=30, blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="category_unique_name_in_parent"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(parent__isnull=True), name="category_unique_root_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category_edit", args=[self.pk])


class Brand(models.Model):
    """A brand (康师傅, 统一)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    mnemonic = models.CharField(_("mnemonic"), max_length=60, blank=True, db_index=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:brand_edit", args=[self.pk])
