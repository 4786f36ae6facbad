"""Excel import and export of customers and suppliers: one column set for both ways."""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jxc.core.columns import Column
from jxc.core.errors import ValidationFailed
from jxc.core.imports import ImportField
from jxc.partners.models import CustomerClass, Partner, PriceLevel
from jxc.partners.services.partners import (
    ContactLine,
    PartnerData,
    partner_create,
    partner_data_of,
    partner_set_active,
    partner_update,
)

PARTNER_FIELDS: tuple[ImportField, ...] = (
    ImportField("code", gettext_lazy("Code"), help=gettext_lazy("Empty: numbered automatically")),
    ImportField("name", gettext_lazy("Name"), required=True),
    ImportField("is_customer", gettext_lazy("Customer"), kind="bool"),
    ImportField("is_supplier", gettext_lazy("Supplier"), kind="bool"),
    ImportField("contact_name", gettext_lazy("Contact person")),
    ImportField("phone", gettext_lazy("Phone")),
    ImportField("email", gettext_lazy("Email")),
    ImportField("address", gettext_lazy("Address")),
    ImportField("tax_id", gettext_lazy("Tax ID")),
    ImportField("bank_name", gettext_lazy("Bank")),
    ImportField("bank_account", gettext_lazy("Bank account")),
    ImportField("payment_terms_days", gettext_lazy("Payment terms (days)"), kind="int"),
    ImportField("credit_limit", gettext_lazy("Credit limit"), kind="decimal", places=2),
    ImportField(
        "price_level",
        gettext_lazy("Price level"),
        help=gettext_lazy("零售价 / 批发价 / VIP价, or retail / wholesale / vip"),
    ),
    ImportField("customer_class", gettext_lazy("Customer class")),
    ImportField("lead_time_days", gettext_lazy("Lead time (days)"), kind="int"),
    ImportField("supplier_approved", gettext_lazy("Approved supplier"), kind="bool"),
    ImportField("salesperson", gettext_lazy("Salesperson"), help=gettext_lazy("A user name")),
    ImportField(
        "contacts",
        gettext_lazy("Contacts"),
        help=format_lazy(
            "{} *王经理/销售经理/13800000000; 李会计//13900000000",
            gettext_lazy("Name/position/phone/email, separated by “;”; * marks the primary contact:"),
        ),
    ),
    ImportField("notes", gettext_lazy("Notes")),
    ImportField("active", gettext_lazy("Active"), kind="bool"),
)


def _choice(value: str, choices: Any, field: str) -> str:
    """A choice by its value or by its label in any language."""
    text = value.strip().lower()
    for choice_value, label in choices.choices:
        names = {choice_value}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(label).lower())
        if text in names:
            return str(choice_value)
    raise ValidationFailed.one(field, _("“%(value)s” is not one of the choices.") % {"value": value})


def _contacts_text(partner: Partner) -> str:
    """Contacts as 姓名/职务/电话/邮箱, separated by “;”, the primary one marked with a leading *."""
    parts = []
    for c in partner.contacts.order_by("pk"):
        fields = [("*" if c.is_primary else "") + c.name, c.position, c.phone, c.email]
        parts.append("/".join(fields).rstrip("/"))
    return "; ".join(parts)


def _parse_contacts(text: str) -> list[ContactLine]:
    """Read what _contacts_text writes; “王经理 13800000000” (name and phone) is understood too."""
    contacts = []
    for part in text.replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "/" in part:
            name, position, phone, email = ([f.strip() for f in part.split("/")] + ["", "", ""])[:4]
        else:
            words = part.split()
            phone = words[-1] if len(words) > 1 and any(ch.isdigit() for ch in words[-1]) else ""
            name, position, email = " ".join(words[:-1] if phone else words), "", ""
        primary = name.startswith("*")
        contacts.append(
            ContactLine(name=name.lstrip("*").strip(), position=position, phone=phone, email=email, is_primary=primary)
        )
    return contacts


def partner_export_columns() -> list[Column]:
    """The export columns, same headers as the import."""
    getters: dict[str, Any] = {
        "price_level": lambda p: p.get_price_level_display(),
        "customer_class": lambda p: p.get_customer_class_display(),
        "salesperson": lambda p: p.salesperson.username if p.salesperson_id else "",
        "contacts": _contacts_text,
    }
    kinds = {"decimal": "money", "int": "int", "bool": "bool", "text": "text", "date": "date"}
    return [
        Column(
            f.key, f.label, kind=kinds[f.kind], get=getters.get(f.key), width=24 if f.key in {"name", "address"} else 14
        )  # type: ignore[arg-type]
        for f in PARTNER_FIELDS
    ]


class PartnerImport:
    """Partners by code (or, without a code, always new)."""

    kind = "partners"
    title = gettext_lazy("Customers & suppliers")
    key_field = "code"
    fields = PARTNER_FIELDS

    def apply(self, values: dict[str, Any], *, actor: Any) -> Literal["created", "updated"]:
        code = values.get("code") or ""
        existing = Partner.objects.filter(code__iexact=code).first() if code else None
        data = partner_data_of(existing) if existing else PartnerData(name="")
        for key in (
            "code",
            "name",
            "contact_name",
            "phone",
            "email",
            "address",
            "tax_id",
            "bank_name",
            "bank_account",
            "notes",
        ):
            if key in values and (values[key] is not None or key != "code"):
                setattr(data, key, values[key] or "")
        for key in ("is_customer", "is_supplier", "supplier_approved"):
            if key in values and values[key] is not None:
                setattr(data, key, values[key])
        for key in ("payment_terms_days", "lead_time_days"):
            if key in values and values[key] is not None:
                setattr(data, key, values[key])
        if "credit_limit" in values:
            data.credit_limit = values["credit_limit"]
        if values.get("price_level"):
            data.price_level = _choice(values["price_level"], PriceLevel, "price_level")
        if values.get("customer_class"):
            data.customer_class = _choice(values["customer_class"], CustomerClass, "customer_class")
        if "salesperson" in values:
            name = values["salesperson"]
            user = get_user_model().objects.filter(username__iexact=name).first() if name else None
            if name and user is None:
                raise ValidationFailed.one("salesperson", _("No user “%(name)s”.") % {"name": name})
            data.salesperson_id = user.pk if user else None
        if "contacts" in values:
            data.contacts = _parse_contacts(values["contacts"] or "")
        if existing is None:
            partner = partner_create(actor=actor, data=data)
        else:
            partner = partner_update(actor=actor, partner=existing, data=data)
        if values.get("active") is not None and values["active"] != partner.active:
            partner_set_active(actor=actor, partner=partner, active=bool(values["active"]))
        return "created" if existing is None else "updated"


PARTNER_IMPORT = PartnerImport()
