"""Shipments (销售出库) in the UI: the header form, the line rows, the list filters, and the forms of picking,
packing, shipping and delivery tracking.

The rows reuse the stock documents' line machinery (jxc.inventory.forms_documents): units, places and lots in stock
per product; a shipment row adds its order line and the price (only for users who may see sales prices — a
warehouse keeper sends none, and a draft keeps the prices it has)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Product
from jxc.core.forms import FastSelect, date_input, decimal_field, filled_rows, removable
from jxc.core.numbers import ZERO, round_quantity
from jxc.core.text import split_serials
from jxc.inventory.choices import DocumentKind, PostingStatus
from jxc.inventory.forms_documents import BaseLineFormSet, LineContext, LocationSelect
from jxc.inventory.selectors import warehouse_list_for
from jxc.partners.selectors import partner_list
from jxc.sales.choices import TRACKING_STATUSES, Channel, DeliveryStatus
from jxc.sales.models import SalesOrderLine, SalesShipment, SalesShipmentLine
from jxc.sales.services.picking import PackageData
from jxc.sales.services.shipments import ShipmentData, ShipmentLineData

# Prices that a user who may not see them cannot send, kept from the draft:
# (order line, product, unit) → price, tax rate, discount.
KeptPrices = Mapping[tuple[int | None, int, int], tuple[Decimal, Decimal, Decimal]]


def customer_choices(*, current: int | None = None, active_only: bool = True) -> list[tuple[Any, str]]:
    """The customers to pick from (a deactivated one only when the shipment already names it)."""
    customers = partner_list(role="customer", active=None)
    if active_only:
        customers = customers.filter(Q(active=True) | Q(pk=current or 0))
    return list(customers.order_by("name").values_list("pk", "name"))


class ShipmentForm(forms.Form):
    """The header of a shipment; the price basis and charges only for users who may see sales prices."""

    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, widget=FastSelect)
    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    date = forms.DateField(label=_("Date"), widget=date_input())
    ship_to = forms.CharField(
        label=_("Ship to"), max_length=300, required=False, help_text=_("Empty: the customer's address.")
    )
    contact = forms.CharField(
        label=_("Contact"), max_length=100, required=False, help_text=_("Empty: the customer's contact and phone.")
    )
    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    tracking_no = forms.CharField(label=_("Tracking no."), max_length=60, required=False)
    expected_delivery = forms.DateField(label=_("Expected delivery"), required=False, widget=date_input())
    prices_include_tax = forms.BooleanField(label=_("Prices include tax"), required=False)
    freight = decimal_field(label=_("Freight"), places=2, min_value=ZERO)
    other_charges = decimal_field(label=_("Other charges"), places=2, min_value=ZERO)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "wide": True})
    )

    MONEY = ("prices_include_tax", "freight", "other_charges")

    def __init__(self, *args: Any, user: Any, show_prices: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_prices = show_prices
        self.fields["customer"].choices = [("", "—"), *customer_choices(current=self.initial.get("customer"))]
        self.fields["customer"].widget.attrs.update(
            {
                "hx-get": reverse("sales:shipment_order_lines"),
                "hx-trigger": "change",
                "hx-target": "#order-lines-panel",
                "data-customer": "",
            }
        )
        warehouses = [(w.pk, w.name) for w in warehouse_list_for(user=user, active=True).order_by("code")]
        self.fields["warehouse"].choices = warehouses
        if not self.is_bound and not self.initial.get("warehouse") and warehouses:
            self.initial["warehouse"] = warehouses[0][0]
        self.initial.setdefault("date", timezone.localdate())
        if not show_prices:
            for name in self.MONEY:
                del self.fields[name]

    @staticmethod
    def initial_for(shipment: SalesShipment) -> dict[str, Any]:
        return {
            "customer": shipment.customer_id,
            "warehouse": shipment.warehouse_id,
            "date": shipment.date,
            "ship_to": shipment.ship_to,
            "contact": shipment.contact,
            "carrier": shipment.carrier,
            "tracking_no": shipment.tracking_no,
            "expected_delivery": shipment.expected_delivery,
            "prices_include_tax": shipment.prices_include_tax,
            "freight": shipment.freight or None,
            "other_charges": shipment.other_charges or None,
            "notes": shipment.notes,
        }

    def to_data(
        self, lines: forms.BaseFormSet[Any], *, keep: SalesShipment | None = None
    ) -> tuple[ShipmentData, dict[str, list[forms.BaseForm]]]:
        """The service input and, for showing errors, the row each line came from.

        A user who does not see prices sends no money: a draft keeps its prices, charges and price basis."""
        d = self.cleaned_data
        rows = filled_rows(lines)
        kept: KeptPrices = {}
        if self.show_prices:
            include_tax: bool | None = d["prices_include_tax"]
            freight, other = d.get("freight") or ZERO, d.get("other_charges") or ZERO
        elif keep is not None:
            include_tax, freight, other = keep.prices_include_tax, keep.freight, keep.other_charges
            kept = {
                (ln.order_line_id, ln.product_id, ln.unit_id): (ln.price, ln.tax_rate, ln.discount_pct)
                for ln in keep.lines.all()
            }
        else:
            include_tax, freight, other = None, ZERO, ZERO
        data = ShipmentData(
            customer_id=d["customer"],
            warehouse_id=d["warehouse"],
            date=d["date"],
            prices_include_tax=include_tax,
            freight=freight,
            other_charges=other,
            ship_to=d.get("ship_to", ""),
            contact=d.get("contact", ""),
            carrier=d.get("carrier", ""),
            tracking_no=d.get("tracking_no", ""),
            expected_delivery=d.get("expected_delivery"),
            notes=d.get("notes", ""),
            lines=[cast("ShipmentLineForm", row).to_line(kept=kept) for row in rows],
        )
        return data, {"lines": rows}


class ShipmentLineForm(forms.Form):
    """One line: product (and its order line), unit, quantity, price, and where it is picked (empty: suggested)."""

    product = forms.IntegerField(widget=forms.HiddenInput)
    order_line = forms.IntegerField(widget=forms.HiddenInput, required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=FastSelect)
    quantity = decimal_field(label=_("Quantity"), places=6, required=True, min_value=ZERO)
    price = decimal_field(label=_("Unit price"), places=6, min_value=ZERO)
    tax_rate = decimal_field(label=_("Tax rate (%)"), places=2, min_value=ZERO)
    discount_pct = decimal_field(label=_("Discount (%)"), places=2, min_value=ZERO)
    location = forms.TypedChoiceField(
        label=_("Location"), coerce=int, required=False, empty_value=None, widget=LocationSelect
    )
    lot = forms.TypedChoiceField(label=_("Batch"), coerce=int, required=False, empty_value=None, widget=FastSelect)
    serials = forms.CharField(
        label=_("Serial numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("One per line; empty: picked by scanning")}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        context: LineContext,
        product: Product | None,
        order_line: SalesOrderLine | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.product_obj = product
        self.order_line_obj = order_line
        if order_line is not None and product is not None and order_line.product_id == product.pk:
            self.fields["unit"].choices = [(order_line.unit_id, order_line.unit.name)]
        else:
            self.fields["unit"].choices = context.units.get(product.pk, []) if product else []
        self.fields["location"].widget = LocationSelect(
            attrs={"data-location-for": "from"}, warehouses={str(loc.pk): loc.warehouse_id for loc in context.locations}
        )
        self.fields["location"].choices = [("", _("Suggested"))] + [
            (loc.pk, f"{loc.code} {loc.name}".strip()) for loc in context.locations
        ]
        drop = set()
        if not context.show_cost:  # the row context's show_cost means: may see sales prices
            drop |= {"price", "tax_rate", "discount_pct"}
        if product is None or not product.track_lots:
            drop.add("lot")
        if product is None or not product.track_serials:
            drop.add("serials")
        for name in drop:
            del self.fields[name]
        if "lot" in self.fields and product is not None:
            self.fields["lot"].choices = [("", _("First expiry, first out")), *context.lots.get(product.pk, [])]
        if "price" in self.fields:
            placeholder = f"{order_line.price.normalize():f}" if order_line is not None else _("proposed")
            self.fields["price"].widget.attrs["placeholder"] = placeholder
            rate = order_line.tax_rate if order_line is not None else product.tax_rate if product else None
            if rate is not None:
                self.fields["tax_rate"].widget.attrs["placeholder"] = f"{rate.normalize():f}"
            self.fields["discount_pct"].widget.attrs["placeholder"] = (
                f"{order_line.discount_pct.normalize():f}" if order_line is not None else "0"
            )

    @property
    def tracking_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("lot", "serials", "notes") if n in self.fields]

    @property
    def order_progress(self) -> dict[str, Decimal] | None:
        """The order line in its unit: ordered and still to ship (before this shipment)."""
        line = self.order_line_obj
        if line is None:
            return None
        return {
            "ordered": line.unit_quantity,
            "remaining": round_quantity(max(line.quantity - line.shipped_quantity, ZERO) / line.factor),
        }

    def clean_product(self) -> int:
        value: int = self.cleaned_data["product"]
        if self.product_obj is None or self.product_obj.pk != value:
            raise forms.ValidationError(_("Unknown product."))
        return value

    @staticmethod
    def initial_for(line: SalesShipmentLine, *, show_prices: bool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "product": line.product_id,
            "order_line": line.order_line_id,
            "unit": line.unit_id,
            "quantity": line.unit_quantity,
            "location": line.location_id,
            "lot": line.lot_id,
            "serials": "\n".join(line.serial_list),
            "notes": line.notes,
        }
        if show_prices:
            initial.update(price=line.price.normalize(), tax_rate=line.tax_rate, discount_pct=line.discount_pct or None)
        return initial

    @staticmethod
    def initial_from_order(line: SalesOrderLine) -> dict[str, Any]:
        """A row shipping what is left of an open order line (typed down, the rest stays on order: a backorder)."""
        return {
            "product": line.product_id,
            "order_line": line.pk,
            "unit": line.unit_id,
            "quantity": round_quantity(max(line.quantity - line.shipped_quantity, ZERO) / line.factor),
        }

    def to_line(self, *, kept: KeptPrices) -> ShipmentLineData:
        d = self.cleaned_data
        if "price" in self.fields:
            price, tax_rate, discount = d.get("price"), d.get("tax_rate"), d.get("discount_pct")
        else:
            price, tax_rate, discount = kept.get((d.get("order_line"), d["product"], d["unit"]), (None, None, None))
        return ShipmentLineData(
            product_id=d["product"],
            quantity=d["quantity"],
            unit_id=d["unit"],
            order_line_id=d.get("order_line"),
            price=price,
            tax_rate=tax_rate,
            discount_pct=discount,
            location_id=d.get("location"),
            lot_id=d.get("lot"),
            serials=split_serials(d.get("serials")),
            notes=d.get("notes", ""),
        )


_ORDER_LINE_KEY = re.compile(r"^lines-(\d+)-order_line$")


def order_lines_by_id(ids: set[int]) -> dict[int, SalesOrderLine]:
    """Order lines with what a row shows of them (order number, unit)."""
    if not ids:
        return {}
    return {ln.pk: ln for ln in SalesOrderLine.objects.filter(pk__in=ids).select_related("order", "unit")}


class BaseShipmentLineFormSet(BaseLineFormSet):
    """The shipment rows: the stock documents' rows (units, places, lots in stock) plus their order lines."""

    def __init__(
        self,
        data: Any = None,
        *,
        user: Any,
        show_prices: bool,
        initial: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(data, user=user, kind=DocumentKind.ISSUE, show_cost=show_prices, initial=initial)
        self.row_order_lines: dict[int, int] = {}
        if data is not None:
            for key, value in data.items():
                match = _ORDER_LINE_KEY.match(key)
                if match and str(value).isdigit():
                    self.row_order_lines[int(match.group(1))] = int(value)
        else:
            for i, row in enumerate(initial or []):
                if row.get("order_line"):
                    self.row_order_lines[i] = row["order_line"]
        self.order_lines = order_lines_by_id(set(self.row_order_lines.values()))

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        order_line_id = self.row_order_lines.get(index) if index is not None else None
        kwargs["order_line"] = self.order_lines.get(order_line_id) if order_line_id else None
        return kwargs


ShipmentLineFormSet = cast(
    "type[BaseShipmentLineFormSet]",
    forms.formset_factory(ShipmentLineForm, formset=BaseShipmentLineFormSet, extra=0, can_delete=True),
)


def shipment_row_form(
    *, context: LineContext, index: int, product: Product, initial: dict[str, Any], order_line: Any = None
) -> ShipmentLineForm:
    """A new row (what the scan field and the open order lines panel append), removable like the formset's."""
    row = ShipmentLineForm(
        prefix=f"lines-{index}", context=context, product=product, order_line=order_line, initial=initial
    )
    return removable(row)


def _date_filter(label: Any) -> forms.DateField:
    return forms.DateField(
        required=False, widget=date_input(title=label, **{"aria-label": label, "style": "width:auto"})
    )


class ShipmentFilterForm(forms.Form):
    """The filters of the shipment list."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, customer, tracking no., order, product")}
        ),
    )
    status = forms.ChoiceField(required=False, widget=FastSelect)
    delivery_status = forms.ChoiceField(required=False, widget=FastSelect)
    channel = forms.ChoiceField(required=False, widget=FastSelect)
    customer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    date_from = _date_filter(_("From"))
    date_to = _date_filter(_("To"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *PostingStatus.choices]
        self.fields["delivery_status"].choices = [("", _("Any delivery status")), *DeliveryStatus.choices]
        self.fields["channel"].choices = [("", _("Any channel")), *Channel.choices]
        self.fields["customer"].choices = [("", _("All customers")), *customer_choices(active_only=False)]
        self.fields["warehouse"].choices = [("", _("All warehouses"))] + [
            (w.pk, w.name) for w in warehouse_list_for(user=user).order_by("code")
        ]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "status": d.get("status", ""),
            "delivery_status": d.get("delivery_status", ""),
            "channel": d.get("channel", ""),
            "customer_id": d.get("customer"),
            "warehouse_id": d.get("warehouse"),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }


class ToShipFilterForm(forms.Form):
    """The filters of the list of orders to ship."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Order, customer, reference, product")}),
    )
    customer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", _("All customers")), *customer_choices(active_only=False)]
        self.fields["warehouse"].choices = [("", _("All warehouses"))] + [
            (w.pk, w.name) for w in warehouse_list_for(user=user).order_by("code")
        ]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {"q": d.get("q", ""), "customer_id": d.get("customer"), "warehouse_id": d.get("warehouse")}


class DeliveryFilterForm(forms.Form):
    """The filters of the list of deliveries in trouble."""

    problem = forms.ChoiceField(required=False, widget=FastSelect)
    customer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["problem"].choices = [
            ("", _("Late or exception")),
            ("late", _("Late")),
            ("exception", _("Exception")),
        ]
        self.fields["customer"].choices = [("", _("All customers")), *customer_choices(active_only=False)]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {"problem": d.get("problem", ""), "customer_id": d.get("customer")}


# Picking, packing, shipping


class ScanForm(forms.Form):
    """The pick scan: one barcode, SKU or serial number."""

    code = forms.CharField(
        label=_("Scan a barcode, SKU or serial number"),
        max_length=120,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "enterkeyhint": "enter",
                "type": "search",
                "data-scan-add": "",
                "aria-describedby": "scan-status",
            }
        ),
    )


class PackageRowForm(forms.Form):
    """One package: its number, weight and notes (a row without a number is left out)."""

    number = forms.IntegerField(label=_("Package no."), required=False, min_value=1)
    weight_kg = decimal_field(label=_("Weight (kg)"), places=3, min_value=ZERO)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)


class BasePackageFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The package rows; every row is read, also one left as it was shown (package 1 proposed on a new packing)."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        kwargs["empty_permitted"] = False
        return super()._construct_form(i, **kwargs)  # type: ignore[no-any-return]


