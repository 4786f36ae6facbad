"""Forms of the customer and supplier pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.core.forms import FastSelect, decimal_field, filled_rows
from jxc.partners.models import CustomerClass, Partner, PriceLevel, SupplierClass
from jxc.partners.services.partners import ContactLine, PartnerData

ACTIVE_CHOICES = [("1", _("Active")), ("0", _("Deactivated")), ("", _("All"))]


def active_filter(value: str | None) -> bool | None:
    if value is None:
        return True
    return None if value == "" else value != "0"


class PartnerFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, code, phone, pinyin initials"), "autofocus": True}
        ),
    )
    role = forms.ChoiceField(
        required=False,
        choices=[("", _("Customers and suppliers")), ("customer", _("Customers")), ("supplier", _("Suppliers"))],
        widget=FastSelect,
    )
    price_level = forms.ChoiceField(
        required=False, choices=[("", _("Any price level")), *PriceLevel.choices], widget=FastSelect
    )
    customer_class = forms.ChoiceField(
        required=False, choices=[("", _("Any class")), *CustomerClass.choices], widget=FastSelect
    )
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES, widget=FastSelect)

    def filters(self, raw_active: str | None) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "role": data.get("role", ""),
            "price_level": data.get("price_level", ""),
            "customer_class": data.get("customer_class", ""),
            "active": active_filter(raw_active),
        }


def _salesperson_choices() -> list[tuple[Any, str]]:
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return [("", "—")] + [(u.pk, str(u)) for u in users]


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(
        label=_("Code"), max_length=30, required=False, help_text=_("Empty: numbered automatically (C0001, S0001).")
    )
    is_customer = forms.BooleanField(label=_("Customer"), required=False)
    is_supplier = forms.BooleanField(label=_("Supplier"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, widget=forms.TextInput(attrs={"wide": True})
    )
    tax_id = forms.CharField(label=_("Tax ID"), max_length=40, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=120, required=False)
    bank_account = forms.CharField(label=_("Bank account"), max_length=60, required=False)
    payment_terms_days = forms.IntegerField(label=_("Payment terms (days)"), min_value=0, initial=0)
    credit_limit = decimal_field(
        label=_("Credit limit"), places=2, min_value=Decimal(0), help_text=_("Empty: no limit.")
    )
    price_level = forms.ChoiceField(label=_("Price level"), choices=PriceLevel.choices, widget=FastSelect)
    customer_class = forms.ChoiceField(label=_("Customer class"), choices=CustomerClass.choices, widget=FastSelect)
    salesperson = forms.TypedChoiceField(
        label=_("Salesperson"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0, initial=0)
    supplier_approved = forms.BooleanField(label=_("Approved supplier"), required=False, initial=True)
    supplier_class = forms.ChoiceField(
        label=_("Supplier class"), required=False, choices=[("", "—"), *SupplierClass.choices], widget=FastSelect
    )
    supplier_rating = forms.TypedChoiceField(
        label=_("Rating (1–5)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *((n, "★" * n) for n in range(1, 6))],
        widget=FastSelect,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2, "wide": True}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].choices = _salesperson_choices()

    @classmethod
    def initial_for(cls, partner: Partner) -> dict[str, Any]:
        initial = {name: getattr(partner, name) for name in cls.base_fields if name != "salesperson"}
        initial["salesperson"] = partner.salesperson_id
        return initial

    def to_data(self, contacts: forms.BaseFormSet) -> tuple[PartnerData, dict[str, list[forms.BaseForm]]]:
        d = dict(self.cleaned_data)
        d["salesperson_id"] = d.pop("salesperson")
        rows = filled_rows(contacts)
        d["contacts"] = [
            ContactLine(**{k: r.cleaned_data[k] for k in ("name", "position", "phone", "email", "is_primary")})
            for r in rows
        ]
        d["payment_terms_days"] = d["payment_terms_days"] or 0
        d["lead_time_days"] = d["lead_time_days"] or 0
        return PartnerData(**d), {"contacts": rows}


class ContactForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    is_primary = forms.BooleanField(label=_("Primary"), required=False)


ContactFormSet = forms.formset_factory(ContactForm, extra=0, can_delete=True)
