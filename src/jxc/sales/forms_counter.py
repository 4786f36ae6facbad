"""The counter sale (门店收银) in the UI: the checkout header and the cart, whose rows live in the form as inputs.

A refused payment re-renders the same form: every row, price and discount the cashier entered stays as it was.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Product, Unit
from jxc.core.forms import FastSelect, decimal_field
from jxc.core.numbers import ZERO, round_money
from jxc.inventory.models import Warehouse
from jxc.partners.models import Partner, PriceLevel
from jxc.sales.choices import PaymentMethod
from jxc.sales.services.counter import CounterLineData, CounterSaleData

HUNDRED = Decimal(100)
MAX_LINES = 500
# The function key that chooses each payment method, shown on its button.
PAYMENT_KEYS = {
    PaymentMethod.CASH: "F5",
    PaymentMethod.WECHAT: "F6",
    PaymentMethod.ALIPAY: "F7",
    PaymentMethod.CARD: "F8",
}
PRICE_LEVEL_CHOICES = [("", _("Customer's prices")), *PriceLevel.choices]


class CounterForm(forms.Form):
    """The checkout: where the goods leave from, at which prices, to whom, and how it is paid."""

    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    price_level = forms.ChoiceField(label=_("Price level"), choices=PRICE_LEVEL_CHOICES, required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    payment_method = forms.ChoiceField(choices=PaymentMethod.choices, widget=forms.HiddenInput)
    cash_given = decimal_field(label=_("Cash given"), places=2, min_value=ZERO)

    def __init__(self, *args: Any, warehouses: list[Warehouse], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].choices = [(w.pk, w.name) for w in warehouses]  # type: ignore[attr-defined]
        self.fields["cash_given"].widget.attrs.update({"placeholder": _("exact"), "autocomplete": "off"})
        self.customer_obj = self._customer()

    def _customer(self) -> Partner | None:
        value = self["customer"].value()
        if value in (None, "") or not str(value).isdigit():
            return None
        return Partner.objects.filter(pk=int(value), is_customer=True).first()

    def clean_customer(self) -> int | None:
        value = self.cleaned_data.get("customer")
        if value is None:
            return None
        if self.customer_obj is None or not self.customer_obj.active:
            raise forms.ValidationError(_("Choose a customer from the list."))
        return int(value)

    @property
    def method(self) -> str:
        """The payment method chosen (cash until another is)."""
        value = self["payment_method"].value()
        return str(value) if value in PaymentMethod.values else PaymentMethod.CASH

    def payment_buttons(self) -> list[dict[str, Any]]:
        return [
            {"value": value, "label": label, "key": PAYMENT_KEYS[PaymentMethod(value)], "on": value == self.method}
            for value, label in PaymentMethod.choices
        ]

    def to_data(self, rows: list[CounterLineForm]) -> CounterSaleData:
        data = self.cleaned_data
        return CounterSaleData(
            warehouse_id=data["warehouse"],
            payment_method=data["payment_method"],
            lines=[row.to_line() for row in rows],
            customer_id=data.get("customer"),
            price_level=data.get("price_level") or "",
            cash_given=data.get("cash_given") if data["payment_method"] == PaymentMethod.CASH else None,
        )


class CounterLineForm(forms.Form):
    """A cart row: the product and unit it was scanned in (hidden), quantity, price with tax, discount."""

    product = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.IntegerField(widget=forms.HiddenInput)
    quantity = decimal_field(label=_("Quantity"), places=6, required=True)
    price = decimal_field(label=_("Price"), places=6, min_value=ZERO, required=True)
    discount_pct = decimal_field(label=_("Discount (%)"), places=2, min_value=ZERO, max_value=HUNDRED)

    product_obj: Product | None = None
    unit_obj: Unit | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("quantity", _("Quantity")), ("price", _("Price")), ("discount_pct", _("Discount (%)"))):
            self.fields[name].widget.attrs.update({"aria-label": str(label), "data-cart": name, "size": 6})

    def to_line(self) -> CounterLineData:
        data = self.cleaned_data
        return CounterLineData(
            product_id=data["product"],
            quantity=data["quantity"],
            unit_id=data["unit"],
            price=data["price"],
            discount_pct=data.get("discount_pct") or ZERO,
        )

    def _value(self, name: str) -> Decimal:
        raw = self[name].value()
        try:
            return Decimal(str(raw).replace(",", "")) if raw not in (None, "") else ZERO
        except InvalidOperation:
            return ZERO

    @property
    def line_total(self) -> Decimal:
        """What the row comes to as typed (the page updates it as the cashier types; the service decides)."""
        quantity, price, discount = self._value("quantity"), self._value("price"), self._value("discount_pct")
        return round_money(quantity * price * (HUNDRED - discount) / HUNDRED)


class BaseCounterLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Every row on the page is a real cart line: none may be left empty.
        return {**super().get_form_kwargs(index), "empty_permitted": False}


CounterLineFormSet = forms.formset_factory(
    CounterLineForm,
    formset=BaseCounterLineFormSet,
    extra=0,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
)


def cart_rows(rows: list[CounterLineForm]) -> list[CounterLineForm]:
    """The rows with their products and units loaded (two queries), for showing them."""

    def number(row: CounterLineForm, name: str) -> int | None:
        value = row[name].value()
        return int(value) if str(value or "").isdigit() else None

    product_ids = {n for n in (number(row, "product") for row in rows) if n}
    unit_ids = {n for n in (number(row, "unit") for row in rows) if n}
    products = Product.objects.select_related("base_unit").in_bulk(product_ids)
    units = Unit.objects.in_bulk(unit_ids)
    for row in rows:
        row.product_obj = products.get(number(row, "product") or 0)
        row.unit_obj = units.get(number(row, "unit") or 0)
    return rows


def cart_row(*, index: int, product: Product, unit: Unit, price: Decimal) -> CounterLineForm:
    """A new cart row for a scanned or chosen product: one of it, at the proposed price."""
    shown = f"{price:.2f}" if price == round_money(price) else f"{price.normalize():f}"  # 3.00, 0.125
    row = CounterLineForm(
        prefix=f"lines-{index}",
        initial={"product": product.pk, "unit": unit.pk, "quantity": Decimal(1), "price": shown, "discount_pct": ""},
    )
    row.product_obj, row.unit_obj = product, unit
    return row