PackageFormSet = forms.formset_factory(PackageRowForm, formset=BasePackageFormSet, extra=0)


class LinePackForm(forms.Form):
    """Which package each line goes into (by package number; empty: not packed)."""

    def __init__(self, *args: Any, lines: Sequence[SalesShipmentLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=line.product.name, required=False, min_value=1, widget=forms.NumberInput(attrs={"min": 1})
            )
            self.initial.setdefault(f"line_{line.pk}", line.package.number if line.package else None)

    def rows(self) -> list[tuple[SalesShipmentLine, forms.BoundField]]:
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]


def packages_data(packages: forms.BaseFormSet[Any], lines: LinePackForm) -> tuple[list[PackageData], list[Any]]:
    """The packages for the service, and the package rows they came from (for errors). A line naming a package
    that is not listed gets its error here."""
    rows = [row for row in packages.forms if row.cleaned_data.get("number")]
    numbers = {row.cleaned_data["number"] for row in rows}
    by_number: dict[int, list[int]] = {}
    for line, bound in lines.rows():
        number = lines.cleaned_data.get(bound.name)
        if number is None:
            continue
        if number not in numbers:
            lines.add_error(bound.name, _("No package has number %(n)s.") % {"n": number})
            continue
        by_number.setdefault(number, []).append(line.pk)
    data = [
        PackageData(
            number=row.cleaned_data["number"],
            weight_kg=row.cleaned_data.get("weight_kg"),
            notes=row.cleaned_data.get("notes", ""),
            line_ids=by_number.get(row.cleaned_data["number"], []),
        )
        for row in rows
    ]
    return data, rows


class ShipForm(forms.Form):
    """Shipping a draft: the carrier, tracking number and expected delivery (all optional)."""

    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    tracking_no = forms.CharField(label=_("Tracking no."), max_length=60, required=False)
    expected_delivery = forms.DateField(label=_("Expected delivery"), required=False, widget=date_input())

    def __init__(self, *args: Any, document_date: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document_date = document_date

    def clean_expected_delivery(self) -> date | None:
        day: date | None = self.cleaned_data.get("expected_delivery")
        if day is not None and day < self.document_date:
            raise forms.ValidationError(_("The expected delivery cannot be before the shipment date."))
        return day

    @staticmethod
    def initial_for(shipment: SalesShipment) -> dict[str, Any]:
        return {
            "carrier": shipment.carrier,
            "tracking_no": shipment.tracking_no,
            "expected_delivery": shipment.expected_delivery,
        }


class DeliveryForm(forms.Form):
    """Changing the carrier, tracking number or expected delivery of a shipped shipment."""

    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False)
    tracking_no = forms.CharField(label=_("Tracking no."), max_length=60, required=False)
    expected_delivery = forms.DateField(label=_("Expected delivery"), required=False, widget=date_input())


class TrackingEventForm(forms.Form):
    """A delivery event entered by hand."""

    status = forms.ChoiceField(label=_("Status"), widget=FastSelect)
    occurred_at = forms.DateTimeField(
        label=_("Time"),
        required=False,
        help_text=_("Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=300, required=False, help_text=_("Required for an exception.")
    )
    expected_delivery = forms.DateField(
        label=_("Expected delivery"),
        required=False,
        widget=date_input(),
        help_text=_("Empty: unchanged."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—"), *((s.value, s.label) for s in TRACKING_STATUSES)]
