"""Forms of the login, users, tokens and company pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jxc.accounts.models import ApiToken, User
from jxc.accounts.roles import ROLE_CHOICES
from jxc.accounts.services.company import CompanyData
from jxc.accounts.services.users import UserData
from jxc.core.forms import FastSelect, decimal_field


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    new_password2 = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        password: str = self.cleaned_data["old_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The current password is wrong."))
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


def _warehouse_choices() -> list[tuple[int, str]]:
    warehouse = apps.get_model("inventory", "Warehouse")
    return [(w.pk, f"{w.code} {w.name}") for w in warehouse.objects.filter(active=True).order_by("code")]


class UserForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    all_warehouses = forms.BooleanField(
        label=_("All warehouses"),
        required=False,
        initial=True,
        help_text=_("Untick to limit this user to the warehouses chosen below."),
    )
    warehouses = forms.TypedMultipleChoiceField(
        label=_("Limited to warehouses"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouses"].choices = _warehouse_choices()
        self.fields["roles"].widget.attrs["wide"] = True
        self.fields["warehouses"].widget.attrs["wide"] = True

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {
            "username": user.username,
            "display_name": user.display_name,
            "phone": user.phone,
            "email": user.email,
            "roles": user.role_codes,
            "all_warehouses": user.all_warehouses,
            "warehouses": list(user.scoped_warehouses.values_list("pk", flat=True)),  # type: ignore[attr-defined]
        }

    def to_data(self) -> UserData:
        d = self.cleaned_data
        return UserData(
            username=d["username"],
            display_name=d["display_name"],
            phone=d["phone"],
            email=d["email"],
            roles=list(d["roles"]),
            all_warehouses=d["all_warehouses"],
            warehouse_ids=list(d["warehouses"]),
        )


class SetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to generate one."),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("What the token is for, e.g. “online shop sync”.")
    )
    scope = forms.ChoiceField(
        label=_("Scope"), choices=ApiToken.Scope.choices, initial=ApiToken.Scope.WRITE, widget=FastSelect
    )
    expires_at = forms.DateField(label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    tax_id = forms.CharField(label=_("Tax ID"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    bank_name = forms.CharField(label=_("Bank"), max_length=120, required=False)
    bank_account = forms.CharField(label=_("Bank account"), max_length=60, required=False)
    default_tax_rate = decimal_field(label=_("Default tax rate (%)"), places=2, required=True)
    prices_include_tax = forms.BooleanField(label=_("Prices include tax"), required=False)
    cost_per_warehouse = forms.BooleanField(
        label=_("Cost per warehouse"),
        required=False,
        help_text=_(
            "Off: one moving-average cost per product for the company. Can only change before the first posting."
        ),
    )

    approve_without_rule = forms.BooleanField(
        label=_("Approve on submit when no rule applies"),
        required=False,
        help_text=_("Off: every submitted document waits for someone allowed to approve it."),
    )
    receipt_tolerance_pct = decimal_field(
        label=_("Over-receipt tolerance (%)"),
        places=2,
        required=True,
        help_text=_("How much more than ordered a receipt may accept, in percent of the ordered quantity."),
    )

    def to_data(self) -> CompanyData:
        return CompanyData(**self.cleaned_data)


class AuditFilterForm(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search")}))
    action = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Action, e.g. product.changed")}),
    )


class UserFilterForm(forms.Form):
    q = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, user name, phone")})
    )
    role = forms.ChoiceField(required=False, choices=[("", _("All roles")), *ROLE_CHOICES], widget=FastSelect)
    active = forms.ChoiceField(
        required=False, choices=[("1", _("Active")), ("0", _("Deactivated")), ("", _("All"))], widget=FastSelect
    )
