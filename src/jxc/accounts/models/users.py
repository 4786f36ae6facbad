from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in; what they may do comes from their roles (groups)."""

    display_name = models.CharField(_("name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    all_warehouses = models.BooleanField(
        _("all warehouses"),
        default=True,
        help_text=_("Untick to limit this user to the warehouses chosen for them."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        permissions = [
            ("view_cost", _("Can see purchase prices, costs and gross profit")),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:user_detail", args=[self.pk])

    @property
    def role_codes(self) -> list[str]:
        return sorted(g.name for g in self.groups.all())
