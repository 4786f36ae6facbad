"""Agreed prices (协议价) in the UI: the list filter and the form of one price."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import product_find_by_code
from jxc.core.forms import FastSelect, decimal_field
from jxc.core.numbers import ZERO
from jxc.partners.selectors import partner_list
from jxc.sales.forms_orders import customer_choices
from jxc.sales.models import CustomerPrice
from jxc.sales.services.prices import CustomerPriceData


class PriceFilterForm(forms.Form):
    """The filters of the agreed prices list: a customer, and a search of customers and products."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Customer, product, SKU, barcode")}),
    )
    customer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        customers = partner_list(role="customer", active=None).order_by("name", "pk").values_list("pk", "name")
        self.fields["customer"].choices = [("", _("All customers")), *customers]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {"q": d.get("q", ""), "customer_id": d.get("customer")}


class CustomerPriceForm(forms.Form):
    """One agreed price: the customer and the product (a new price only), the price per base unit, notes."""

    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, widget=FastSelect)
    product = forms.CharField(
        label=_("Product"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-scan": ""}),
        help_text=_("Scan its barcode or type its SKU."),
    )
    price = decimal_field(label=_("Agreed price"), places=6, min_value=ZERO, required=True)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args: Any, row: CustomerPrice | None = None, with_tax: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row = row
        basis = _("with tax") if with_tax else _("without tax")
        self.fields["price"].help_text = _("Per base unit, %(basis)s, as the company states its prices.") % {
            "basis": basis
        }
        if row is not None:
            del self.fields["customer"], self.fields["product"]
        else:
            self.fields["customer"].choices = [("", "—"), *customer_choices()]
        self.product_id: int | None = row.product_id if row is not None else None

    def clean_product(self) -> str:
        code: str = self.cleaned_data["product"].strip()
        hit = product_find_by_code(code=code)
        if hit is None:
            raise forms.ValidationError(_("No product has this barcode or SKU."))
        self.product_id = hit.product.pk
        return code

    def to_data(self) -> CustomerPriceData:
        d = self.cleaned_data
        return CustomerPriceData(
            customer_id=self.row.customer_id if self.row is not None else d["customer"],
            product_id=self.product_id,
            price=d["price"],
            notes=d.get("notes", ""),
        )
