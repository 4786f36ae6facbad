"""Forms of the supplier pages: the suppliers list's filters, the score window, a supplier's terms for a product."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Product, ProductUnit, Unit
from jxc.catalog.selectors import product_find_by_code
from jxc.core.forms import FastSelect, date_input, decimal_field
from jxc.partners.models import Partner, SupplierClass
from jxc.purchasing.models import SupplierProduct
from jxc.purchasing.selectors.scores import DEFAULT_DAYS
from jxc.purchasing.services.terms import TermData

ACTIVE_CHOICES = [("1", _("Active")), ("0", _("Deactivated")), ("", _("All"))]
APPROVED_CHOICES = [("", _("Approved or not")), ("1", _("Approved")), ("0", _("Not approved"))]


def _days_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Window (days)"),
        required=False,
        min_value=1,
        max_value=3660,
        widget=forms.NumberInput(attrs={"style": "width:6rem", "title": _("Score over the last N days")}),
    )


class ScoreWindowForm(forms.Form):
    """How many days back the score looks (default 365)."""

    days = _days_field()

    def window_days(self) -> int:
        value = self.cleaned_data.get("days") if self.is_valid() else None
        return int(value) if value else DEFAULT_DAYS


class SupplierFilterForm(ScoreWindowForm):
    """The suppliers list's toolbar: search, class, approved, active, and the score window."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, code, phone, pinyin initials")}),
    )
    supplier_class = forms.ChoiceField(
        required=False, choices=[("", _("Any class")), *SupplierClass.choices], widget=FastSelect
    )
    approved = forms.ChoiceField(required=False, choices=APPROVED_CHOICES, widget=FastSelect)
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES, widget=FastSelect)

    field_order = ["q", "supplier_class", "approved", "active", "days"]

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        approved = data.get("approved", "")
        active = self.data.get("active") if self.is_bound else None
        return {
            "q": data.get("q", ""),
            "supplier_class": data.get("supplier_class", ""),
            "approved": None if not approved else approved == "1",
            "active": True if active is None else (None if active == "" else active != "0"),
            "days": self.window_days(),
        }


def _unit_choices(product: Product | None) -> list[tuple[Any, str]]:
    if product is None:
        return [("", _("Base unit"))] + [(u.pk, u.name) for u in Unit.objects.filter(active=True).order_by("name")]
    units = [(product.base_unit_id, f"{product.base_unit.name} (1)")]
    for pu in ProductUnit.objects.filter(product=product).select_related("unit").order_by("factor"):
        units.append((pu.unit_id, f"{pu.unit.name} ({pu.factor.normalize():f})"))
    return [("", _("Base unit")), *units]


class TermForm(forms.Form):
    """A supplier's terms for one product; the product is found by SKU or barcode when the terms are new.

    Without view_cost the price fields are left out (the recorded price is kept)."""

    product = forms.CharField(
        label=_("Product"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("SKU or barcode"), "autocomplete": "off"}),
    )
    supplier_sku = forms.CharField(label=_("Supplier's item code"), max_length=60, required=False)
    unit = forms.TypedChoiceField(
        label=_("Purchase unit"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    last_price = decimal_field(
        label=_("Last price (per base unit, without tax)"), places=6, min_value=Decimal(0), required=False
    )
    last_price_date = forms.DateField(
        label=_("Last price on"),
        required=False,
        widget=date_input(),
    )
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"),
        required=False,
        min_value=0,
        max_value=3650,
        help_text=_("Empty: the supplier's lead time."),
    )
    min_order_quantity = decimal_field(
        label=_("Minimum order quantity (in the purchase unit)"), places=6, min_value=Decimal(0), required=False
    )
    preferred = forms.BooleanField(
        label=_("Preferred supplier for this product"),
        required=False,
        help_text=_("Replenishment orders go to the preferred supplier; another supplier's preference moves here."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        supplier: Partner,
        term: SupplierProduct | None = None,
        show_cost: bool = True,
        **kwargs: Any,
    ) -> None:
        if term is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "product": term.product.sku,
                "supplier_sku": term.supplier_sku,
                "unit": term.unit_id,
                "last_price": term.last_price,
                "last_price_date": term.last_price_date,
                "lead_time_days": term.lead_time_days,
                "min_order_quantity": term.min_order_quantity,
                "preferred": term.preferred,
                "notes": term.notes,
            }
        super().__init__(*args, **kwargs)
        self.supplier, self.term, self.show_cost = supplier, term, show_cost
        self.found: Product | None = term.product if term is not None else None
        self.fields["unit"].choices = _unit_choices(self.found)
        if term is not None:
            self.fields["product"].disabled = True
        if not show_cost:
            del self.fields["last_price"]
            del self.fields["last_price_date"]

    def clean_product(self) -> str:
        code = (self.cleaned_data.get("product") or "").strip()
        if self.term is not None:
            return self.term.product.sku
        hit = product_find_by_code(code=code)
        if hit is None:
            raise forms.ValidationError(_("No product has this SKU or barcode."))
        self.found = hit.product
        return code

    def to_data(self) -> TermData:
        d = self.cleaned_data
        product_id = self.found.pk if self.found is not None else 0
        term = self.term
        if self.show_cost:
            price: Decimal | None = d.get("last_price")
            price_date: date | None = d.get("last_price_date")
        else:
            price = term.last_price if term else None
            price_date = term.last_price_date if term else None
        return TermData(
            supplier_id=self.supplier.pk,
            product_id=product_id,
            supplier_sku=d.get("supplier_sku") or "",
            unit_id=d.get("unit"),
            last_price=price,
            last_price_date=price_date,
            lead_time_days=d.get("lead_time_days"),
            min_order_quantity=d.get("min_order_quantity"),
            preferred=bool(d.get("preferred")),
            notes=d.get("notes") or "",
        )
