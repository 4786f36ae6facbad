"""Cash accounts and payments in the UI: the cash account form, the journal's dates, the payment list's filters,
the receipt-of-payment / payment form with its per-document amounts, and the form that applies a credit.

Per-document amounts are posted as `alloc-<item id>` fields beside the form (one row per open document, loaded by
htmx when the partner is chosen); they are kept as typed so a refused form shows them again."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jxc.core.forms import FastSelect, date_input, decimal_field
from jxc.core.numbers import round_money
from jxc.finance.choices import CashAccountKind, Direction, PaymentMethod, PaymentStatus
from jxc.finance.models import CashAccount
from jxc.finance.selectors.cash import cash_account_choices
from jxc.finance.services.cash import CashAccountData
from jxc.finance.services.payments import PaymentData
from jxc.partners.models import Partner
from jxc.partners.services.allocation import Share

ALLOC_PREFIX = "alloc-"


def _date_filter(label: Any) -> forms.DateField:
    return forms.DateField(
        required=False, widget=date_input(title=label, **{"aria-label": label, "style": "width:auto"})
    )


def partner_choices(*, direction: str = "", current: int | None = None) -> list[tuple[Any, str]]:
    """Customers (money in) or suppliers (money out) to pick from; a deactivated one only when already chosen."""
    partners = Partner.objects.filter(Q(active=True) | Q(pk=current or 0))
    if direction == Direction.IN:
        partners = partners.filter(is_customer=True)
    elif direction == Direction.OUT:
        partners = partners.filter(is_supplier=True)
    return [(p.pk, f"{p.name} ({p.code})") for p in partners.order_by("name").only("pk", "name", "code")]


class CashAccountForm(forms.Form):
    """A cash account (资金账户): its balance is not entered here, it moves only with payments."""

    name = forms.CharField(label=_("Name"), max_length=80)
    code = forms.CharField(
        label=_("Code"), max_length=30, required=False, help_text=_("Leave empty to number it automatically.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CashAccountKind.choices, widget=FastSelect)
    bank_name = forms.CharField(label=_("Bank"), max_length=120, required=False)
    account_no = forms.CharField(label=_("Account number"), max_length=60, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    @staticmethod
    def initial_for(account: CashAccount) -> dict[str, Any]:
        return {
            name: getattr(account, name) for name in ("name", "code", "kind", "bank_name", "account_no", "active")
        } | {"notes": account.notes}

    def to_data(self) -> CashAccountData:
        d = self.cleaned_data
        return CashAccountData(
            name=d["name"],
            kind=d["kind"],
            code=d.get("code", ""),
            bank_name=d.get("bank_name", ""),
            account_no=d.get("account_no", ""),
            active=bool(d.get("active")),
            notes=d.get("notes", ""),
        )


class JournalFilterForm(forms.Form):
    """The dates of a cash journal."""

    date_from = _date_filter(_("From"))
    date_to = _date_filter(_("To"))

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {"date_from": d.get("date_from"), "date_to": d.get("date_to")}


class CashAccountFilterForm(forms.Form):
    """The filters of the cash account list."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Code, name, bank, account number")}),
    )
    kind = forms.ChoiceField(required=False, widget=FastSelect)
    active = forms.ChoiceField(required=False, widget=FastSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *CashAccountKind.choices]
        self.fields["active"].choices = [("", _("Active and deactivated")), ("1", _("Active")), ("0", _("Deactivated"))]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        active = d.get("active", "")
        return {"q": d.get("q", ""), "kind": d.get("kind", ""), "active": None if active == "" else active == "1"}


