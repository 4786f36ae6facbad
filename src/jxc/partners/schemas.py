"""API shapes of customers and suppliers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema


class ContactIn(Schema):
    name: str
    position: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = False


class ContactOut(ContactIn):
    id: int


class PartnerIn(Schema):
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
    price_level: str = "retail"
    customer_class: str = "new"
    lead_time_days: int = 0
    supplier_approved: bool = True
    supplier_class: str = ""
    supplier_rating: int | None = None
    salesperson_id: int | None = None
    notes: str = ""
    contacts: list[ContactIn] = []


class PartnerPatch(Schema):
    name: str | None = None
    is_customer: bool | None = None
    is_supplier: bool | None = None
    code: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    tax_id: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    payment_terms_days: int | None = None
    credit_limit: Decimal | None = None
    price_level: str | None = None
    customer_class: str | None = None
    lead_time_days: int | None = None
    supplier_approved: bool | None = None
    supplier_class: str | None = None
    supplier_rating: int | None = None
    salesperson_id: int | None = None
    notes: str | None = None
    contacts: list[ContactIn] | None = None


class PartnerOut(Schema):
    id: int
    code: str
    name: str
    mnemonic: str
    is_customer: bool
    is_supplier: bool
    contact_name: str
    phone: str
    email: str
    address: str
    tax_id: str
    bank_name: str
    bank_account: str
    payment_terms_days: int
    credit_limit: Decimal | None
    price_level: str
    customer_class: str
    lead_time_days: int
    supplier_approved: bool
    supplier_class: str
    supplier_rating: int | None
    salesperson_id: int | None
    notes: str
    active: bool
    contacts: list[ContactOut]
    created_at: datetime
    updated_at: datetime
