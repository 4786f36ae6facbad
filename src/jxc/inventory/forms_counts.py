"""Forms of the stock count pages: filter, new count, scan, the counted quantities of a sheet, submit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from jxc.catalog.selectors import category_tree
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.forms import FastSelect, date_input, decimal_field
from jxc.inventory.choices import CountStatus
from jxc.inventory.models import Location, StockCountLine, Warehouse
from jxc.inventory.selectors import location_list, warehouse_list_for
from jxc.inventory.services.counts import CountEntry


class FastSelectMultiple(FastSelect):
    """FastSelect for several values (`<select multiple>`)."""

    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False


class CountFilterForm(forms.Form):
    q = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number or notes")})
    )
    status = forms.ChoiceField(required=False, widget=FastSelect)
    warehouse = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *CountStatus.choices]
        warehouses = warehouse_list_for(user=user).order_by("code").values_list("pk", "name")
        self.fields["warehouse"].choices = [("", _("All warehouses")), *warehouses]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"q": data["q"], "status": data["status"], "warehouse_id": data["warehouse"]}


class CountCreateForm(forms.Form):
    """A new count: the warehouse (only those the user may use), optionally some of its locations and categories."""

    warehouse = forms.TypedChoiceField(label=_("Warehouse"), coerce=int, widget=FastSelect)
    date = forms.DateField(label=_("Date"), widget=date_input())
    blind = forms.BooleanField(
        label=_("Blind count"),
        required=False,
        help_text=_("Counters do not see the book quantity; only approvers do."),
    )
    locations = forms.TypedMultipleChoiceField(
        label=_("Locations"),
        coerce=int,
        required=False,
        widget=FastSelectMultiple(attrs={"size": 6}),
        help_text=_("Leave empty to count the whole warehouse."),
    )
    categories = forms.TypedMultipleChoiceField(
        label=_("Categories"),
        coerce=int,
        required=False,
        widget=FastSelectMultiple(attrs={"size": 6}),
        help_text=_("Leave empty to count every product."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2, "wide": True}))

    def __init__(self, data: Mapping[str, Any] | None = None, *, user: Any, warehouse_id: Any = None) -> None:
        super().__init__(data, initial={"date": timezone.localdate()})
        warehouses = list(warehouse_list_for(user=user, active=True).order_by("code"))
        self.fields["warehouse"].choices = [(w.pk, f"{w.code} {w.name}") for w in warehouses]
        self.fields["warehouse"].widget.attrs.update(
            {"hx-get": reverse("inventory:count_create"), "hx-target": "#count-locations", "hx-swap": "outerHTML"}
        )
        chosen = self._chosen(warehouses, data.get("warehouse") if data is not None else warehouse_id)
        if chosen is not None:
            self.initial["warehouse"] = chosen.pk
            locations = location_list(warehouse=chosen, active=True)
            self.fields["locations"].choices = [(loc.pk, str(loc)) for loc in locations]
        self.fields["categories"].choices = [(n.category.pk, n.path) for n in category_tree(active_only=True)]

    @staticmethod
    def _chosen(warehouses: list[Warehouse], value: Any) -> Warehouse | None:
        for warehouse in warehouses:
            if str(warehouse.pk) == str(value):
                return warehouse
        return warehouses[0] if warehouses else None

    def to_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "warehouse_id": data["warehouse"],
            "day": data["date"],
            "location_ids": list(data["locations"]),
            "category_ids": list(data["categories"]),
            "blind": data["blind"],
            "notes": data["notes"],
        }


class ScanForm(forms.Form):
    """One scan: the location being counted, the code read, and how many of the code's unit (1 by default)."""

    location = forms.TypedChoiceField(label=_("Location being counted"), coerce=int, widget=FastSelect)
    code = forms.CharField(
        label=_("Scan a barcode or type a SKU"),
        max_length=80,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autofocus": True, "enterkeyhint": "done", "data-scan-add": True}
        ),
    )
    quantity = decimal_field(label=_("Quantity"), places=6, required=False, min_value=Decimal("0.000001"))

    def __init__(self, *args: Any, locations: Iterable[Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = [(loc.pk, str(loc)) for loc in locations]
        self.fields["quantity"].widget.attrs.update({"size": 4, "placeholder": "1"})

    def apply(self, error: DomainError) -> None:
        """Show a service error next to the scan field (entries.0.* of the one scanned entry)."""
        for key, messages in error_items(error):
            name = key.rsplit(".", 1)[-1]
            target = "quantity" if name == "quantity" else "location" if name == "location_id" else "code"
            for message in messages:
                self.add_error(target, message)


class SubmitForm(forms.Form):
    uncounted_as_zero = forms.BooleanField(
        label=_("Lines not counted were not found: count them as zero"), required=False
    )


def error_items(error: DomainError) -> list[tuple[str, list[str]]]:
    """A domain error as (field key, messages) pairs; the key is empty when the error names no field."""
    if isinstance(error, ValidationFailed) and error.errors:
        return list(error.errors.items())
    return [(error.field or "", [error.text])]


@dataclass
class CountedInput:
    """The counted quantities typed into a sheet: what to record, what was typed, and the errors per line."""

    entries: list[CountEntry] = field(default_factory=list)
    entry_lines: list[int] = field(default_factory=list)
    typed: dict[int, str] = field(default_factory=dict)
    errors: dict[int, list[str]] = field(default_factory=dict)

    def apply(self, error: DomainError) -> list[str]:
        """Put a service error on the line it names (entries.N.…); return the messages that name no line."""
        rest: list[str] = []
        for key, messages in error_items(error):
            parts = key.split(".")
            if len(parts) >= 2 and parts[0] == "entries" and parts[1].isdigit() and int(parts[1]) < len(self.entries):
                self.errors.setdefault(self.entry_lines[int(parts[1])], []).extend(messages)
            else:
                rest.extend(messages)
        return rest


COUNTED = decimal_field(label=_("Counted quantity"), places=6, min_value=Decimal(0))


def counted_input(data: MultiValueDict[str, Any], lines: Sequence[StockCountLine]) -> CountedInput:
    """Read `counted-<line>` inputs; only values changed from `was-<line>` (what the page showed) are recorded.

    Recording only changes keeps the scans another counter made since the page was loaded.
    """
    result = CountedInput()
    for line in lines:
        if f"counted-{line.pk}" not in data:
            continue
        raw = (data.get(f"counted-{line.pk}") or "").strip()
        result.typed[line.pk] = raw
        if raw == (data.get(f"was-{line.pk}") or "").strip():
            continue
        if not raw:
            result.errors[line.pk] = [str(_("Type 0 if nothing is there."))]
            continue
        try:
            quantity = COUNTED.clean(raw)
        except ValidationError as error:
            result.errors[line.pk] = list(error.messages)
            continue
        result.entries.append(
            CountEntry(product_id=line.product_id, location_id=line.location_id, lot_id=line.lot_id, quantity=quantity)
        )
        result.entry_lines.append(line.pk)
    return result
