"""The company record: first-start set-up and settings changes."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from jxc.accounts.models import Company, User
from jxc.accounts.services.audit import audit_record, changed, snapshot
from jxc.accounts.services.users import UserData, user_create
from jxc.core.errors import ValidationFailed


@dataclass
class CompanyData:
    """The editable company settings."""

    name: str
    tax_id: str = ""
    address: str = ""
    phone: str = ""
    bank_name: str = ""
    bank_account: str = ""
    default_tax_rate: Decimal = Decimal("13")
    prices_include_tax: bool = True
    cost_per_warehouse: bool = False
    approve_without_rule: bool = True
    receipt_tolerance_pct: Decimal = Decimal(0)


@dataclass(frozen=True)
class FirstStart:
    """What the first start created: the company, the owner, and the owner's password if generated."""

    company: Company
    owner: User | None
    password: str | None


@transaction.atomic
def company_setup(
    *, name: str | None = None, owner_username: str | None = None, owner_password: str | None = None
) -> FirstStart:
    """On first start create the company and an owner account; later calls change nothing."""
    company = Company.objects.select_for_update(of=("self",)).order_by("pk").first()
    if company is not None:
        return FirstStart(company=company, owner=None, password=None)
    with translation.override(settings.LANGUAGE_CODE):  # names stored in the product's default language
        default_name, owner_name = str(_("My company")), str(pgettext("role", "Owner"))
    company = Company.objects.create(name=name or os.environ.get("JXC_COMPANY_NAME") or default_name)
    audit_record(actor=None, action="company.created", target=company, after=snapshot(company))
    username = owner_username or os.environ.get("JXC_OWNER_USERNAME") or "owner"
    password = owner_password or os.environ.get("JXC_OWNER_PASSWORD") or None
    owner = User.objects.filter(username__iexact=username).first()
    if owner is None:
        owner, password = user_create(
            actor=None,
            data=UserData(username=username, display_name=owner_name, roles=["owner"]),
            password=password,
        )
    return FirstStart(company=company, owner=owner, password=password)


@transaction.atomic
def company_update(*, actor: User, data: CompanyData) -> Company:
    """Change the company's details and company-wide settings."""
    company = Company.objects.select_for_update(of=("self",)).order_by("pk").first()
    if company is None:
        company = Company(name=data.name)
    errors: dict[str, list[str | Promise]] = {}
    if not data.name.strip():
        errors["name"] = [_("This field is required.")]
    if not Decimal(0) <= data.default_tax_rate < Decimal(100):
        errors["default_tax_rate"] = [_("A tax rate is between 0 and 100 %.")]
    if data.receipt_tolerance_pct is None or not Decimal(0) <= data.receipt_tolerance_pct <= Decimal(100):
        errors["receipt_tolerance_pct"] = [_("The tolerance is between 0 and 100 %.")]
    if (
        data.cost_per_warehouse != company.cost_per_warehouse
        and apps.get_model("inventory", "StockMove").objects.exists()
    ):
        errors["cost_per_warehouse"] = [_("The costing scope can only be changed before anything is posted.")]
    if errors:
        raise ValidationFailed(errors)
    before = snapshot(company) if company.pk else {}
    for f in fields(CompanyData):
        value = getattr(data, f.name)
        setattr(company, f.name, value.strip() if isinstance(value, str) else value)
    company.save()
    old, new = changed(before, snapshot(company, exclude=("updated_at",)))
    if new:
        audit_record(actor=actor, action="company.changed", target=company, before=old, after=new)
    return company
