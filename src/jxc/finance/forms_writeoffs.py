"""Forms of write-offs (坏账核销) and discounts (折让): the entry form with the amounts per open document, and the
list's filters."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.forms import FastSelect, date_input, decimal_field
from jxc.core.numbers import ZERO
from jxc.finance.choices import WriteOffKind, WriteOffStatus
from jxc.finance.models import WriteOff
from jxc.finance.services.writeoffs import WriteOffData, WriteOffLineData
from jxc.partners.models import Account, Partner

LINE_PREFIX = "line-"


def partner_choices(*, current: int | None = None) -> list[tuple[Any, str]]:
    """Active partners to pick from (and the one a write-off already names)."""
    partners = Partner.objects.filter(Q(active=True) | Q(pk=current or 0)).order_by("name")
    return list(partners.values_list("pk", "name"))


def typed_lines(data: QueryDict | dict[str, Any]) -> dict[int, str]:
    """The amounts typed per open document (`line-<item id>`), as typed, blanks left out."""
    typed: dict[int, str] = {}
    for key, value in data.items():
        if key.startswith(LINE_PREFIX) and key[len(LINE_PREFIX) :].isdigit() and str(value).strip():
            typed[int(key[len(LINE_PREFIX) :])] = str(value).strip()
    return typed


class WriteOffForm(forms.Form):
    """The header of a write-off; the amounts per document come from `line-<item id>` inputs."""

    kind = forms.ChoiceField(label=_("Kind"), choices=WriteOffKind.choices, widget=FastSelect)
    partner = forms.TypedChoiceField(label=_("Partner"), coerce=int, widget=FastSelect)
    account = forms.ChoiceField(label=_("Account"), choices=Account.choices, widget=FastSelect)
    date = forms.DateField(label=_("Date"), widget=date_input())
    amount = decimal_field(
        label=_("Amount"),
        places=2,
        help_text=_("Leave empty to take the sum of the amounts per document."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.initial.get("partner")
        self.fields["partner"].choices = [("", "—"), *partner_choices(current=current)]
        self.fields["date"].initial = timezone.localdate()
        self.lines: list[WriteOffLineData] = []
        self.line_errors: list[str] = []

    @staticmethod
    def initial_for(write_off: WriteOff) -> dict[str, Any]:
        return {
            "kind": write_off.kind,
            "partner": write_off.partner_id,
            "account": write_off.account,
            "date": write_off.date,
            "amount": write_off.amount,
            "reason": write_off.reason,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.lines = []
        for item_id, text in typed_lines(self.data).items():
            try:
                amount = Decimal(text.replace(",", ""))
            except InvalidOperation:
                self.add_error(None, _("“%(value)s” is not an amount.") % {"value": text})
                continue
            if not amount.is_finite():
                self.add_error(None, _("“%(value)s” is not an amount.") % {"value": text})
                continue
            if amount:
                self.lines.append(WriteOffLineData(item_id=item_id, amount=amount))
        return cleaned

    def to_data(self) -> WriteOffData:
        d = self.cleaned_data
        amount = d.get("amount")
        if amount is None and self.lines:
            amount = sum((ln.amount for ln in self.lines), ZERO)
        return WriteOffData(
            kind=d["kind"],
            partner_id=d.get("partner"),
            account=d["account"],
            date=d.get("date"),
            amount=amount,
            reason=d.get("reason", ""),
            lines=self.lines,
        )


def _date_filter(label: Any) -> forms.DateField:
    return forms.DateField(
        required=False, widget=date_input(title=label, **{"aria-label": label, "style": "width:auto"})
    )


class WriteOffFilterForm(forms.Form):
    """The filters of the write-off list."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, partner, reason")}),
    )
    status = forms.ChoiceField(required=False, widget=FastSelect)
    kind = forms.ChoiceField(required=False, widget=FastSelect)
    account = forms.ChoiceField(required=False, widget=FastSelect)
    date_from = _date_filter(_("From"))
    date_to = _date_filter(_("To"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *WriteOffStatus.choices]
        self.fields["kind"].choices = [("", _("Any kind")), *WriteOffKind.choices]
        self.fields["account"].choices = [("", _("Both accounts")), *Account.choices]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "status": d.get("status", ""),
            "kind": d.get("kind", ""),
            "account": d.get("account", ""),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }
