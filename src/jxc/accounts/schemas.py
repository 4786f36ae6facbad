"""API shapes of users, roles, tokens, the audit log and the company."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class UserIn(Schema):
    username: str = Field(max_length=150)
    display_name: str = ""
    phone: str = ""
    email: str = ""
    roles: list[str] = []
    all_warehouses: bool = True
    warehouse_ids: list[int] = []
    password: str | None = Field(None, description="Leave out to have one generated (returned once).")


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    phone: str
    email: str
    roles: list[str]
    all_warehouses: bool
    warehouse_ids: list[int]
    is_active: bool
    last_login: datetime | None

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:
        return sorted(g.name for g in obj.groups.all())

    @staticmethod
    def resolve_warehouse_ids(obj: Any) -> list[int]:
        return sorted(w.pk for w in obj.scoped_warehouses.all())


class UserCreatedOut(UserOut):
    password: str


class RoleOut(Schema):
    code: str
    label: str
    description: str
    permissions: list[str]


class TokenIn(Schema):
    name: str = Field(max_length=80)
    scope: str = "write"
    expires_at: datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself, shown only in this response.")


class AuditEntryOut(Schema):
    seq: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str | None
    prev_hash: str
    hash: str


class AuditVerifyOut(Schema):
    entries: int
    ok: bool
    problems: list[str]


class CompanyIn(Schema):
    name: str
    tax_id: str = ""
    address: str = ""
    phone: str = ""
    bank_name: str = ""
    bank_account: str = ""
    default_tax_rate: Decimal = Decimal(13)
    prices_include_tax: bool = True
    cost_per_warehouse: bool = False
    approve_without_rule: bool = True
    receipt_tolerance_pct: Decimal = Decimal(0)


class CompanyOut(CompanyIn):
    id: int


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    permissions: list[str]
    view_cost: bool
