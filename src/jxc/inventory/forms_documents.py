"""Stock documents (其他入库, 其他出库, 调拨) in the UI: the header form, the line rows, the list filter."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Product
from jxc.core.forms import FastSelect, date_input, decimal_field, filled_rows, removable
from jxc.core.numbers import round_money, round_price
from jxc.core.text import split_serials
from jxc.inventory.choices import DocumentKind, DocumentStatus
from jxc.inventory.models import Location, Lot, StockDocument, StockDocumentLine, StockQuant
from jxc.inventory.selectors import warehouse_list_for
from jxc.inventory.services.documents import DocumentData, LineData
from jxc.inventory.tables_documents import REASONS

KINDS = tuple(DocumentKind.values)


def line_cost(unit_cost: Decimal | None, amount: Decimal | None, quantity: Decimal | None) -> Decimal | None:
    """The unit cost to store: as typed, or the amount divided by the quantity when only the amount was typed."""
    if unit_cost is None and amount is not None and quantity:
        return round_price(amount / quantity)
    return unit_cost


# Forms


class LocationSelect(FastSelect):
    """A location <select> whose options name their warehouse, so the page shows the chosen warehouse's only."""

    def __init__(self, attrs: dict[str, Any] | None = None, warehouses: Mapping[str, int] | None = None) -> None:
        super().__init__(attrs)
        self.warehouses: Mapping[str, int] = warehouses or {}

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}{}>{}</option>',
            (
                (
                    v,
                    format_html(' data-warehouse="{}"', self.warehouses[str(v)]) if str(v) in self.warehouses else "",
                    mark_safe(" selected") if str(v) == selected else "",
                    label,
                )
                for v, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


@dataclass
class LineContext:
    """What a line row needs to know about its product: units, lots in stock, places."""

    kind: str
    show_cost: bool
    locations: list[Location]
    products: dict[int, Product] = field(default_factory=dict)
    units: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    lots: dict[int, list[tuple[int, str]]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, *, user: Any, kind: str, show_cost: bool, product_ids: set[int], lot_ids: set[int] | None = None
    ) -> LineContext:
        visible = warehouse_list_for(user=user).values("pk")
        locations = list(
            Location.objects.filter(warehouse__in=visible, active=True)
            .select_related("warehouse")
            .order_by("warehouse__code", "-is_default", "code")
        )
        context = cls(kind=kind, show_cost=show_cost, locations=locations)
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
        tracked = {p.pk for p in context.products.values() if p.track_lots}
        if tracked and kind != DocumentKind.RECEIPT:
            context.lots = _lot_choices(tracked, visible, lot_ids or set())
        return context

    def row_kwargs(self, product_id: int | None) -> dict[str, Any]:
        return {"context": self, "product": self.products.get(product_id) if product_id else None}


def _lot_choices(product_ids: set[int], visible: Any, chosen: set[int]) -> dict[int, list[tuple[int, str]]]:
    """Per product, the lots in stock in the user's warehouses (earliest expiry first), and the ones already chosen."""
    quants = (
        StockQuant.objects.filter(product_id__in=product_ids, lot__isnull=False, on_hand__gt=0, warehouse__in=visible)
        .select_related("lot", "location")
        .order_by("lot__expiry_date", "lot__batch_no", "location__code")
    )
    places: dict[int, list[str]] = {}
    lots: dict[int, Lot] = {}
    for quant in quants:
        assert quant.lot is not None
        lots[quant.lot.pk] = quant.lot
        places.setdefault(quant.lot.pk, []).append(f"{quant.location.code}: {quant.on_hand.normalize():f}")
    missing = chosen - set(lots)
    if missing:
        lots.update({lot.pk: lot for lot in Lot.objects.filter(pk__in=missing, product_id__in=product_ids)})
    choices: dict[int, list[tuple[int, str]]] = {}
    for lot in lots.values():
        label = lot.batch_no
        if lot.expiry_date:
            label += f" ({_('expires')} {lot.expiry_date.isoformat()})"
        if lot.pk in places:
            label += " · " + ", ".join(places[lot.pk])
        choices.setdefault(lot.product_id, []).append((lot.pk, label))
    return choices


class DocumentForm(forms.Form):
    """The header of a stock document."""

    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    to_warehouse = forms.TypedChoiceField(
        label=_("To warehouse"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=FastSelect,
        help_text=_("Another warehouse: the goods are shipped, in transit, then received there."),
    )
    date = forms.DateField(label=_("Date"), widget=date_input())
    reason = forms.ChoiceField(label=_("Reason"), widget=FastSelect)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "wide": True})
    )

    def __init__(self, *args: Any, user: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        warehouses = [(w.pk, w.name) for w in warehouse_list_for(user=user, active=True).order_by("code")]
        self.fields["warehouse"].choices = warehouses
        if kind == DocumentKind.TRANSFER:
            self.fields["warehouse"].label = _("From warehouse")
            self.fields["to_warehouse"].choices = [("", _("The same warehouse (between locations)")), *warehouses]
            del self.fields["reason"]
        else:
            del self.fields["to_warehouse"]
            self.fields["reason"].choices = [("", "—"), *REASONS[kind].choices]
        if not self.is_bound and not self.initial.get("warehouse") and warehouses:
            self.initial["warehouse"] = warehouses[0][0]
        self.initial.setdefault("date", timezone.localdate())

    @staticmethod
    def initial_for(document: StockDocument, *, copy: bool = False) -> dict[str, Any]:
        return {
            "warehouse": document.warehouse_id,
            "to_warehouse": document.to_warehouse_id if document.to_warehouse_id != document.warehouse_id else None,
            "date": timezone.localdate() if copy else document.date,
            "reason": document.reason,
            "notes": "" if copy else document.notes,
        }

    def to_data(
        self, lines: forms.BaseFormSet[Any], *, keep_costs: Mapping[tuple[int, int], Decimal | None] | None = None
    ) -> tuple[DocumentData, dict[str, list[forms.BaseForm]]]:
        """The service input and, for showing errors, the row each line came from."""
        d = self.cleaned_data
        rows = filled_rows(lines)
        data = DocumentData(
            kind=self.kind,
            date=d["date"],
            warehouse_id=d["warehouse"],
            to_warehouse_id=d.get("to_warehouse"),
            reason=d.get("reason", ""),
            notes=d.get("notes", ""),
            lines=[row.to_line(keep_costs=keep_costs) for row in rows],  # type: ignore[attr-defined]
        )
        return data, {"lines": rows}


class LineForm(forms.Form):
    """One line row: the product (chosen by scanning), its unit and quantity, and what its kind and tracking need."""

    product = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=FastSelect)
    quantity = decimal_field(label=_("Quantity"), places=6, required=True)
    unit_cost = decimal_field(label=_("Unit cost"), places=6, min_value=Decimal(0))
    amount = decimal_field(label=_("Amount"), places=2, min_value=Decimal(0))
    location = forms.TypedChoiceField(
        label=_("Location"), coerce=int, required=False, empty_value=None, widget=LocationSelect
    )
    to_location = forms.TypedChoiceField(
        label=_("To location"), coerce=int, required=False, empty_value=None, widget=LocationSelect
    )
    lot = forms.TypedChoiceField(label=_("Batch"), coerce=int, required=False, empty_value=None, widget=FastSelect)
    batch_no = forms.CharField(label=_("Batch no."), max_length=60, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=date_input())
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=date_input())
    serials = forms.CharField(
        label=_("Serial numbers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("One per line")}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args: Any, context: LineContext, product: Product | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.product_obj = product
        kind = context.kind
        self.fields["unit"].choices = context.units.get(product.pk, []) if product else []
        places = [("", _("Default location"))] + [
            (loc.pk, f"{loc.code} {loc.name}".strip()) for loc in context.locations
        ]
        owners = {str(loc.pk): loc.warehouse_id for loc in context.locations}
        for name in ("location", "to_location"):
            self.fields[name].widget = LocationSelect(
                attrs={"data-location-for": "to" if name == "to_location" else "from"}, warehouses=owners
            )
            self.fields[name].choices = places  # after the widget: a ChoiceField hands its choices to its widget
        drop = set()
        if kind != DocumentKind.RECEIPT or not context.show_cost:
            drop |= {"unit_cost", "amount"}
        if kind != DocumentKind.TRANSFER:
            drop.add("to_location")
        lots = product is not None and product.track_lots
        if kind != DocumentKind.RECEIPT or not lots:
            drop |= {"batch_no", "production_date", "expiry_date"}
        if kind == DocumentKind.RECEIPT or not lots:
            drop.add("lot")
        if product is None or not product.track_serials:
            drop.add("serials")
        for name in drop:
            del self.fields[name]
        if "lot" in self.fields:
            self.fields["lot"].choices = [("", _("First expiry, first out")), *context.lots.get(product.pk, [])]  # type: ignore[union-attr]
        if "unit_cost" in self.fields and product is not None:
            self.fields["unit_cost"].widget.attrs["placeholder"] = f"{product.purchase_price.normalize():f}"
            self.fields["amount"].widget.attrs["placeholder"] = _("auto")
            self.fields["amount"].widget.attrs["title"] = _("Empty: unit cost × quantity")

    @property
    def tracking_fields(self) -> list[forms.BoundField]:
        names = ("lot", "batch_no", "production_date", "expiry_date", "serials", "notes")
        return [self[n] for n in names if n in self.fields]

    def clean_product(self) -> int:
        value: int = self.cleaned_data["product"]
        if self.product_obj is None or self.product_obj.pk != value:
            raise forms.ValidationError(_("Unknown product."))
        return value

    @staticmethod
    def initial_for(line: StockDocumentLine, *, show_cost: bool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "product": line.product_id,
            "unit": line.unit_id,
            "quantity": line.unit_quantity,
            "location": line.location_id,
            "to_location": line.to_location_id,
            "lot": line.lot_id,
            "batch_no": line.batch_no,
            "production_date": line.production_date,
            "expiry_date": line.expiry_date,
            "serials": "\n".join(line.serial_list),
            "notes": line.notes,
        }
        if show_cost and line.unit_cost is not None:
            initial["unit_cost"] = line.unit_cost.normalize()
            if line.amount is not None and line.amount != round_money(line.unit_cost * line.unit_quantity):
                initial["amount"] = line.amount
        return initial

    def to_line(self, *, keep_costs: Mapping[tuple[int, int], Decimal | None] | None = None) -> LineData:
        d = self.cleaned_data
        quantity = d["quantity"]
        if "unit_cost" in self.fields:
            unit_cost, amount = line_cost(d.get("unit_cost"), d.get("amount"), quantity), d.get("amount")
        else:
            unit_cost, amount = (keep_costs or {}).get((d["product"], d["unit"])), None
        return LineData(
            product_id=d["product"],
            quantity=quantity,
            unit_id=d["unit"],
            unit_cost=unit_cost,
            amount=amount,
            location_id=d.get("location"),
            to_location_id=d.get("to_location"),
            lot_id=d.get("lot"),
            batch_no=d.get("batch_no", ""),
            production_date=d.get("production_date"),
            expiry_date=d.get("expiry_date"),
            serials=split_serials(d.get("serials")),
            notes=d.get("notes", ""),
        )


_PRODUCT_KEY = re.compile(r"^lines-(\d+)-product$")
_LOT_KEY = re.compile(r"^lines-(\d+)-lot$")


class BaseLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The line rows; each row is built knowing its product (units, lots, tracking)."""

    def __init__(
        self,
        data: Any = None,
        *,
        user: Any,
        kind: str,
        show_cost: bool,
        initial: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(data, initial=initial, prefix="lines")
        self.row_products: dict[int, int | None] = {}
        lot_ids: set[int] = set()
        if data is not None:
            for key, value in data.items():
                for pattern, target in ((_PRODUCT_KEY, "product"), (_LOT_KEY, "lot")):
                    match = pattern.match(key)
                    if match and str(value).isdigit():
                        if target == "product":
                            self.row_products[int(match.group(1))] = int(value)
                        else:
                            lot_ids.add(int(value))
        else:
            for i, row in enumerate(initial or []):
                self.row_products[i] = row.get("product")
                if row.get("lot"):
                    lot_ids.add(row["lot"])
        self.context = LineContext.build(
            user=user,
            kind=kind,
            show_cost=show_cost,
            product_ids={p for p in self.row_products.values() if p},
            lot_ids=lot_ids,
        )

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return self.context.row_kwargs(self.row_products.get(index) if index is not None else None)

    def numbered(self) -> None:
        """Number the rows the user sees (removed rows are hidden and not counted)."""
        n = 0
        for row in self.forms:
            removed = row.is_bound and self.can_delete and row["DELETE"].value()
            row.number = None if removed else (n := n + 1)  # type: ignore[attr-defined]


LineFormSet = cast(
    "type[BaseLineFormSet]", forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, can_delete=True)
)


def line_row_form(*, context: LineContext, index: int, product: Product, unit_id: int) -> LineForm:
    """A new row for a scanned product (what the scan field appends), removable like the formset's rows."""
    return removable(
        LineForm(
            prefix=f"lines-{index}",
            context=context,
            product=product,
            initial={"product": product.pk, "unit": unit_id, "quantity": Decimal(1)},
        )
    )


class DocumentFilterForm(forms.Form):
    """The filters of the document list."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, product, SKU, barcode")}),
    )
    kind = forms.ChoiceField(required=False, widget=FastSelect)
    status = forms.ChoiceField(required=False, widget=FastSelect)
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    date_from = forms.DateField(
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "title": _("From"), "aria-label": _("From"), "style": "width:auto"},
            format="%Y-%m-%d",
        ),
    )
    date_to = forms.DateField(
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "title": _("To"), "aria-label": _("To"), "style": "width:auto"},
            format="%Y-%m-%d",
        ),
    )

    def __init__(self, *args: Any, user: Any, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind:
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [("", _("All kinds")), *DocumentKind.choices]
        self.fields["status"].choices = [("", _("Any status")), *DocumentStatus.choices]
        self.fields["warehouse"].choices = [("", _("All warehouses"))] + [
            (w.pk, w.name) for w in warehouse_list_for(user=user).order_by("code")
        ]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "kind": d.get("kind", ""),
            "status": d.get("status", ""),
            "warehouse_id": d.get("warehouse"),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }


class ReverseForm(forms.Form):
    """The date of a reversal (红冲): today by default, never before the document's own date."""

    date = forms.DateField(
        label=_("Date of the reversal"),
        widget=date_input(),
        help_text=_("Not before the document's own date; it must fall in an open period."),
    )

    def __init__(self, data: Any = None, *, document_date: date) -> None:
        super().__init__(data, initial={"date": max(timezone.localdate(), document_date)})
        self.document_date = document_date

    def clean_date(self) -> date:
        day: date = self.cleaned_data["date"]
        if day < self.document_date:
            raise forms.ValidationError(
                _("A reversal cannot be dated before the document (%(date)s).") % {"date": self.document_date}
            )
        return day
