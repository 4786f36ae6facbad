"""Forms of the warehouse and location pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from jxc.core.forms import FastSelect
from jxc.inventory.models import Warehouse
from jxc.inventory.services.warehouses import LocationData, WarehouseData

ACTIVE_CHOICES = [("1", _("Active")), ("0", _("Deactivated")), ("", _("All"))]


def active_filter(value: str | None) -> bool | None:
    if value is None:
        return True
    return None if value == "" else value != "0"


class WarehouseFilterForm(forms.Form):
    q = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code, name, address")})
    )
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES, widget=FastSelect)


class WarehouseForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=60)
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, widget=forms.TextInput(attrs={"wide": True})
    )
    manager = forms.CharField(label=_("Manager"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    allow_negative_stock = forms.BooleanField(
        label=_("Allow negative stock"),
        required=False,
        help_text=_("Off by default: issuing more than is on hand is refused."),
    )
    users = forms.TypedMultipleChoiceField(
        label=_("Limited users who may see this warehouse"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"wide": True}),
        help_text=_("Only for users limited to some warehouses; others see every warehouse."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2, "wide": True}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limited = get_user_model().objects.filter(is_active=True, all_warehouses=False).order_by("username")
        self.fields["users"].choices = [(u.pk, str(u)) for u in limited]

    @classmethod
    def initial_for(cls, warehouse: Warehouse) -> dict[str, Any]:
        initial = {name: getattr(warehouse, name) for name in cls.base_fields if name != "users"}
        initial["users"] = list(warehouse.users.values_list("pk", flat=True))
        return initial

    def to_data(self) -> WarehouseData:
        d = dict(self.cleaned_data)
        d["user_ids"] = list(d.pop("users"))
        return WarehouseData(**d)


class LocationForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("e.g. A-01-02 (aisle, shelf, level)"))
    name = forms.CharField(label=_("Name"), max_length=60, required=False)

    def to_data(self) -> LocationData:
        return LocationData(**self.cleaned_data)