class PaymentFilterForm(forms.Form):
    """The filters of the payment list."""

    q = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Number, reference, partner, notes")}),
    )
    direction = forms.ChoiceField(required=False, widget=FastSelect)
    status = forms.ChoiceField(required=False, widget=FastSelect)
    partner = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    cash_account = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, widget=FastSelect)
    date_from = _date_filter(_("From"))
    date_to = _date_filter(_("To"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [("", _("Receipts and payments")), *Direction.choices]
        self.fields["status"].choices = [("", _("Any status")), *PaymentStatus.choices]
        partners = Partner.objects.order_by("name").values_list("pk", "name")
        self.fields["partner"].choices = [("", _("All partners")), *partners]
        accounts = CashAccount.objects.order_by("code").values_list("pk", "name")
        self.fields["cash_account"].choices = [("", _("All cash accounts")), *accounts]

    def filters(self) -> dict[str, Any]:
        d = self.cleaned_data if self.is_valid() else {}
        return {
            "q": d.get("q", ""),
            "direction": d.get("direction", ""),
            "status": d.get("status", ""),
            "partner_id": d.get("partner"),
            "cash_account_id": d.get("cash_account"),
            "date_from": d.get("date_from"),
            "date_to": d.get("date_to"),
        }


def typed_amounts(data: Mapping[str, Any] | None) -> dict[int, str]:
    """The per-document amounts as typed (`alloc-<item id>` → text), empty ones left out."""
    if not data:
        return {}
    typed = {}
    for key in data:
        if key.startswith(ALLOC_PREFIX) and key[len(ALLOC_PREFIX) :].isdigit():
            value = str(data.get(key, "")).strip()
            if value:
                typed[int(key[len(ALLOC_PREFIX) :])] = value
    return typed


class AllocationMixin(forms.Form):
    """Oldest first, or the amounts typed per document (`alloc-<item id>`); errors of the allocation show on the
    `allocations` field, next to the documents."""

    auto = forms.BooleanField(label=_("Allocate automatically, oldest due first"), required=False)
    allocations = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.typed = typed_amounts(self.data if self.is_bound else None)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        shares = []
        for item_id, text in self.typed.items():
            try:
                amount = Decimal(text.replace(",", ""))
            except InvalidOperation:
                self.add_error("allocations", _("“%(value)s” is not an amount.") % {"value": text})
                continue
            if not amount.is_finite() or amount < 0 or amount != round_money(amount):
                self.add_error("allocations", _("Enter amounts in yuan with at most two decimals, not below zero."))
                continue
            if amount > 0:
                shares.append(Share(item_id, amount))
        self.shares = shares
        return cleaned

    def to_shares(self) -> list[Share] | None:
        """None allocates oldest first; [] keeps it all unallocated (a prepayment)."""
        return None if self.cleaned_data.get("auto") else self.shares


class PaymentForm(AllocationMixin):
    """A receipt of payment from a customer or a payment to a supplier, allocated to their open documents."""

    field_order = ["partner", "cash_account", "method", "date", "amount", "reference", "notes", "auto"]
    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.HiddenInput)
    partner = forms.TypedChoiceField(label=_("Partner"), coerce=int, widget=FastSelect)
    cash_account = forms.TypedChoiceField(label=_("Cash account"), coerce=int, widget=FastSelect)
    method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices, widget=FastSelect)
    date = forms.DateField(label=_("Date"), widget=date_input())
    amount = decimal_field(label=_("Amount"), places=2, required=True)
    reference = forms.CharField(
        label=_("Reference"), max_length=60, required=False, help_text=_("Bank slip or transaction no.")
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args: Any, direction: str, open_items_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.direction = direction
        self.initial.setdefault("direction", direction)
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("method", PaymentMethod.BANK)
        current = self.data.get("partner") if self.is_bound else self.initial.get("partner")
        label = _("Customer") if direction == Direction.IN else _("Supplier")
        self.fields["partner"].label = label
        chosen = int(current) if str(current or "").isdigit() else None
        self.fields["partner"].choices = [("", "—"), *partner_choices(direction=direction, current=chosen)]
        if open_items_url:  # choosing the partner loads their open documents
            self.fields["partner"].widget.attrs.update(
                {
                    "hx-get": open_items_url,
                    "hx-trigger": "change",
                    "hx-target": "#open-items",
                    "hx-include": "[name=direction],[name=partner]",
                }
            )
        account = self.data.get("cash_account") if self.is_bound else None
        accounts = cash_account_choices(current=int(account) if str(account or "").isdigit() else None)
        self.fields["cash_account"].choices = [("", _("By the method's default account")), *accounts]
        self.fields["cash_account"].required = False
        self.fields["cash_account"].empty_value = None
        self.fields["amount"].widget.attrs.update({"data-payment-amount": ""})
        self.fields["auto"].widget.attrs.update({"data-payment-auto": ""})

    def to_data(self) -> PaymentData:
        d = self.cleaned_data
        return PaymentData(
            direction=self.direction,
            partner_id=d["partner"],
            amount=d["amount"],
            cash_account_id=d.get("cash_account"),
            method=d["method"],
            date=d["date"],
            reference=d.get("reference", ""),
            notes=d.get("notes", ""),
            shares=self.to_shares(),
        )


class ApplyForm(AllocationMixin):
    """Apply what is left of a payment (or any credit) to documents: oldest first or by hand."""

    date = forms.DateField(label=_("Date"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        self.fields["auto"].widget.attrs.update({"data-payment-auto": ""})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("auto") and not self.shares and not self.errors:
            self.add_error("allocations", _("Type an amount for at least one document, or allocate automatically."))
        return cleaned
