"""Filter forms of the report pages: gross profit, credit exposure."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.forms import FastSelect
from jxc.inventory.selectors import warehouse_list_for
from jxc.inventory.selectors.stock import visible_warehouse_ids
from jxc.partners.selectors import partner_list
from jxc.reports.selectors.profit import ProfitFilters
from jxc.reports.tables import GROUP_CHOICES
from jxc.sales.forms_orders import salesperson_choices

SHOW_CHOICES = [
    ("active", _("With a limit or a balance")),
    ("over", _("Over the limit")),
    ("overdue", _("With overdue receivables")),
    ("all", _("All customers")),
]
CREDIT_SORT_CHOICES = [
    ("exposure", _("Largest exposure first")),
    ("available", _("Least credit left first")),
    ("overdue", _("Most overdue first")),
    ("receivable", _("Largest receivable first")),
    ("name", _("By name")),
]


def _date_widget(label: Any) -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "title": label, "aria-label": label, "style": "width:auto"}, format="%Y-%m-%d"
    )


def _valid_data(form: forms.Form) -> dict[str, Any]:
    """The fields that are valid (an invalid one, such as a warehouse the user may not see, is just ignored)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def warehouse_scope(user: Any, warehouse_id: int | None) -> list[int] | None:
    """The warehouses a report covers: None (all) for a user who sees every warehouse and chose none."""
    if warehouse_id is None and getattr(user, "all_warehouses", True):
        return None
    return visible_warehouse_ids(user=user, warehouse_id=warehouse_id)


def month_start(day: date) -> date:
    return day.replace(day=1)


class ProfitFilterForm(forms.Form):
    """The gross profit toolbar: grouping, date range, customer, salesperson, warehouse and a product search."""

    group = forms.ChoiceField(label=_("Group by"), required=False, choices=GROUP_CHOICES, widget=FastSelect)
    start = forms.DateField(label=_("From"), required=False, widget=_date_widget(_("From")))
    end = forms.DateField(label=_("To"), required=False, widget=_date_widget(_("To")))
    customer = forms.TypedChoiceField(
        label=_("Customer"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    salesperson = forms.TypedChoiceField(
        label=_("Salesperson"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    warehouse = forms.TypedChoiceField(
        label=_("Warehouse"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    product = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(
        label=_("Product"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Product: SKU, name, barcode")}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        customers = partner_list(role="customer", active=None).order_by("name", "pk").values_list("pk", "name")
        self.fields["customer"].choices = [("", _("All customers")), *customers]
        self.fields["salesperson"].choices = [("", _("All salespeople")), *salesperson_choices()]
        self.fields["warehouse"].choices = [("", _("All warehouses"))] + [
            (w.pk, w.name) for w in warehouse_list_for(user=user, active=None).order_by("code")
        ]

    def filters(self) -> tuple[str, ProfitFilters]:
        """The grouping and the filters (from the first of this month to today unless told)."""
        data = _valid_data(self)
        today = timezone.localdate()
        return data.get("group") or "product", ProfitFilters(
            start=data.get("start") or month_start(today),
            end=data.get("end") or today,
            customer_id=data.get("customer"),
            product_id=data.get("product"),
            salesperson_id=data.get("salesperson"),
            warehouse_ids=warehouse_scope(self.user, data.get("warehouse")),
            q=(data.get("q") or "").strip(),
        )


class CreditFilterForm(forms.Form):
    """The credit exposure toolbar: which customers, whose, a search and the order."""

    show = forms.ChoiceField(label=_("Show"), required=False, choices=SHOW_CHOICES, widget=FastSelect)
    salesperson = forms.TypedChoiceField(
        label=_("Salesperson"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=CREDIT_SORT_CHOICES, widget=FastSelect)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Customer: name, code, phone")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].choices = [("", _("All salespeople")), *salesperson_choices()]

    def filters(self) -> dict[str, Any]:
        data = _valid_data(self)
        return {
            "show": data.get("show") or "active",
            "sort": data.get("sort") or "exposure",
            "salesperson_id": data.get("salesperson"),
            "q": (data.get("q") or "").strip(),
        }
