"""Purchase orders (采购订单) in the UI: the header form, the line rows, the list filter."""

from __future__ import annotations

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
from jxc.inventory.forms_orders import BaseOrderLineFormSet, OrderLineContext, UnitField
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
