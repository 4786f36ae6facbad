"""Purchase receipts (采购入库) in the UI: the header form, the inspected line rows, the list filter.

The rows reuse the stock documents' line machinery (jxc.inventory.forms_documents): units, places and tracking
per product; a receipt row adds its order line, the inspection (received, rejected and why) and the price.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar, cast

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Product
from jxc.core.forms import FastSelect, date_input, decimal_field, filled_rows, removable
from jxc.core.numbers import round_quantity
from jxc.core.text import split_serials
from jxc.inventory.choices import DocumentKind
from jxc.inventory.forms_documents import BaseLineFormSet, LineContext, LocationSelect
from jxc.inventory.selectors import warehouse_list_for
from jxc.partners.selectors import partner_list
from jxc.purchasing.choices import Allocation, PostingStatus
from jxc.purchasing.models import PurchaseOrderLine, PurchaseReceipt, PurchaseReceiptLine
from jxc.purchasing.services.receipts import ReceiptData, ReceiptLineData

ZERO = Decimal(0)
FormT = TypeVar("FormT", bound=forms.BaseForm)
# Prices a user without view_cost cannot see, kept from the draft: (order line, product, unit) → price, tax, discount.
KeptPrices = Mapping[tuple[int | None, int, int], tuple[Decimal, Decimal, Decimal]]


def supplier_choices(*, current: int | None = None, active_only: bool = True) -> list[tuple[Any, str]]:
    """The suppliers to pick from (a deactivated one only when the document already names it)."""
    suppliers = partner_list(role="supplier", active=None)
    if active_only:
        suppliers = suppliers.filter(Q(active=True) | Q(pk=current or 0))
    return list(suppliers.order_by("name").values_list("pk", "name"))


def reject_reason_attrs() -> dict[str, str]:
    return {"placeholder": str(_("Why, when rejected")), "data-reject-reason": ""}


class ReceiptForm(forms.Form):
    """The header of a receipt; money fields (price basis, charges) only for users who see costs."""

    supplier = forms.TypedChoiceField(label=_("Supplier"), coerce=int, widget=FastSelect)
    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    date = forms.DateField(label=_("Date"), widget=date_input())
    supplier_reference = forms.CharField(label=_("Delivery note no."), max_length=60, required=False)
    prices_include_tax = forms.BooleanField(label=_("Prices include tax"), required=False)
    allocation = forms.ChoiceField(
        label=_("Allocate charges"),
        choices=Allocation.choices,
        widget=FastSelect,
        help_text=_("Freight and other charges go into the stock value of the accepted lines."),
    )
    freight = decimal_field(label=_("Freight"), places=2)
    other_charges = decimal_field(label=_("Other charges"), places=2)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "wide": True})
    )

    MONEY = ("prices_include_tax", "allocation", "freight", "other_charges")

    def __init__(self, *args: Any, user: Any, show_cost: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_cost = show_cost
        self.fields["supplier"].choices = [("", "—"), *supplier_choices(current=self.initial.get("supplier"))]
        self.fields["supplier"].widget.attrs.update(
            {
                "hx-get": reverse("purchasing:receipt_order_lines"),
                "hx-trigger": "change",
                "hx-target": "#order-lines-panel",
                "data-supplier": "",
            }
        )
        warehouses = [(w.pk, w.name) for w in warehouse_list_for(user=user, active=True).order_by("code")]
        self.fields["warehouse"].choices = warehouses
        if not self.is_bound and not self.initial.get("warehouse") and warehouses:
            self.initial["warehouse"] = warehouses[0][0]
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("allocation", Allocation.VALUE)
        if not show_cost:
            for name in self.MONEY:
                del self.fields[name]

    @staticmethod
    def initial_for(receipt: PurchaseReceipt) -> dict[str, Any]:
        return {
            "supplier": receipt.supplier_id,
            "warehouse": receipt.warehouse_id,
            "date": receipt.date,
            "supplier_reference": receipt.supplier_reference,
            "prices_include_tax": receipt.prices_include_tax,
            "allocation": receipt.allocation,
            "freight": receipt.freight,
            "other_charges": receipt.other_charges,
            "notes": receipt.notes,
        }

    def to_data(
        self, lines: forms.BaseFormSet[Any], *, keep: PurchaseReceipt | None = None
    ) -> tuple[ReceiptData, dict[str, list[forms.BaseForm]]]:
        """The service input and, for showing errors, the row each line came from.

        A user who does not see costs sends no money: a draft keeps its prices, charges and price basis.
        """
        d = self.cleaned_data
        rows = filled_rows(lines)
        kept: KeptPrices = {}
        if self.show_cost:
            include_tax: bool | None = d["prices_include_tax"]
            allocation, freight, other = d["allocation"], d.get("freight") or ZERO, d.get("other_charges") or ZERO
        elif keep is not None:
            include_tax, allocation = keep.prices_include_tax, keep.allocation
            freight, other = keep.freight, keep.other_charges
            kept = {
                (ln.order_line_id, ln.product_id, ln.unit_id): (ln.price, ln.tax_rate, ln.discount_pct)
                for ln in keep.lines.all()
            }
        else:
            include_tax, allocation, freight, other = None, Allocation.VALUE, ZERO, ZERO
        data = ReceiptData(
            supplier_id=d["supplier"],
            warehouse_id=d["warehouse"],
            date=d["date"],
            prices_include_tax=include_tax,
            allocation=allocation,
            freight=freight,
            other_charges=other,
            supplier_reference=d.get("supplier_reference", ""),
            notes=d.get("notes", ""),
            lines=[cast("ReceiptLineForm", row).to_line(kept=kept) for row in rows],
        )
        return data, {"lines": rows}


class ReceiptLineForm(forms.Form):
    """One received line: product (and its order line), unit, inspection, price, place, lot or serials."""

    product = forms.IntegerField(widget=forms.HiddenInput)
    order_line = forms.IntegerField(widget=forms.HiddenInput, required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=FastSelect)
    received_quantity = decimal_field(label=_("Received"), places=6, required=True)
    rejected_quantity = decimal_field(label=_("Rejected"), places=6)
    accepted_quantity = decimal_field(label=_("Accepted"), places=6)
    reject_reason = forms.CharField(label=_("Reason for rejecting"), max_length=200, required=False)
    price = decimal_field(label=_("Unit price"), places=6)
    tax_rate = decimal_field(label=_("Tax rate (%)"), places=2)
    discount_pct = decimal_field(label=_("Discount (%)"), places=2)
    location = forms.TypedChoiceField(
        label=_("Location"), coerce=int, required=False, empty_value=None, widget=LocationSelect
    )
    batch_no = forms.CharField(label=_("Batch no."), max_length=60, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False, widget=date_input())
    expiry_date = forms.DateField(label=_("Expiry date"), required=False, widget=date_input())
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
        order_line: PurchaseOrderLine | None = None,
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
        self.fields["location"].choices = [("", _("Default location"))] + [
            (loc.pk, f"{loc.code} {loc.name}".strip()) for loc in context.locations
        ]
        self.fields["received_quantity"].widget.attrs["data-received"] = ""
        self.fields["rejected_quantity"].widget.attrs.update({"data-rejected": "", "placeholder": "0"})
        self.fields["accepted_quantity"].widget.attrs.update(
            {"readonly": True, "tabindex": "-1", "data-accepted": "", "title": _("Received − rejected")}
        )
        self.fields["reject_reason"].widget.attrs.update(reject_reason_attrs())
        drop = set()
        if not context.show_cost:
            drop |= {"price", "tax_rate", "discount_pct"}
        if product is None or not product.track_lots:
            drop |= {"batch_no", "production_date", "expiry_date"}
        if product is None or not product.track_serials:
            drop.add("serials")
        for name in drop:
            del self.fields[name]
        if "price" in self.fields:
            self.fields["price"].widget.attrs["placeholder"] = (
                f"{order_line.price.normalize():f}" if order_line is not None else _("last price")
            )
            rate = order_line.tax_rate if order_line is not None else product.tax_rate if product else None
            if rate is not None:
                self.fields["tax_rate"].widget.attrs["placeholder"] = f"{rate.normalize():f}"
            self.fields["discount_pct"].widget.attrs["placeholder"] = (
                f"{order_line.discount_pct.normalize():f}" if order_line is not None else "0"
            )

    @property
    def tracking_fields(self) -> list[forms.BoundField]:
        names = ("batch_no", "production_date", "expiry_date", "serials", "notes")
        return [self[n] for n in names if n in self.fields]

    @property
    def order_progress(self) -> dict[str, Decimal] | None:
        """The order line in its unit: ordered and still to come (before this receipt)."""
        line = self.order_line_obj
        if line is None:
            return None
        return {
            "ordered": line.unit_quantity,
            "remaining": round_quantity(max(line.quantity - line.received_quantity, ZERO) / line.factor),
        }

    def clean_product(self) -> int:
        value: int = self.cleaned_data["product"]
        if self.product_obj is None or self.product_obj.pk != value:
            raise forms.ValidationError(_("Unknown product."))
        return value

    @staticmethod
    def initial_for(line: PurchaseReceiptLine, *, show_cost: bool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "product": line.product_id,
            "order_line": line.order_line_id,
            "unit": line.unit_id,
            "received_quantity": line.received_quantity,
            "rejected_quantity": line.rejected_quantity or None,
            "accepted_quantity": line.accepted_quantity,
            "reject_reason": line.reject_reason,
            "location": line.location_id,
            "batch_no": line.batch_no,
            "production_date": line.production_date,
            "expiry_date": line.expiry_date,
            "serials": "\n".join(line.serial_list),
            "notes": line.notes,
        }
        if show_cost:
            initial.update(price=line.price.normalize(), tax_rate=line.tax_rate, discount_pct=line.discount_pct)
        return initial

    @staticmethod
    def initial_from_order(line: PurchaseOrderLine) -> dict[str, Any]:
        """A row receiving what is left of an open order line, all accepted until inspection says otherwise."""
        remaining = round_quantity(max(line.quantity - line.received_quantity, ZERO) / line.factor)
        return {
            "product": line.product_id,
            "order_line": line.pk,
            "unit": line.unit_id,
            "received_quantity": remaining,
            "accepted_quantity": remaining,
        }

    def to_line(self, *, kept: KeptPrices) -> ReceiptLineData:
        d = self.cleaned_data
        if "price" in self.fields:
            price, tax_rate, discount = d.get("price"), d.get("tax_rate"), d.get("discount_pct")
        else:
            price, tax_rate, discount = kept.get((d.get("order_line"), d["product"], d["unit"]), (None, None, None))
        return ReceiptLineData(
            product_id=d["product"],
            order_line_id=d.get("order_line"),
            unit_id=d["unit"],
            received_quantity=d["received_quantity"],
            rejected_quantity=d.get("rejected_quantity") or ZERO,
            reject_reason=d.get("reject_reason", ""),
            price=price,
            tax_rate=tax_rate,
            discount_pct=discount,
            location_id=d.get("location"),
            batch_no=d.get("batch_no", ""),
            production_date=d.get("production_date"),
            expiry_date=d.get("expiry_date"),
            serials=split_serials(d.get("serials")),
            notes=d.get("notes", ""),
        )


_ORDER_LINE_KEY = re.compile(r"^lines-(\d+)-order_line$")


def order_lines_by_id(ids: set[int]) -> dict[int, PurchaseOrderLine]:
    """Order lines with what a receipt row shows of them (order number, unit)."""
    if not ids:
        return {}
    lines = PurchaseOrderLine.objects.filter(pk__in=ids).select_related("order", "unit")
    return {ln.pk: ln for ln in lines}


class BaseReceiptLineFormSet(BaseLineFormSet):
    """The receipt rows: the stock documents' rows (units, places, tracking per product) plus their order lines."""

    def __init__(
        self,
        data: Any = None,
        *,
        user: Any,
        show_cost: bool,
        initial: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(data, user=user, kind=DocumentKind.RECEIPT, show_cost=show_cost, initial=initial)
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


ReceiptLineFormSet = cast(
    "type[BaseReceiptLineFormSet]",
    forms.formset_factory(ReceiptLineForm, formset=BaseReceiptLineFormSet, extra=0, can_delete=True),
)


def receipt_row_form(
    *, context: LineContext, index: int, product: Product, initial: dict[str, Any], order_line: Any = None
) -> ReceiptLineForm:
    """A new row (what the scan field and the open order lines panel append), removable like the formset's."""
    row = ReceiptLineForm(
        prefix=f"lines-{index}", context=context, product=product, order_line=order_line, initial=initial
    )
    return removable(row)


class PurchaseFilterForm(forms.Form):
    """The filters of the receipt and return lists."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, supplier, product, SKU")}),
    )
    status = forms.ChoiceField(required=False, widget=FastSelect)
    supplier = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    date_from = forms.DateField(
        required=False, widget=date_input(title=_("From"), **{"aria-label": _("From"), "style": "width:auto"})
    )
    date_to = forms.DateField(
        required=False, widget=date_input(title=_("To"), **{"aria-label": _("To"), "style": "width:auto"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *PostingStatus.choices]
        self.fields["supplier"].choices = [("", _("All suppliers")), *supplier_choices(active_only=False)]
        self.fields["warehouse"].choices = [("", _("All warehouses"))] + [
            (w.pk, w.name) for w in warehouse_list_for(user=user).order_by("code")
        ]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "status": d.get("status", ""),
            "supplier_id": d.get("supplier"),
            "warehouse_id": d.get("warehouse"),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }
