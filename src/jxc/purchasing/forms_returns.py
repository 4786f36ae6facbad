"""Purchase returns (采购退货) in the UI: the header form and the line rows (against a receipt or free)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.catalog.models import Product
from jxc.core.forms import FastSelect, date_input, decimal_field, filled_rows, removable
from jxc.core.numbers import round_quantity
from jxc.core.text import split_serials
from jxc.inventory.choices import DocumentKind
from jxc.inventory.forms_documents import BaseLineFormSet, LineContext, LocationSelect
from jxc.inventory.selectors import warehouse_list_for
from jxc.purchasing.forms_receipts import supplier_choices
from jxc.purchasing.models import PurchaseReceipt, PurchaseReceiptLine, PurchaseReturn, PurchaseReturnLine
from jxc.purchasing.services.returns import ReturnData, ReturnLineData

# Prices a user without view_cost cannot see, kept from the draft: (receipt line, product, rejected, unit) → price, tax.
KeptPrices = Mapping[tuple[int | None, int, bool, int], tuple[Decimal, Decimal]]


class ReturnForm(forms.Form):
    """The header of a return. Against a receipt, the supplier and warehouse are the receipt's."""

    supplier = forms.TypedChoiceField(label=_("Supplier"), coerce=int, widget=FastSelect)
    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    date = forms.DateField(label=_("Date"), widget=date_input())
    prices_include_tax = forms.BooleanField(label=_("Prices include tax"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, "wide": True})
    )

    def __init__(
        self, *args: Any, user: Any, show_cost: bool, receipt: PurchaseReceipt | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.show_cost = show_cost
        self.receipt = receipt
        if receipt is not None:
            self.initial.update(supplier=receipt.supplier_id, warehouse=receipt.warehouse_id)
            self.fields["supplier"].choices = [(receipt.supplier_id, receipt.supplier.name)]
            self.fields["warehouse"].choices = [(receipt.warehouse_id, receipt.warehouse.name)]
            for name in ("supplier", "warehouse"):
                self.fields[name].disabled = True
        else:
            self.fields["supplier"].choices = [("", "—"), *supplier_choices(current=self.initial.get("supplier"))]
            warehouses = [(w.pk, w.name) for w in warehouse_list_for(user=user, active=True).order_by("code")]
            self.fields["warehouse"].choices = warehouses
            if not self.is_bound and not self.initial.get("warehouse") and warehouses:
                self.initial["warehouse"] = warehouses[0][0]
        self.initial.setdefault("date", timezone.localdate())
        if not show_cost or receipt is not None:  # against a receipt, prices are stated as the receipt states them
            del self.fields["prices_include_tax"]

    @staticmethod
    def initial_for(purchase_return: PurchaseReturn) -> dict[str, Any]:
        return {
            "supplier": purchase_return.supplier_id,
            "warehouse": purchase_return.warehouse_id,
            "date": purchase_return.date,
            "prices_include_tax": purchase_return.prices_include_tax,
            "reason": purchase_return.reason,
            "notes": purchase_return.notes,
        }

    def to_data(
        self, lines: forms.BaseFormSet[Any], *, keep: PurchaseReturn | None = None
    ) -> tuple[ReturnData, dict[str, list[forms.BaseForm]]]:
        """The service input and the row each line came from; without view_cost a draft keeps its prices."""
        d = self.cleaned_data
        rows = filled_rows(lines)
        kept: KeptPrices = {}
        include_tax: bool | None = d.get("prices_include_tax") if "prices_include_tax" in self.fields else None
        if keep is not None and not self.show_cost:
            include_tax = keep.prices_include_tax
            kept = {
                (ln.receipt_line_id, ln.product_id, ln.rejected, ln.unit_id): (ln.price, ln.tax_rate)
                for ln in keep.lines.all()
            }
        data = ReturnData(
            supplier_id=d["supplier"],
            warehouse_id=d["warehouse"],
            date=d["date"],
            receipt_id=self.receipt.pk if self.receipt is not None else None,
            prices_include_tax=include_tax,
            reason=d.get("reason", ""),
            notes=d.get("notes", ""),
            lines=[cast("ReturnLineForm", row).to_line(kept=kept) for row in rows],
        )
        return data, {"lines": rows}


class ReturnLineForm(forms.Form):
    """One returned line: product (and the receipt line it comes from), quantity, price, place, lot or serials.

    A line of goods rejected at inspection carries no price, lot or serials: those goods never entered stock.
    """

    product = forms.IntegerField(widget=forms.HiddenInput)
    receipt_line = forms.IntegerField(widget=forms.HiddenInput, required=False)
    rejected = forms.BooleanField(widget=forms.HiddenInput, required=False)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=FastSelect)
    quantity = decimal_field(label=_("Quantity"), places=6, required=True)
    price = decimal_field(label=_("Unit price"), places=6)
    tax_rate = decimal_field(label=_("Tax rate (%)"), places=2)
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
        receipt_line: PurchaseReceiptLine | None = None,
        rejected: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.context = context
        self.product_obj = product
        self.receipt_line_obj = receipt_line
        self.is_rejected = rejected
        self.fields["unit"].choices = context.units.get(product.pk, []) if product else []
        self.fields["location"].widget = LocationSelect(
            attrs={"data-location-for": "from"}, warehouses={str(loc.pk): loc.warehouse_id for loc in context.locations}
        )
        self.fields["location"].choices = [("", _("Default location"))] + [
            (loc.pk, f"{loc.code} {loc.name}".strip()) for loc in context.locations
        ]
        drop = set()
        if not context.show_cost or rejected:
            drop |= {"price", "tax_rate"}
        if product is None or not product.track_lots or rejected:
            drop.add("lot")
        if product is None or not product.track_serials or rejected:
            drop.add("serials")
        for name in drop:
            del self.fields[name]
        if "lot" in self.fields:
            default = _("The receipt's batch") if receipt_line is not None else _("Choose the batch")
            lots = context.lots.get(product.pk, []) if product is not None else []
            self.fields["lot"].choices = [("", default), *lots]
        if "price" in self.fields:
            self.fields["price"].widget.attrs["placeholder"] = (
                _("receipt price") if receipt_line is not None else _("last price")
            )
            rate = receipt_line.tax_rate if receipt_line is not None else product.tax_rate if product else None
            if rate is not None:
                self.fields["tax_rate"].widget.attrs["placeholder"] = f"{rate.normalize():f}"

    @property
    def tracking_fields(self) -> list[forms.BoundField]:
        names = ("lot", "serials", "notes")
        return [self[n] for n in names if n in self.fields]

    @property
    def left(self) -> Decimal | None:
        """What is left to return of the receipt line, in the receipt line's unit."""
        line = self.receipt_line_obj
        if line is None:
            return None
        return round_quantity((line.rejected_open if self.is_rejected else line.returnable) / line.factor)

    def clean_product(self) -> int:
        value: int = self.cleaned_data["product"]
        if self.product_obj is None or self.product_obj.pk != value:
            raise forms.ValidationError(_("Unknown product."))
        return value

    @staticmethod
    def initial_for(line: PurchaseReturnLine, *, show_cost: bool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "product": line.product_id,
            "receipt_line": line.receipt_line_id,
            "rejected": line.rejected,
            "unit": line.unit_id,
            "quantity": line.unit_quantity,
            "location": line.location_id,
            "lot": line.lot_id,
            "serials": "\n".join(line.serial_list),
            "notes": line.notes,
        }
        if show_cost and not line.rejected:
            initial.update(price=line.price.normalize(), tax_rate=line.tax_rate)
        return initial

    @staticmethod
    def initial_from_receipt(line: PurchaseReceiptLine) -> list[dict[str, Any]]:
        """Rows for what is left of a receipt line: its open rejected goods, then its accepted goods."""
        rows = []
        base = {"product": line.product_id, "receipt_line": line.pk, "unit": line.unit_id, "location": line.location_id}
        if line.rejected_open > 0:
            rows.append({**base, "rejected": True, "quantity": round_quantity(line.rejected_open / line.factor)})
        if line.returnable > 0:
            serials = "\n".join(line.serial_list) if not line.returned_quantity else ""
            quantity = round_quantity(line.returnable / line.factor)
            rows.append({**base, "rejected": False, "quantity": quantity, "lot": line.lot_id, "serials": serials})
        return rows

    def to_line(self, *, kept: KeptPrices) -> ReturnLineData:
        d = self.cleaned_data
        rejected = bool(d.get("rejected"))
        if "price" in self.fields:
            price, tax_rate = d.get("price"), d.get("tax_rate")
        else:
            price, tax_rate = kept.get((d.get("receipt_line"), d["product"], rejected, d["unit"]), (None, None))
        return ReturnLineData(
            product_id=d["product"],
            quantity=d["quantity"],
            unit_id=d["unit"],
            receipt_line_id=d.get("receipt_line"),
            rejected=rejected,
            price=price,
            tax_rate=tax_rate,
            location_id=d.get("location"),
            lot_id=d.get("lot"),
            serials=split_serials(d.get("serials")),
            notes=d.get("notes", ""),
        )


_RECEIPT_LINE_KEY = re.compile(r"^lines-(\d+)-receipt_line$")
_REJECTED_KEY = re.compile(r"^lines-(\d+)-rejected$")


def receipt_lines_by_id(ids: set[int]) -> dict[int, PurchaseReceiptLine]:
    """Receipt lines with what a return row shows of them (receipt number, what is left)."""
    if not ids:
        return {}
    return {ln.pk: ln for ln in PurchaseReceiptLine.objects.filter(pk__in=ids).select_related("receipt")}


class BaseReturnLineFormSet(BaseLineFormSet):
    """The return rows: the stock documents' issue rows (units, places, lots in stock) plus their receipt lines."""

    def __init__(
        self,
        data: Any = None,
        *,
        user: Any,
        show_cost: bool,
        initial: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(data, user=user, kind=DocumentKind.ISSUE, show_cost=show_cost, initial=initial)
        self.row_receipt_lines: dict[int, int] = {}
        self.row_rejected: set[int] = set()
        if data is not None:
            for key, value in data.items():
                match = _RECEIPT_LINE_KEY.match(key)
                if match and str(value).isdigit():
                    self.row_receipt_lines[int(match.group(1))] = int(value)
                match = _REJECTED_KEY.match(key)
                if match and str(value).lower() in {"true", "on", "1"}:
                    self.row_rejected.add(int(match.group(1)))
        else:
            for i, row in enumerate(initial or []):
                if row.get("receipt_line"):
                    self.row_receipt_lines[i] = row["receipt_line"]
                if row.get("rejected"):
                    self.row_rejected.add(i)
        self.receipt_lines = receipt_lines_by_id(set(self.row_receipt_lines.values()))

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        line_id = self.row_receipt_lines.get(index) if index is not None else None
        kwargs["receipt_line"] = self.receipt_lines.get(line_id) if line_id else None
        kwargs["rejected"] = index in self.row_rejected
        return kwargs


ReturnLineFormSet = cast(
    "type[BaseReturnLineFormSet]",
    forms.formset_factory(ReturnLineForm, formset=BaseReturnLineFormSet, extra=0, can_delete=True),
)


def return_row_form(*, context: LineContext, index: int, product: Product, unit_id: int) -> ReturnLineForm:
    """A new free row for a scanned product (what the scan field appends)."""
    row = ReturnLineForm(
        prefix=f"lines-{index}",
        context=context,
        product=product,
        initial={"product": product.pk, "unit": unit_id, "quantity": Decimal(1), "rejected": False},
    )
    return removable(row)
