"""Customers and suppliers: create, change, deactivate; contacts kept with the partner."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.models import User
from jxc.accounts.services.audit import audit_record, audit_set_active, changed, snapshot
from jxc.core.errors import Duplicate, ValidationFailed
from jxc.core.sequences import code_next
from jxc.core.text import mnemonic_of
from jxc.partners.models import Contact, CustomerClass, Partner, PriceLevel, SupplierClass

CODE_RE = re.compile(r"^[^\s]{1,30}$")


@dataclass
class ContactLine:
    """A contact person at the partner."""

    name: str
    position: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = False


@dataclass
class PartnerData:
    """A partner as entered; an empty code is filled from the C…/S… series."""

    name: str
    is_customer: bool = False
    is_supplier: bool = False
    code: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    tax_id: str = ""
    bank_name: str = ""
    bank_account: str = ""
    payment_terms_days: int = 0
    credit_limit: Decimal | None = None
    price_level: str = PriceLevel.RETAIL
    customer_class: str = CustomerClass.NEW
    lead_time_days: int = 0
    supplier_approved: bool = True
    supplier_class: str = ""
    supplier_rating: int | None = None
    salesperson_id: int | None = None
    notes: str = ""
    contacts: list[ContactLine] = field(default_factory=list)


PLAIN_FIELDS = (
    "name",
    "is_customer",
    "is_supplier",
    "contact_name",
    "phone",
    "email",
    "address",
    "tax_id",
    "bank_name",
    "bank_account",
    "payment_terms_days",
    "credit_limit",
    "price_level",
    "customer_class",
    "lead_time_days",
    "supplier_approved",
    "supplier_class",
    "supplier_rating",
    "salesperson_id",
    "notes",
)


def partner_state(partner: Partner) -> dict[str, Any]:
    """The partner with its contacts, as recorded in the audit log."""
    state = snapshot(partner, exclude=("created_at", "updated_at"))
    state["contacts"] = [[c.name, c.position, c.phone, c.email, c.is_primary] for c in partner.contacts.order_by("pk")]
    return state


def partner_data_of(partner: Partner) -> PartnerData:
    """The stored partner as PartnerData, the starting point of a partial change."""
    return PartnerData(
        code=partner.code,
        **{f: getattr(partner, f) for f in PLAIN_FIELDS},
        contacts=[
            ContactLine(c.name, c.position, c.phone, c.email, c.is_primary) for c in partner.contacts.order_by("pk")
        ],
    )


def _clean(data: PartnerData, *, partner: Partner | None) -> None:
    errors: dict[str, list[str | Promise]] = {}

    def add(key: str, message: str | Promise) -> None:
        errors.setdefault(key, []).append(message)

    for name in ("name", "code", "contact_name", "phone", "email", "address", "tax_id", "bank_name", "bank_account"):
        setattr(data, name, (getattr(data, name) or "").strip())
    data.name = " ".join(data.name.split())
    if not data.name:
        add("name", _("This field is required."))
    if data.code and not CODE_RE.match(data.code):
        add("code", _("A code has at most 30 characters and no spaces."))
    if not data.is_customer and not data.is_supplier:
        add("is_customer", _("Tick customer, supplier or both."))
    if data.email:
        try:
            validate_email(data.email)
        except DjangoValidationError:
            add("email", _("Enter a valid email address."))
    if data.payment_terms_days < 0 or data.payment_terms_days > 3650:
        add("payment_terms_days", _("Between 0 and 3650 days."))
    if data.lead_time_days < 0 or data.lead_time_days > 3650:
        add("lead_time_days", _("Between 0 and 3650 days."))
    if data.credit_limit is not None and data.credit_limit < 0:
        add("credit_limit", _("A credit limit cannot be negative."))
    if data.supplier_class not in {"", *SupplierClass.values}:
        add("supplier_class", _("Choose A, B or C."))
    if data.supplier_rating is not None and not 1 <= data.supplier_rating <= 5:
        add("supplier_rating", _("A rating is from 1 to 5."))
    if data.price_level not in PriceLevel.values:
        add("price_level", _("Choose a price level."))
    if data.customer_class not in CustomerClass.values:
        add("customer_class", _("Choose a customer class."))
    if data.salesperson_id is not None and not get_user_model().objects.filter(pk=data.salesperson_id).exists():
        add("salesperson_id", _("Unknown user."))
    for i, contact in enumerate(data.contacts):
        contact.name = " ".join((contact.name or "").split())
        contact.email = (contact.email or "").strip()
        if not contact.name:
            add(f"contacts.{i}.name", _("This field is required."))
        if contact.email:
            try:
                validate_email(contact.email)
            except DjangoValidationError:
                add(f"contacts.{i}.email", _("Enter a valid email address."))
    if errors:
        raise ValidationFailed(errors)
    if data.code:
        clash = Partner.objects.filter(code__iexact=data.code)
        if partner is not None:
            clash = clash.exclude(pk=partner.pk)
        if clash.exists():
            raise Duplicate(field="code", label=_("Code"), value=data.code)


def _write(partner: Partner, data: PartnerData) -> None:
    for name in PLAIN_FIELDS:
        setattr(partner, name, getattr(data, name))
    if not data.code:
        data.code = _next_free_code("C" if data.is_customer else "S")
    partner.code = data.code
    partner.mnemonic = mnemonic_of(partner.name)
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as error:
        raise Duplicate(field="code", label=_("Code"), value=data.code) from error
    partner.contacts.all().delete()
    Contact.objects.bulk_create(
        [
            Contact(
                partner=partner, name=c.name, position=c.position, phone=c.phone, email=c.email, is_primary=c.is_primary
            )
            for c in data.contacts
        ]
    )


def _next_free_code(series: str) -> str:
    while True:
        code = code_next(series=series)
        if not Partner.objects.filter(code__iexact=code).exists():
            return code


@transaction.atomic
def partner_create(*, actor: User | None, data: PartnerData) -> Partner:
    """Create a customer and/or supplier with its contacts."""
    _clean(data, partner=None)
    partner = Partner()
    _write(partner, data)
    audit_record(actor=actor, action="partner.created", target=partner, after=partner_state(partner))
    return partner


@transaction.atomic
def partner_update(*, actor: User | None, partner: Partner, data: PartnerData) -> Partner:
    """Change a partner and its contacts."""
    partner = Partner.objects.select_for_update(of=("self",)).get(pk=partner.pk)
    _clean(data, partner=partner)
    if not data.code:
        data.code = partner.code
    before = partner_state(partner)
    _write(partner, data)
    old, new = changed(before, partner_state(partner))
    if new:
        audit_record(actor=actor, action="partner.changed", target=partner, before=old, after=new)
    return partner


@transaction.atomic
def partner_set_active(*, actor: User | None, partner: Partner, active: bool) -> Partner:
    """Deactivate a partner (kept for history, not offered for new documents) or reactivate it."""
    partner = Partner.objects.select_for_update(of=("self",)).get(pk=partner.pk)
    return audit_set_active(partner, actor=actor, active=active, kind="partner")
