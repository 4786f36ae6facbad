"""Tax invoices (发票) in the UI: the entry form (header fields; the amount per document comes from the documents
panel as `line-<open item id>` inputs), the void form, the list filters and the filters of the report."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.forms import FastSelect, date_input, decimal_field
from jxc.finance.choices import InvoiceDirection
from jxc.finance.selectors.invoices import InvoiceState
from jxc.finance.services.invoices import InvoiceData, InvoiceLineData
from jxc.partners.models import Partner

LINE_PREFIX = "line-"


def partner_choices(*, direction: str = "", current: int | None = None) -> list[tuple[Any, str]]:
    """Partners to pick from: customers for issued invoices, suppliers for received ones (both without a
    direction); active ones, and the current one even if deactivated."""
    partners = Partner.objects.filter(Q(active=True) | Q(pk=current or 0))
    if direction == InvoiceDirection.ISSUED:
        partners = partners.filter(is_customer=True)
    elif direction == InvoiceDirection.RECEIVED:
        partners = partners.filter(is_supplier=True)
    return list(partners.order_by("name").values_list("pk", "name"))


def _date_filter(label: Any) -> forms.DateField:
    return forms.DateField(
        required=False, widget=date_input(title=label, **{"aria-label": label, "style": "width:auto"})
    )


class InvoiceForm(forms.Form):
    """The header of a tax invoice; choosing the direction and the partner loads the documents to invoice."""

    direction = forms.ChoiceField(label=_("Direction"), choices=InvoiceDirection.choices, widget=FastSelect)
    partner = forms.TypedChoiceField(label=_("Partner"), coerce=int, widget=FastSelect)
    number = forms.CharField(label=_("Invoice number"), max_length=40)
    date = forms.DateField(label=_("Invoice date"), widget=date_input())
    amount = decimal_field(label=_("Amount with tax"), places=2, required=True)
    tax = decimal_field(label=_("Tax"), places=2, required=True)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("direction", InvoiceDirection.ISSUED)
        direction = (self.data.get("direction") if self.is_bound else None) or self.initial.get("direction", "")
        current = self.data.get("partner") if self.is_bound else self.initial.get("partner")
        current_id = int(current) if str(current or "").isdigit() else None
        self.fields["partner"].choices = [("", "—"), *partner_choices(direction=direction, current=current_id)]
        panel = {
            "hx-get": reverse("finance:invoice_documents"),
            "hx-trigger": "change",
            "hx-target": "#documents-panel",
            "hx-include": "#id_direction, #id_partner",
        }
        # choosing the direction or the partner loads the documents (and, for a new direction, its partners)
        self.fields["partner"].widget.attrs.update(panel)
        self.fields["direction"].widget.attrs.update(panel)

    def to_data(self, lines: list[InvoiceLineData]) -> InvoiceData:
        d = self.cleaned_data
        return InvoiceData(
            direction=d["direction"],
            partner_id=d["partner"],
            number=d["number"],
            date=d["date"],
            amount=d["amount"],
            tax=d["tax"],
            notes=d.get("notes", ""),
            lines=lines,
        )


def posted_lines(data: QueryDict) -> tuple[dict[int, str], dict[int, str]]:
    """The amounts typed per document (`line-<id>`), as typed, and the ones that are not numbers."""
    typed: dict[int, str] = {}
    bad: dict[int, str] = {}
    for key, value in data.items():
        if not key.startswith(LINE_PREFIX) or not key[len(LINE_PREFIX) :].isdigit():
            continue
        item_id = int(key[len(LINE_PREFIX) :])
        text = value.strip().replace(",", "")
        if not text:
            continue
        typed[item_id] = value.strip()
        try:
            Decimal(text)
        except InvalidOperation:
            bad[item_id] = str(_("Enter a number."))
    return typed, bad


def line_data(typed: dict[int, str], order: list[int]) -> list[InvoiceLineData]:
    """The service's lines in the order the documents are shown (then any other typed id)."""
    ids = [i for i in order if i in typed] + sorted(set(typed) - set(order))
    return [InvoiceLineData(item_id=i, amount=Decimal(typed[i].replace(",", ""))) for i in ids]


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Why is it void?"), max_length=200)


class InvoiceFilterForm(forms.Form):
    """The filters of the invoice list."""

    number = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Invoice number")})
    )
    direction = forms.ChoiceField(required=False, widget=FastSelect)
    partner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    void = forms.ChoiceField(required=False, widget=FastSelect)
    start = _date_filter(_("From"))
    end = _date_filter(_("To"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [("", _("Issued and received")), *InvoiceDirection.choices]
        self.fields["partner"].choices = [("", _("All partners")), *partner_choices(current=None)]
        self.fields["void"].choices = [("", _("Valid and void")), ("no", _("valid")), ("yes", _("void"))]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        void = {"yes": True, "no": False}.get(d.get("void", ""))
        return {
            "direction": d.get("direction", ""),
            "partner_id": d.get("partner"),
            "date_from": d.get("start"),
            "date_to": d.get("end"),
            "number": d.get("number", ""),
            "void": void,
        }


class InvoiceStatusForm(forms.Form):
    """The filters of the report "invoiced / not yet invoiced"."""

    direction = forms.ChoiceField(required=False, widget=FastSelect)
    partner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    start = _date_filter(_("From"))
    end = _date_filter(_("To"))
    state = forms.ChoiceField(required=False, widget=FastSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [
            (InvoiceDirection.ISSUED, _("Issued: shipments")),
            (InvoiceDirection.RECEIVED, _("Received: purchase receipts")),
        ]
        self.fields["partner"].choices = [("", _("All partners")), *partner_choices(current=None)]
        self.fields["state"].choices = [
            (InvoiceState.ALL, _("All documents")),
            (InvoiceState.OPEN, _("Not fully invoiced")),
            (InvoiceState.DONE, _("Fully invoiced")),
        ]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "direction": d.get("direction") or InvoiceDirection.ISSUED,
            "partner_id": d.get("partner"),
            "start": d.get("start"),
            "end": d.get("end"),
            "state": d.get("state", ""),
        }
