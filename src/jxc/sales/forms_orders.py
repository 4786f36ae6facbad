"""Sales orders (销售订单) in the UI: the header form, the line rows with their stock figures, the list filter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.accounts.selectors import include_tax_default, user_list
from jxc.catalog.models import Product
from jxc.core.forms import FastSelect, date_input, decimal_field, filled_rows, removable
from jxc.core.numbers import ZERO
from jxc.inventory.forms_documents import DocumentFilterForm
from jxc.inventory.forms_orders import BaseOrderLineFormSet, OrderLineContext, UnitField
from jxc.inventory.selectors import warehouses_of
from jxc.partners.selectors import partner_list
from jxc.sales.choices import OrderStatus
from jxc.sales.models import SalesOrder, SalesOrderLine
from jxc.sales.selectors.documents import StockFigures, stock_figures
from jxc.sales.services.orders import SalesLineData, SalesOrderData
from jxc.sales.tables_orders import source_label


def customer_choices(*, current: int | None = None) -> list[tuple[Any, str]]:
    """The customers to pick from (a deactivated one only when the order already names it)."""
    customers = partner_list(role="customer", active=None).filter(Q(active=True) | Q(pk=current or 0))
    return list(customers.order_by("name").values_list("pk", "name"))


def salesperson_choices(*, current: int | None = None) -> list[tuple[Any, str]]:
    """Active users (and the order's salesperson if no longer active), by name."""
    users = user_list(active=None).filter(Q(is_active=True) | Q(pk=current or 0))
    return sorted(((u.pk, str(u)) for u in users), key=lambda choice: choice[1])


class SalesOrderForm(forms.Form):
    """The header of a sales order."""

    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, widget=FastSelect)
    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    date = forms.DateField(label=_("Order date"), widget=date_input())
    delivery_date = forms.DateField(label=_("Delivery date"), required=False, widget=date_input())
    salesperson = forms.TypedChoiceField(
        label=_("Salesperson"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=FastSelect,
        help_text=_("Empty: the customer's salesperson."),
    )
    prices_include_tax = forms.BooleanField(label=_("Prices include tax"), required=False)
    freight = decimal_field(label=_("Freight"), places=2, min_value=ZERO)
    other_charges = decimal_field(label=_("Other charges"), places=2, min_value=ZERO)
    customer_reference = forms.CharField(label=_("Customer's reference"), max_length=60, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "wide": True})
    )

    def __init__(self, *args: Any, user: Any, keep: SalesOrder | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", "—"), *customer_choices(current=keep.customer_id if keep else None)]
        people = salesperson_choices(current=keep.salesperson_id if keep else None)
        self.fields["salesperson"].choices = [("", "—"), *people]
        warehouses = [(w.pk, w.name) for w in warehouses_of(user=user).filter(active=True).order_by("code")]
        self.fields["warehouse"].choices = warehouses
        if not self.is_bound and not self.initial.get("warehouse") and warehouses:
            self.initial["warehouse"] = warehouses[0][0]
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("prices_include_tax", include_tax_default(None))
        for name in ("freight", "other_charges"):
            self.fields[name].widget.attrs["placeholder"] = "0.00"
            self.fields[name].widget.attrs["data-charge"] = ""

    def warehouse_id(self) -> int | None:
        """The warehouse chosen (typed or initial): the one whose stock the line rows show."""
        value = str((self.data.get("warehouse") if self.is_bound else self.initial.get("warehouse")) or "")
        return int(value) if value.isdigit() else None

    @staticmethod
    def initial_for(order: SalesOrder, *, copy: bool = False) -> dict[str, Any]:
        return {
            "customer": order.customer_id,
            "warehouse": order.warehouse_id,
            "date": timezone.localdate() if copy else order.date,
            "delivery_date": None if copy else order.delivery_date,
            "salesperson": order.salesperson_id,
            "prices_include_tax": order.prices_include_tax,
            "freight": order.freight or None,
            "other_charges": order.other_charges or None,
            "customer_reference": "" if copy else order.customer_reference,
            "notes": "" if copy else order.notes,
        }

    def to_data(self, lines: forms.BaseFormSet[Any]) -> tuple[SalesOrderData, dict[str, list[forms.BaseForm]]]:
        """The service input and, for showing errors, the row each line came from."""
        d = self.cleaned_data
        rows = filled_rows(lines)
        data = SalesOrderData(
            customer_id=d["customer"],
            warehouse_id=d["warehouse"],
            date=d["date"],
            delivery_date=d.get("delivery_date"),
            salesperson_id=d.get("salesperson"),
            prices_include_tax=bool(d.get("prices_include_tax")),
            freight=d.get("freight") or ZERO,
            other_charges=d.get("other_charges") or ZERO,
            customer_reference=d.get("customer_reference", ""),
            notes=d.get("notes", ""),
            lines=[cast("SalesLineForm", row).to_line() for row in rows],
        )
        return data, {"lines": rows}


@dataclass
class SalesLineContext(OrderLineContext):
    """The products of the rows with their units, and their stock in the order's warehouse."""

    stock: dict[int, StockFigures] = field(default_factory=dict)

    @classmethod
    def for_warehouse(cls, product_ids: set[int], warehouse_id: int | None) -> SalesLineContext:
        context = cast("SalesLineContext", cls.build(product_ids))
        context.stock = stock_figures(product_ids, warehouse_id)
        return context


class SalesLineForm(forms.Form):
    """One line row: the product (added by scanning), unit, quantity, price (empty: proposed), tax, discount, notes;
    beside them where the price comes from and the product's stock in the order's warehouse."""

    product = forms.IntegerField(widget=forms.HiddenInput)
    unit = UnitField(label=_("Unit"), coerce=int, widget=FastSelect(attrs={"data-unit": ""}))
    quantity = decimal_field(label=_("Quantity"), places=6, required=True)
    price = decimal_field(
        label=_("Unit price"),
        places=6,
        min_value=ZERO,
        help_text=_(
            "Empty: the price agreed with the customer, else the last price sold to them, else their price level."
        ),
    )
    tax_rate = decimal_field(label=_("Tax rate (%)"), places=2, min_value=ZERO)
    discount_pct = decimal_field(label=_("Discount (%)"), places=2, min_value=ZERO)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args: Any, context: SalesLineContext, product: Product | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.product_obj = product
        self.fields["unit"].choices = context.units.get(product.pk, []) if product else []
        if product is not None:
            self.fields["tax_rate"].widget.attrs["placeholder"] = f"{product.tax_rate.normalize():f}"
        self.fields["discount_pct"].widget.attrs["placeholder"] = "0"
        self.fields["price"].widget.attrs["data-price"] = ""

    @property
    def figures(self) -> StockFigures | None:
        """The product's stock in the order's warehouse (base units), if a warehouse is chosen."""
        if self.product_obj is None or not self.context.stock:
            return None
        return self.context.stock.get(self.product_obj.pk, StockFigures())

    @property
    def source_text(self) -> str:
        """Where the price shown comes from: typed when one is in the field (a proposal is filled in on the page)."""
        return source_label("typed") if self["price"].value() not in (None, "") else ""

    def clean_product(self) -> int:
        value: int = self.cleaned_data["product"]
        if self.product_obj is None or self.product_obj.pk != value:
            raise forms.ValidationError(_("Unknown product."))
        return value

    @staticmethod
    def initial_for(line: SalesOrderLine) -> dict[str, Any]:
        """A saved line as a row: a typed price stays typed; a proposed one is left empty, to be proposed again."""
        return {
            "product": line.product_id,
            "unit": line.unit_id,
            "quantity": line.unit_quantity,
            "price": line.price if line.price_source == "typed" else None,
            "tax_rate": line.tax_rate,
            "discount_pct": line.discount_pct if line.discount_pct else None,
            "notes": line.notes,
        }

    def to_line(self) -> SalesLineData:
        d = self.cleaned_data
        return SalesLineData(
            product_id=d["product"],
            quantity=d["quantity"],
            unit_id=d["unit"],
            price=d.get("price"),
            tax_rate=d.get("tax_rate"),
            discount_pct=d.get("discount_pct") or ZERO,
            notes=d.get("notes", ""),
        )


class BaseSalesLineFormSet(BaseOrderLineFormSet):
    """The line rows of a sales order; their context also holds the stock of their products in the warehouse."""

    def __init__(
        self, data: Any = None, *, initial: Sequence[dict[str, Any]] | None = None, warehouse_id: int | None = None
    ) -> None:
        self.warehouse_id = warehouse_id
        super().__init__(data, initial=initial)

    def build_context(self, product_ids: set[int]) -> SalesLineContext:
        return SalesLineContext.for_warehouse(product_ids, self.warehouse_id)


SalesLineFormSet = cast(
    "type[BaseSalesLineFormSet]",
    forms.formset_factory(SalesLineForm, formset=BaseSalesLineFormSet, extra=0, can_delete=True),
)


def sales_line_row(*, context: SalesLineContext, index: int, product: Product, unit_id: int) -> SalesLineForm:
    """A new row for a scanned product (what the scan field appends); the page proposes its price.

    The row gets the formset's own fields (DELETE), so that removing it on the page keeps it out of the order."""
    row = SalesLineForm(
        prefix=f"lines-{index}",
        context=context,
        product=product,
        initial={"product": product.pk, "unit": unit_id, "quantity": Decimal(1), "tax_rate": product.tax_rate},
    )
    return removable(row)


class SalesOrderFilterForm(DocumentFilterForm):
    """The filters of the order list: the stock documents' filters, plus the customer and the salesperson."""

    customer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    salesperson = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    field_order = ["q", "status", "customer", "warehouse", "salesperson", "date_from", "date_to"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, kind="sales_order", **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Number, customer, reference, product, SKU, barcode")
        self.fields["status"].choices = [("", _("Any status")), *OrderStatus.choices]
        customers = partner_list(role="customer", active=None).order_by("name", "pk").values_list("pk", "name")
        self.fields["customer"].choices = [("", _("All customers")), *customers]
        self.fields["salesperson"].choices = [("", _("All salespeople")), *salesperson_choices()]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "status": d.get("status", ""),
            "customer_id": d.get("customer"),
            "warehouse_id": d.get("warehouse"),
            "salesperson_id": d.get("salesperson"),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }
