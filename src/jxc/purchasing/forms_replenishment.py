"""The replenishment page's toolbar: method, sales window, safety days, warehouse, category, supplier, search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import category_tree
from jxc.core.forms import FastSelect
from jxc.inventory.selectors import warehouse_list_for
from jxc.partners.models import Partner
from jxc.purchasing.selectors.replenishment import DEFAULT_DAYS, MINMAX, REORDER_POINT

METHOD_CHOICES = [(MINMAX, _("Min / max")), (REORDER_POINT, _("Reorder point (sales)"))]
SHOW_CHOICES = [("below", _("Only what to order")), ("all", _("Everything planned"))]


def _small_number(label: Any, *, max_value: int, title: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=max_value,
        widget=forms.NumberInput(attrs={"style": "width:5.5rem", "title": title, "placeholder": label}),
    )


class ReplenishmentFilterForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), required=False, choices=METHOD_CHOICES, widget=FastSelect)
    days = _small_number(_("Sales days"), max_value=3660, title=_("Average daily sales over the last N days"))
    safety_days = _small_number(_("Safety days"), max_value=365, title=_("Safety stock: days of average sales"))
    warehouse = forms.TypedChoiceField(
        label=_("Warehouse"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    supplier = forms.TypedChoiceField(
        label=_("Preferred supplier"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("SKU, name, barcode, pinyin initials")}),
    )
    show = forms.ChoiceField(label=_("Show"), required=False, choices=SHOW_CHOICES, widget=FastSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [("", _("All warehouses"))] + [
            (w.pk, w.name) for w in warehouse_list_for(user=user, active=True).order_by("code")
        ]
        self.fields["category"].choices = [("", _("All categories"))] + [
            (n.category.pk, "　" * n.depth + n.category.name) for n in category_tree()
        ]
        suppliers = Partner.objects.filter(is_supplier=True, active=True).order_by("code").only("pk", "code", "name")
        self.fields["supplier"].choices = [("", _("Any supplier"))] + [(s.pk, f"{s.code} {s.name}") for s in suppliers]

    def filters(self) -> dict[str, Any]:
        """The selector's arguments; an invalid field (a warehouse the user may not see) is just left out."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        days = data.get("days")
        return {
            "method": data.get("method") or MINMAX,
            "days": days if days else DEFAULT_DAYS,
            "safety_days": data.get("safety_days") or 0,
            "warehouse_id": data.get("warehouse"),
            "category_id": data.get("category"),
            "supplier_id": data.get("supplier"),
            "q": (data.get("q") or "").strip(),
            "only_below": data.get("show") != "all",
        }
