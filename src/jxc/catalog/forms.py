"""Forms of the product, unit, category and brand pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Brand, Product, Unit
from jxc.catalog.selectors import category_tree
from jxc.catalog.services.products import BarcodeLine, ProductData, UnitLine
from jxc.catalog.services.taxonomy import BrandData, CategoryData, UnitData
from jxc.core.forms import FastSelect, decimal_field, filled_rows

ACTIVE_CHOICES = [("1", _("Active")), ("0", _("Deactivated")), ("", _("All"))]


def active_filter(value: str | None) -> bool | None:
    """?active=1 → True, 0 → False, empty → None (all); missing → active only."""
    if value is None:
        return True
    return None if value == "" else value != "0"


def _category_choices(*, blank: str) -> list[tuple[Any, str]]:
    return [("", blank)] + [(n.category.pk, "　" * n.depth + n.category.name) for n in category_tree()]


def _unit_choices() -> list[tuple[Any, str]]:
    return [("", "—")] + [(u.pk, u.name) for u in Unit.objects.filter(active=True).order_by("name")]


class ProductFilterForm(forms.Form):
    q = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("SKU, name, barcode, pinyin initials"), "autofocus": True}
        ),
    )
    category = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    brand = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES, widget=FastSelect)
    tracking = forms.ChoiceField(
        required=False,
        choices=[("", _("Any tracking")), ("lots", _("Lots and expiry")), ("serials", _("Serial numbers"))],
        widget=FastSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(blank=str(_("All categories")))
        self.fields["brand"].choices = [("", _("All brands"))] + [
            (b.pk, b.name) for b in Brand.objects.filter(active=True).order_by("name")
        ]

    def filters(self, raw_active: str | None) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "category_id": data.get("category"),
            "brand_id": data.get("brand"),
            "active": active_filter(raw_active),
            "tracking": data.get("tracking", ""),
        }


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    spec = forms.CharField(label=_("Specification"), max_length=120, required=False, help_text=_("e.g. 105g×24"))
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    brand = forms.TypedChoiceField(label=_("Brand"), required=False, coerce=int, empty_value=None, widget=FastSelect)
    base_unit = forms.TypedChoiceField(
        label=_("Base unit"), coerce=int, help_text=_("The smallest unit stock is counted in."), widget=FastSelect
    )
    purchase_price = decimal_field(label=_("Purchase price"), places=6, min_value=Decimal(0))
    retail_price = decimal_field(label=_("Retail price"), places=6, min_value=Decimal(0))
    wholesale_price = decimal_field(label=_("Wholesale price"), places=6, min_value=Decimal(0))
    min_price = decimal_field(label=_("Minimum selling price"), places=6, min_value=Decimal(0))
    tax_rate = decimal_field(label=_("Tax rate (%)"), places=2, required=True, min_value=Decimal(0))
    min_stock = decimal_field(label=_("Minimum stock"), places=6, min_value=Decimal(0))
    max_stock = decimal_field(label=_("Maximum stock"), places=6, min_value=Decimal(0))
    shelf_life_days = forms.IntegerField(label=_("Shelf life (days)"), required=False, min_value=1)
    track_lots = forms.BooleanField(label=_("Track lots and expiry"), required=False)
    track_serials = forms.BooleanField(label=_("Track serial numbers"), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2, "wide": True}))

    def __init__(self, *args: Any, show_cost: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_cost = show_cost
        if not show_cost:
            del self.fields["purchase_price"]
        self.fields["category"].choices = _category_choices(blank="—")
        self.fields["brand"].choices = [("", "—")] + [
            (b.pk, b.name) for b in Brand.objects.filter(active=True).order_by("name")
        ]
        self.fields["base_unit"].choices = _unit_choices()

    @classmethod
    def initial_for(cls, product: Product) -> dict[str, Any]:
        return {
            "sku": product.sku,
            "name": product.name,
            "spec": product.spec,
            "category": product.category_id,
            "brand": product.brand_id,
            "base_unit": product.base_unit_id,
            "purchase_price": product.purchase_price,
            "retail_price": product.retail_price,
            "wholesale_price": product.wholesale_price,
            "min_price": product.min_price,
            "tax_rate": product.tax_rate,
            "min_stock": product.min_stock,
            "max_stock": product.max_stock,
            "shelf_life_days": product.shelf_life_days,
            "track_lots": product.track_lots,
            "track_serials": product.track_serials,
            "notes": product.notes,
        }

    def to_data(
        self, units: forms.BaseFormSet, barcodes: forms.BaseFormSet
    ) -> tuple[ProductData, dict[str, list[forms.BaseForm]]]:
        """The service input and, for error display, which form row each unit and barcode came from."""
        d = self.cleaned_data
        unit_rows = filled_rows(units)
        barcode_rows = filled_rows(barcodes)
        data = ProductData(
            sku=d["sku"],
            name=d["name"],
            spec=d["spec"],
            category_id=d["category"],
            brand_id=d["brand"],
            base_unit_id=d["base_unit"],
            purchase_price=d.get("purchase_price") if self.show_cost else None,
            retail_price=d["retail_price"] or Decimal(0),
            wholesale_price=d["wholesale_price"] or Decimal(0),
            min_price=d["min_price"] or Decimal(0),
            tax_rate=d["tax_rate"],
            min_stock=d["min_stock"],
            max_stock=d["max_stock"],
            track_lots=d["track_lots"],
            track_serials=d["track_serials"],
            shelf_life_days=d["shelf_life_days"],
            notes=d["notes"],
            units=[UnitLine(unit_id=r.cleaned_data["unit"], factor=r.cleaned_data["factor"]) for r in unit_rows],
            barcodes=[BarcodeLine(code=r.cleaned_data["code"], unit_id=r.cleaned_data["unit"]) for r in barcode_rows],
        )
        if self.show_cost and data.purchase_price is None:
            data.purchase_price = Decimal(0)
        return data, {"units": unit_rows, "barcodes": barcode_rows}


class ProductUnitForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=FastSelect)
    factor = decimal_field(label=_("Base units per unit"), places=6, required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _unit_choices()


class BarcodeForm(forms.Form):
    code = forms.CharField(
        label=_("Barcode"), max_length=64, widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    )
    unit = forms.TypedChoiceField(
        label=_("Unit"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Empty: the base unit."),
        widget=FastSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Base unit")), *_unit_choices()[1:]]


ProductUnitFormSet = forms.formset_factory(ProductUnitForm, extra=0, can_delete=True)
BarcodeFormSet = forms.formset_factory(BarcodeForm, extra=0, can_delete=True)


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=20)
    decimals = forms.IntegerField(
        label=_("Decimal places"),
        min_value=0,
        max_value=6,
        initial=0,
        help_text=_("0 for countable units (件, 包), 3 for kg."),
    )

    def to_data(self) -> UnitData:
        return UnitData(**self.cleaned_data)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    parent = forms.TypedChoiceField(
        label=_("Parent category"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    code = forms.CharField(label=_("Code"), max_length=30, required=False)
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = _category_choices(blank=str(_("(top level)")))

    def to_data(self) -> CategoryData:
        d = self.cleaned_data
        return CategoryData(name=d["name"], parent_id=d["parent"], code=d["code"], sort_order=d["sort_order"] or 0)


class BrandForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)

    def to_data(self) -> BrandData:
        return BrandData(name=self.cleaned_data["name"])


class SimpleFilterForm(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search")}))
    active = forms.ChoiceField(required=False, choices=ACTIVE_CHOICES, widget=FastSelect)
