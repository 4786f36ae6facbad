"""Purchase orders (采购订单) in the UI: the header form, the line rows, the list filter, the reason forms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.selectors import include_tax_default
from jxc.catalog.models import Product
from jxc.core.forms import FastSelect, date_input, decimal_field, filled_rows, removable
from jxc.core.numbers import ZERO
from jxc.inventory.forms_documents import DocumentFilterForm
from jxc.inventory.selectors import warehouses_of
from jxc.partners.selectors import partner_list
from jxc.purchasing.choices import OrderStatus
from jxc.purchasing.forms_receipts import supplier_choices
from jxc.purchasing.models import PurchaseOrder, PurchaseOrderLine
from jxc.purchasing.services.orders import OrderData, OrderLineData


class OrderForm(forms.Form):
    """The header of a purchase order."""

    supplier = forms.TypedChoiceField(label=_("Supplier"), coerce=int, widget=FastSelect)
    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    date = forms.DateField(label=_("Order date"), widget=date_input())
    expected_date = forms.DateField(
        label=_("Expected date"),
        required=False,
        widget=date_input(),
        help_text=_("When the goods should arrive; a line can have its own date."),
    )
    prices_include_tax = forms.BooleanField(label=_("Prices include tax"), required=False)
    freight = decimal_field(label=_("Freight"), places=2, min_value=ZERO)
    other_charges = decimal_field(label=_("Other charges"), places=2, min_value=ZERO)
    supplier_reference = forms.CharField(label=_("Supplier's reference"), max_length=60, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "wide": True})
    )

    def __init__(self, *args: Any, user: Any, keep_supplier: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].choices = [("", "—"), *supplier_choices(current=keep_supplier)]
        warehouses = [(w.pk, w.name) for w in warehouses_of(user=user).filter(active=True).order_by("code")]
        self.fields["warehouse"].choices = warehouses
        if not self.is_bound and not self.initial.get("warehouse") and warehouses:
            self.initial["warehouse"] = warehouses[0][0]
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("prices_include_tax", include_tax_default(None))
        for name in ("freight", "other_charges"):
            self.fields[name].widget.attrs["placeholder"] = "0.00"
            self.fields[name].widget.attrs["data-charge"] = ""

    @staticmethod
    def initial_for(order: PurchaseOrder, *, copy: bool = False) -> dict[str, Any]:
        return {
            "supplier": order.supplier_id,
            "warehouse": order.warehouse_id,
            "date": timezone.localdate() if copy else order.date,
            "expected_date": None if copy else order.expected_date,
            "prices_include_tax": order.prices_include_tax,
            "freight": order.freight or None,
            "other_charges": order.other_charges or None,
            "supplier_reference": "" if copy else order.supplier_reference,
            "notes": "" if copy else order.notes,
        }

    def to_data(self, lines: forms.BaseFormSet[Any]) -> tuple[OrderData, dict[str, list[forms.BaseForm]]]:
        """The service input and, for showing errors, the row each line came from."""
        d = self.cleaned_data
        rows = filled_rows(lines)
        data = OrderData(
            supplier_id=d["supplier"],
            warehouse_id=d["warehouse"],
            date=d["date"],
            expected_date=d.get("expected_date"),
            prices_include_tax=bool(d.get("prices_include_tax")),
            freight=d.get("freight") or ZERO,
            other_charges=d.get("other_charges") or ZERO,
            supplier_reference=d.get("supplier_reference", ""),
            notes=d.get("notes", ""),
            lines=[cast("OrderLineForm", row).to_line() for row in rows],
        )
        return data, {"lines": rows}


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


class OrderLineForm(forms.Form):
    """One line row: the product (added by scanning), unit, quantity, price, tax, discount, date, notes."""

    product = forms.IntegerField(widget=forms.HiddenInput)
    unit = UnitField(label=_("Unit"), coerce=int, widget=FastSelect(attrs={"data-unit": ""}))
    quantity = decimal_field(label=_("Quantity"), places=6, required=True)
    price = decimal_field(
        label=_("Unit price"),
        places=6,
        min_value=ZERO,
        help_text=_("Empty: this supplier's last price, else the product's purchase price."),
    )
    tax_rate = decimal_field(label=_("Tax rate (%)"), places=2, min_value=ZERO)
    discount_pct = decimal_field(label=_("Discount (%)"), places=2, min_value=ZERO)
    expected_date = forms.DateField(label=_("Expected date"), required=False, widget=date_input())
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args: Any, context: OrderLineContext, product: Product | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.product_obj = product
        self.fields["unit"].choices = context.units.get(product.pk, []) if product else []
        if product is not None:
            self.fields["tax_rate"].widget.attrs["placeholder"] = f"{product.tax_rate.normalize():f}"
        self.fields["discount_pct"].widget.attrs["placeholder"] = "0"
        self.fields["price"].widget.attrs["data-price"] = ""

    def clean_product(self) -> int:
        value: int = self.cleaned_data["product"]
        if self.product_obj is None or self.product_obj.pk != value:
            raise forms.ValidationError(_("Unknown product."))
        return value

    @staticmethod
    def initial_for(line: PurchaseOrderLine, *, copy: bool = False) -> dict[str, Any]:
        return {
            "product": line.product_id,
            "unit": line.unit_id,
            "quantity": line.unit_quantity,
            "price": line.price,
            "tax_rate": line.tax_rate,
            "discount_pct": line.discount_pct if line.discount_pct else None,
            "expected_date": None if copy else line.expected_date,
            "notes": line.notes,
        }

    def to_line(self) -> OrderLineData:
        d = self.cleaned_data
        return OrderLineData(
            product_id=d["product"],
            quantity=d["quantity"],
            unit_id=d["unit"],
            price=d.get("price"),
            tax_rate=d.get("tax_rate"),
            discount_pct=d.get("discount_pct") or ZERO,
            expected_date=d.get("expected_date"),
            notes=d.get("notes", ""),
        )


_PRODUCT_KEY = re.compile(r"^lines-(\d+)-product$")


class BaseOrderLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The line rows; each row is built knowing its product (its units, its tax rate)."""

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
        self.context = OrderLineContext.build({p for p in self.row_products.values() if p})

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return self.context.row_kwargs(self.row_products.get(index) if index is not None else None)

    def numbered(self) -> None:
        """Number the rows the user sees (removed rows are hidden and not counted), for the error summary."""
        n = 0
        for row in self.forms:
            removed = row.is_bound and row["DELETE"].value()
            row.number = None if removed else (n := n + 1)


OrderLineFormSet = cast(
    "type[BaseOrderLineFormSet]",
    forms.formset_factory(OrderLineForm, formset=BaseOrderLineFormSet, extra=0, can_delete=True),
)


def order_line_row(*, context: OrderLineContext, index: int, product: Product, unit_id: int) -> OrderLineForm:
    """A new row for a scanned product (what the scan field appends); its price is recalled by the page.

    The row gets the formset's own fields (DELETE), so that removing it on the page keeps it out of the order."""
    row = OrderLineForm(
        prefix=f"lines-{index}",
        context=context,
        product=product,
        initial={"product": product.pk, "unit": unit_id, "quantity": Decimal(1), "tax_rate": product.tax_rate},
    )
    return removable(row)


class OrderFilterForm(DocumentFilterForm):
    """The filters of the order lists: the stock documents' filters, plus the supplier and "overdue only"."""

    supplier = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    field_order = ["q", "status", "supplier", "warehouse", "date_from", "date_to", "overdue"]

    def __init__(self, *args: Any, user: Any, overdue_page: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, user=user, kind="purchase_order", **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Number, supplier, product, SKU, barcode")
        statuses = OrderStatus.choices
        if overdue_page:
            del self.fields["overdue"]
            statuses = [(s.value, s.label) for s in (OrderStatus.APPROVED, OrderStatus.PARTIAL)]
        self.fields["status"].choices = [("", _("Any status")), *statuses]
        suppliers = partner_list(role="supplier", active=None).order_by("name", "pk").values_list("pk", "name")
        self.fields["supplier"].choices = [("", _("All suppliers")), *suppliers]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "status": d.get("status", ""),
            "supplier_id": d.get("supplier"),
            "warehouse_id": d.get("warehouse"),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
            "overdue_on": timezone.localdate() if d.get("overdue") else None,
        }


class ReasonForm(forms.Form):
    """Why an order is rejected, closed or voided (kept in the audit log)."""

    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class CommentForm(forms.Form):
    """An approver's optional comment."""

    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)
