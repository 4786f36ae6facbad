"""What the entry forms of orders share (purchase and sales orders): the products of the line rows with their units,
the unit field, the formset that builds each row knowing its product, and the reason and comment forms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Product


@dataclass
class OrderLineContext:
    """What the line rows need to know about their products: the product and its units (base unit first)."""

    products: dict[int, Product] = field(default_factory=dict)
    units: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, product_ids: set[int]) -> OrderLineContext:
        context = cls()
        if not product_ids:
            return context
        products = (
            Product.objects.filter(pk__in=product_ids).select_related("base_unit").prefetch_related("units__unit")
        )
        for product in products:
            context.products[product.pk] = product
            units = [(product.base_unit_id, product.base_unit.name)]
            units += [(pu.unit_id, pu.unit.name) for pu in sorted(product.units.all(), key=lambda pu: pu.factor)]
            context.units[product.pk] = units
        return context

    def row_kwargs(self, product_id: int | None) -> dict[str, Any]:
        return {"context": self, "product": self.products.get(product_id) if product_id else None}


class UnitField(forms.TypedChoiceField):
    """The unit of a line: offered are the product's units; any other is left to the service, which names the
    product that has no such unit (clearer than "select a valid choice")."""

    def valid_value(self, value: Any) -> bool:
        return True


_PRODUCT_KEY = re.compile(r"^lines-(\d+)-product$")


class BaseOrderLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The line rows; each row is built knowing its product (its units, its tax rate). `build_context` says what the
    rows learn about their products (a subclass adds, e.g., stock figures)."""

    def __init__(self, data: Any = None, *, initial: Sequence[dict[str, Any]] | None = None) -> None:
        super().__init__(data, initial=initial, prefix="lines")
        self.row_products: dict[int, int | None] = {}
        if data is not None:
            for key, value in data.items():
                match = _PRODUCT_KEY.match(key)
                if match and str(value).isdigit():
                    self.row_products[int(match.group(1))] = int(value)
        else:
            for i, row in enumerate(initial or []):
                self.row_products[i] = row.get("product")
        self.context = self.build_context({p for p in self.row_products.values() if p})

    def build_context(self, product_ids: set[int]) -> OrderLineContext:
        return OrderLineContext.build(product_ids)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return self.context.row_kwargs(self.row_products.get(index) if index is not None else None)

    def numbered(self) -> None:
        """Number the rows the user sees (removed rows are hidden and not counted), for the error summary."""
        n = 0
        for row in self.forms:
            removed = row.is_bound and row["DELETE"].value()
            row.number = None if removed else (n := n + 1)


class ReasonForm(forms.Form):
    """Why an order is rejected, closed or voided (kept in the audit log)."""

    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class CommentForm(forms.Form):
    """An approver's optional comment."""

    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)
