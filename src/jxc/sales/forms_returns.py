"""Sales returns (销售退货) in the UI: the header form, the line rows with their inspection (back to stock,
quarantine, scrap — and where the goods go), and the list filters.

The rows reuse the stock documents' line machinery (jxc.inventory.forms_documents): units and places per product;
a return row adds the shipment line it returns and the price credited (only for users who may see sales prices —
a warehouse keeper sends none, and a draft keeps the prices it has)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
from jxc.inventory.models import Lot
from jxc.inventory.selectors import warehouse_list_for
from jxc.partners.selectors import partner_list
from jxc.sales.choices import Disposition
from jxc.sales.models import SalesReturn, SalesReturnLine, SalesShipment, SalesShipmentLine
from jxc.sales.services.returns import SalesReturnData, SalesReturnLineData

# Prices a user who may not see them cannot send, kept from the draft: (shipment line, product, unit) → price, tax,
# discount.
KeptPrices = Mapping[tuple[int | None, int, int], tuple[Decimal, Decimal, Decimal]]


def customer_choices(*, current: int | None = None, active_only: bool = True) -> list[tuple[Any, str]]:
    """The customers to pick from (a deactivated one only when the return already names it)."""
    customers = partner_list(role="customer", active=None)
    if active_only:
        customers = customers.filter(Q(active=True) | Q(pk=current or 0))
    return list(customers.order_by("name").values_list("pk", "name"))


class SalesReturnForm(forms.Form):
    """The header of a return. Against a shipment, the customer and warehouse are the shipment's and prices are
    stated as it states them; the price basis only for users who may see sales prices."""

    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, widget=FastSelect)
    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    date = forms.DateField(label=_("Date"), widget=date_input())
    prices_include_tax = forms.BooleanField(label=_("Prices include tax"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "wide": True})
    )

    def __init__(
        self,
        *args: Any,
        user: Any,
        show_prices: bool,
        shipment: SalesShipment | None = None,
        offer_shipments: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.show_prices = show_prices
        self.shipment = shipment
        if shipment is not None:
            self.initial.update(customer=shipment.customer_id, warehouse=shipment.warehouse_id)
            self.fields["customer"].choices = [(shipment.customer_id, shipment.customer.name)]
            self.fields["warehouse"].choices = [(shipment.warehouse_id, shipment.warehouse.name)]
            for name in ("customer", "warehouse"):
                self.fields[name].disabled = True
        else:
            self.fields["customer"].choices = [("", "—"), *customer_choices(current=self.initial.get("customer"))]
            if offer_shipments:  # choosing the customer lists their shipments with goods to return
                self.fields["customer"].widget.attrs.update(
                    {
                        "hx-get": reverse("sales:return_shipments"),
                        "hx-trigger": "change",
                        "hx-target": "#shipments-panel",
                    }
                )
            warehouses = [(w.pk, w.name) for w in warehouse_list_for(user=user, active=True).order_by("code")]
            self.fields["warehouse"].choices = warehouses
            if not self.is_bound and not self.initial.get("warehouse") and warehouses:
                self.initial["warehouse"] = warehouses[0][0]
        self.initial.setdefault("date", timezone.localdate())
        if not show_prices or shipment is not None:  # against a shipment, prices are stated as the shipment does
            del self.fields["prices_include_tax"]

    @staticmethod
    def initial_for(sales_return: SalesReturn) -> dict[str, Any]:
        return {
            "customer": sales_return.customer_id,
            "warehouse": sales_return.warehouse_id,
            "date": sales_return.date,
            "prices_include_tax": sales_return.prices_include_tax,
            "reason": sales_return.reason,
            "notes": sales_return.notes,
        }

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if self.shipment is not None and day < self.shipment.date:
            raise forms.ValidationError(
                _("A return cannot be dated before its shipment %(number)s (%(date)s).")
                % {"number": self.shipment.number, "date": self.shipment.date.isoformat()}
            )
        return day

    def to_data(
        self, lines: forms.BaseFormSet[Any], *, keep: SalesReturn | None = None
    ) -> tuple[SalesReturnData, dict[str, list[forms.BaseForm]]]:
        """The service input and, for showing errors, the row each line came from; a user who does not see prices
        sends none: a draft keeps its prices and price basis."""
        d = self.cleaned_data
        rows = filled_rows(lines)
        kept: KeptPrices = {}
        include_tax: bool | None = d.get("prices_include_tax") if "prices_include_tax" in self.fields else None
        if keep is not None and not self.show_prices:
            include_tax = keep.prices_include_tax
            kept = {
                (ln.shipment_line_id, ln.product_id, ln.unit_id): (ln.price, ln.tax_rate, ln.discount_pct)
                for ln in keep.lines.all()
            }
        data = SalesReturnData(
            customer_id=d["customer"],
            warehouse_id=d["warehouse"],
            date=d["date"],
            shipment_id=self.shipment.pk if self.shipment is not None else None,
            prices_include_tax=include_tax,
            reason=d.get("reason", ""),
            notes=d.get("notes", ""),
            lines=[cast("SalesReturnLineForm", row).to_line(kept=kept) for row in rows],
        )
        return data, {"lines": rows}


class SalesReturnLineForm(forms.Form):
    """One returned line: product (and the shipment line it comes from), unit, quantity, price credited, and the
    inspection — back to stock, quarantine or scrap — with the location the goods go to."""

    product = forms.IntegerField(widget=forms.HiddenInput)
    shipment_line = forms.IntegerField(widget=forms.HiddenInput, required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=FastSelect)
    quantity = decimal_field(label=_("Quantity"), places=6, required=True, min_value=ZERO)
    price = decimal_field(label=_("Unit price"), places=6, min_value=ZERO)
    tax_rate = decimal_field(label=_("Tax rate (%)"), places=2, min_value=ZERO)
    discount_pct = decimal_field(label=_("Discount (%)"), places=2, min_value=ZERO)
    disposition = forms.ChoiceField(
        label=_("Inspection"), choices=Disposition.choices, initial=Disposition.RESTOCK, widget=FastSelect
    )
    location = forms.TypedChoiceField(
        label=_("Location"), coerce=int, required=False, empty_value=None, widget=LocationSelect
    )
    lot = forms.TypedChoiceField(label=_("Batch"), coerce=int, required=False, empty_value=None, widget=FastSelect)
    serials = forms.CharField(
        label=_("Serial numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("One per line")}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        context: LineContext,
        product: Product | None,
        shipment_line: SalesShipmentLine | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.product_obj = product
        self.shipment_line_obj = shipment_line if shipment_line is not None and product is not None else None
        self.fields["unit"].choices = context.units.get(product.pk, []) if product else []
        self.fields["disposition"].widget.attrs["data-disposition"] = ""
        self.fields["location"].widget = LocationSelect(
            attrs={"data-location-for": "from"}, warehouses={str(loc.pk): loc.warehouse_id for loc in context.locations}
        )
        self.fields["location"].choices = [("", _("Default location"))] + [
            (loc.pk, f"{loc.code} {loc.name}".strip()) for loc in context.locations
        ]
        source = self.shipment_line_obj
        drop = set()
        if not context.show_cost:  # the row context's show_cost means: may see sales prices
            drop |= {"price", "tax_rate", "discount_pct"}
        if product is None or not product.track_lots or (source is not None and source.lot_id):
            drop.add("lot")  # a shipment line's batch comes back as it is
        if product is None or not product.track_serials:
            drop.add("serials")
        for name in drop:
            del self.fields[name]
        if "lot" in self.fields and product is not None:
            self.fields["lot"].choices = [("", _("Choose the batch")), *context.lots.get(product.pk, [])]
        if "serials" in self.fields and source is not None:
            self.fields["serials"].widget.attrs["placeholder"] = _("Empty: those shipped, when they all come back")
        if "price" in self.fields:
            placeholder = f"{source.price.normalize():f}" if source is not None else _("proposed")
            self.fields["price"].widget.attrs["placeholder"] = placeholder
            rate = source.tax_rate if source is not None else product.tax_rate if product else None
            if rate is not None:
                self.fields["tax_rate"].widget.attrs["placeholder"] = f"{rate.normalize():f}"
            self.fields["discount_pct"].widget.attrs["placeholder"] = (
                f"{source.discount_pct.normalize():f}" if source is not None else "0"
            )

    @property
    def tracking_fields(self) -> list[forms.BoundField]:
        return [self[n] for n in ("lot", "serials", "notes") if n in self.fields]

    @property
    def left(self) -> Decimal | None:
        """What is left to return of the shipment line, in its unit (before this return)."""
        line = self.shipment_line_obj
        if line is None:
            return None
        return round_quantity(line.returnable / line.factor)

    def clean_product(self) -> int:
        value: int = self.cleaned_data["product"]
        if self.product_obj is None or self.product_obj.pk != value:
            raise forms.ValidationError(_("Unknown product."))
        return value

    @staticmethod
    def initial_for(line: SalesReturnLine, *, show_prices: bool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "product": line.product_id,
            "shipment_line": line.shipment_line_id,
            "unit": line.unit_id,
            "quantity": line.unit_quantity,
            "disposition": line.disposition,
            "location": line.location_id,
            "lot": line.lot_id,
            "serials": "\n".join(line.serial_list),
            "notes": line.notes,
        }
        if show_prices:
            initial.update(price=line.price.normalize(), tax_rate=line.tax_rate, discount_pct=line.discount_pct or None)
        return initial

    @staticmethod
    def initial_from_shipment(line: SalesShipmentLine) -> dict[str, Any]:
        """A row returning what is left of a shipment line (typed down when only part of it comes back)."""
        return {
            "product": line.product_id,
            "shipment_line": line.pk,
            "unit": line.unit_id,
            "quantity": round_quantity(line.returnable / line.factor),
            "disposition": Disposition.RESTOCK,
        }

    def to_line(self, *, kept: KeptPrices) -> SalesReturnLineData:
        d = self.cleaned_data
        if "price" in self.fields:
            price, tax_rate, discount = d.get("price"), d.get("tax_rate"), d.get("discount_pct")
        else:
            price, tax_rate, discount = kept.get((d.get("shipment_line"), d["product"], d["unit"]), (None, None, None))
        return SalesReturnLineData(
            product_id=d["product"],
            quantity=d["quantity"],
            unit_id=d["unit"],
            shipment_line_id=d.get("shipment_line"),
            price=price,
            tax_rate=tax_rate,
            discount_pct=discount,
            disposition=d.get("disposition") or Disposition.RESTOCK,
            location_id=d.get("location"),
            lot_id=d.get("lot"),
            serials=split_serials(d.get("serials")),
            notes=d.get("notes", ""),
        )


_SHIPMENT_LINE_KEY = re.compile(r"^lines-(\d+)-shipment_line$")


def shipment_lines_by_id(ids: set[int]) -> dict[int, SalesShipmentLine]:
    """Shipment lines with what a return row shows of them (shipment number, unit, batch, what is left)."""
    if not ids:
        return {}
    lines = SalesShipmentLine.objects.filter(pk__in=ids).select_related("shipment", "unit", "lot")
    return {ln.pk: ln for ln in lines}


def all_lots(product_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    """Per lot-tracked product, every batch (a returned batch need not be in stock any more), latest expiry first."""
    choices: dict[int, list[tuple[int, str]]] = {}
    if not product_ids:
        return choices
    lots = Lot.objects.filter(product_id__in=product_ids).order_by("-expiry_date", "-pk")
    for lot in lots:
        label = lot.batch_no
        if lot.expiry_date:
            label += f" ({_('expires')} {lot.expiry_date.isoformat()})"
        choices.setdefault(lot.product_id, []).append((lot.pk, label))
    return choices


def return_context(*, user: Any, show_prices: bool, product_ids: set[int]) -> LineContext:
    """What the rows need: units and places per product, and every batch of the lot-tracked ones."""
    context = LineContext.build(user=user, kind=DocumentKind.RECEIPT, show_cost=show_prices, product_ids=product_ids)
    context.lots = all_lots({p.pk for p in context.products.values() if p.track_lots})
    return context


class BaseSalesReturnLineFormSet(BaseLineFormSet):
    """The return rows: the stock documents' rows (units, places) plus their shipment lines and every batch."""

    def __init__(
        self,
        data: Any = None,
        *,
        user: Any,
        show_prices: bool,
        initial: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(data, user=user, kind=DocumentKind.RECEIPT, show_cost=show_prices, initial=initial)
        self.context.lots = all_lots({p.pk for p in self.context.products.values() if p.track_lots})
        self.row_shipment_lines: dict[int, int] = {}
        if data is not None:
            for key, value in data.items():
                match = _SHIPMENT_LINE_KEY.match(key)
                if match and str(value).isdigit():
                    self.row_shipment_lines[int(match.group(1))] = int(value)
        else:
            for i, row in enumerate(initial or []):
                if row.get("shipment_line"):
                    self.row_shipment_lines[i] = row["shipment_line"]
        self.shipment_lines = shipment_lines_by_id(set(self.row_shipment_lines.values()))

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        line_id = self.row_shipment_lines.get(index) if index is not None else None
        kwargs["shipment_line"] = self.shipment_lines.get(line_id) if line_id else None
        return kwargs


SalesReturnLineFormSet = cast(
    "type[BaseSalesReturnLineFormSet]",
    forms.formset_factory(SalesReturnLineForm, formset=BaseSalesReturnLineFormSet, extra=0, can_delete=True),
)


def return_row_form(
    *, context: LineContext, index: int, product: Product, initial: dict[str, Any], shipment_line: Any = None
) -> SalesReturnLineForm:
    """A new row (what the scan field and the shipment lines panel append), removable like the formset's."""
    row = SalesReturnLineForm(
        prefix=f"lines-{index}", context=context, product=product, shipment_line=shipment_line, initial=initial
    )
    return removable(row)


def _date_filter(label: Any) -> forms.DateField:
    return forms.DateField(
        required=False, widget=date_input(title=label, **{"aria-label": label, "style": "width:auto"})
    )


class SalesReturnFilterForm(forms.Form):
    """The filters of the return list."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number, customer, shipment, reason, product, serial")}
        ),
    )
    status = forms.ChoiceField(required=False, widget=FastSelect)
    disposition = forms.ChoiceField(required=False, widget=FastSelect)
    customer = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    date_from = _date_filter(_("From"))
    date_to = _date_filter(_("To"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *PostingStatus.choices]
        self.fields["disposition"].choices = [("", _("Any inspection")), *Disposition.choices]
        self.fields["customer"].choices = [("", _("All customers")), *customer_choices(active_only=False)]
        self.fields["warehouse"].choices = [("", _("All warehouses"))] + [
            (w.pk, w.name) for w in warehouse_list_for(user=user).order_by("code")
        ]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "status": d.get("status", ""),
            "disposition": d.get("disposition", ""),
            "customer_id": d.get("customer"),
            "warehouse_id": d.get("warehouse"),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }
