"""Filter forms of the stock pages: overview, stock card, alerts, valuation; and the period close form."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import category_tree
from jxc.core.forms import FastSelect, date_input
from jxc.inventory.selectors import warehouse_list_for

GRAIN_CHOICES = [
    ("warehouse", _("By product and warehouse")),
    ("product", _("By product")),
    ("location", _("By location")),
    ("lot", _("By lot")),
]


def _warehouse_choices(user: Any, *, blank: Any) -> list[tuple[Any, Any]]:
    return [("", blank)] + [(w.pk, w.name) for w in warehouse_list_for(user=user, active=None).order_by("code")]


def _valid_data(form: forms.Form) -> dict[str, Any]:
    """The fields that are valid (an invalid one, such as a warehouse the user may not see, is just ignored)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


class ScopeFilterForm(forms.Form):
    """The filters the stock pages share: warehouse (of the user's), category and a search text."""

    warehouse = forms.TypedChoiceField(
        label=_("Warehouse"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("SKU, name, barcode, pinyin initials")}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = _warehouse_choices(user, blank=_("All warehouses"))
        self.fields["category"].choices = [("", _("All categories"))] + [
            (n.category.pk, "　" * n.depth + n.category.name) for n in category_tree()
        ]

    def scope(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "warehouse_id": data.get("warehouse"),
            "category_id": data.get("category"),
            "q": (data.get("q") or "").strip(),
        }


class StockFilterForm(ScopeFilterForm):
    """The overview's toolbar: grain, warehouse, category, search and the zero-stock toggle."""

    grain = forms.ChoiceField(label=_("Grain"), required=False, choices=GRAIN_CHOICES, widget=FastSelect)
    zero = forms.BooleanField(label=_("Show zero stock"), required=False)

    def filters(self) -> dict[str, Any]:
        data = _valid_data(self)
        return {"grain": data.get("grain") or "warehouse", **self.scope(data), "include_zero": bool(data.get("zero"))}


class StockCardForm(forms.Form):
    """Which product's stock card, over which dates and warehouse; `q` finds the product."""

    q = forms.CharField(
        label=_("Product"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Scan or type SKU, barcode or name"), "autofocus": True}
        ),
    )
    product = forms.IntegerField(required=False, widget=forms.HiddenInput)
    start = forms.DateField(label=_("From"), required=False, widget=date_input(style="width:auto"))
    end = forms.DateField(label=_("To"), required=False, widget=date_input(style="width:auto"))
    warehouse = forms.TypedChoiceField(
        label=_("Warehouse"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = _warehouse_choices(user, blank=_("All warehouses"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        data["start"] = data.get("start") or today.replace(day=1)
        data["end"] = data.get("end") or today
        if data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


class BalanceAtForm(forms.Form):
    at = forms.DateField(label=_("Balance at"), widget=date_input(style="width:auto"))


class AlertFilterForm(forms.Form):
    days = forms.IntegerField(
        label=_("Expiring within (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        widget=forms.NumberInput(attrs={"style": "width:6rem"}),
    )

    def days_or_default(self) -> int:
        value = self.cleaned_data.get("days") if self.is_valid() else None
        return 30 if value is None else int(value)


class ValuationFilterForm(ScopeFilterForm):
    """The valuation page's toolbar: the day, warehouse, category and search."""

    date = forms.DateField(label=_("At the end of"), required=False, widget=date_input(style="width:auto"))

    def filters(self) -> dict[str, Any]:
        data = _valid_data(self)
        day: date = data.get("date") or timezone.localdate()
        return {"day": day, **self.scope(data)}


class PeriodCloseForm(forms.Form):
    month = forms.DateField(input_formats=["%Y-%m-%d", "%Y-%m"])
