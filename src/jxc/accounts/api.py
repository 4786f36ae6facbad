"""API: users, roles, the caller's tokens, the audit log and company settings."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from jxc.accounts.api_approvals import router as approvals_router
from jxc.accounts.models import ApiToken, User
from jxc.accounts.roles import ALL, ROLES
from jxc.accounts.schemas import (
    AuditEntryOut,
    AuditVerifyOut,
    CompanyIn,
    CompanyOut,
    MeOut,
    RoleOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserCreatedOut,
    UserIn,
    UserOut,
)
from jxc.accounts.selectors import api_token_list, audit_list, audit_verify, company_get, user_list
from jxc.accounts.services.company import CompanyData, company_update
from jxc.accounts.services.tokens import api_token_create, api_token_revoke
from jxc.accounts.services.users import UserData, user_create, user_set_active, user_update
from jxc.core.api import Page, PageParams, paged, require
from jxc.core.columns import can_view_cost

router = Router(tags=["accounts"])
router.add_router("", approvals_router)  # /approval-rules, /approval-conditions, /approval-steps, /approvals/…


def _user_data(payload: UserIn) -> UserData:
    return UserData(**payload.dict(exclude={"password"}))


@router.get("/me", response=MeOut, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "roles": user.role_codes,
        "permissions": sorted(user.get_all_permissions()),
        "view_cost": can_view_cost(user),
    }


@router.get("/users", response=Page[UserOut], summary="List users")
def users(
    request: HttpRequest, params: Query[PageParams], q: str = "", role: str = "", active: bool | None = None
) -> dict[str, Any]:
    require(request, "accounts.view_user")
    found = user_list(q=q, role=role, active=active).prefetch_related("scoped_warehouses").order_by("username")
    return paged(found, params)


@router.post("/users", response={201: UserCreatedOut}, summary="Create a user")
def users_create(request: HttpRequest, payload: UserIn) -> Status[Any]:
    actor = require(request, "accounts.add_user")
    user, password = user_create(actor=actor, data=_user_data(payload), password=payload.password)
    return Status(201, {**UserOut.from_orm(user).dict(), "password": password})


@router.get("/users/{user_id}", response=UserOut, summary="Get a user")
def users_get(request: HttpRequest, user_id: int) -> User:
    require(request, "accounts.view_user")
    return get_object_or_404(User.objects.prefetch_related("groups", "scoped_warehouses"), pk=user_id)


@router.put("/users/{user_id}", response=UserOut, summary="Change a user")
def users_update(request: HttpRequest, user_id: int, payload: UserIn) -> User:
    actor = require(request, "accounts.change_user")
    user = get_object_or_404(User, pk=user_id)
    return user_update(actor=actor, user=user, data=_user_data(payload))


@router.post("/users/{user_id}/deactivate", response=UserOut, summary="Deactivate a user")
def users_deactivate(request: HttpRequest, user_id: int) -> User:
    actor = require(request, "accounts.change_user")
    return user_set_active(actor=actor, user=get_object_or_404(User, pk=user_id), active=False)


@router.post("/users/{user_id}/activate", response=UserOut, summary="Activate a user")
def users_activate(request: HttpRequest, user_id: int) -> User:
    actor = require(request, "accounts.change_user")
    return user_set_active(actor=actor, user=get_object_or_404(User, pk=user_id), active=True)


@router.get("/roles", response=list[RoleOut], summary="List the built-in roles")
def roles(request: HttpRequest) -> list[dict[str, Any]]:
    require(request, "accounts.view_user")
    return [
        {
            "code": r.code,
            "label": str(r.label),
            "description": str(r.description),
            "permissions": ["*"] if ALL in r.permissions else list(r.permissions),
        }
        for r in ROLES
    ]


@router.get("/tokens", response=list[TokenOut], summary="List my API tokens")
def tokens(request: HttpRequest) -> Any:
    return list(api_token_list(user=request.auth))  # type: ignore[attr-defined]


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create an API token (shown once)")
def tokens_create(request: HttpRequest, payload: TokenIn) -> Status[Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    token, raw = api_token_create(
        actor=user, user=user, name=payload.name, scope=payload.scope, expires_at=payload.expires_at
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="Revoke an API token")
def tokens_revoke(request: HttpRequest, token_id: int) -> ApiToken:
    user: User = request.auth  # type: ignore[attr-defined]
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    return api_token_revoke(actor=user, token=token)


@router.get("/audit-entries", response=Page[AuditEntryOut], summary="List audit log entries")
def audit_entries(
    request: HttpRequest,
    params: Query[PageParams],
    q: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
) -> dict[str, Any]:
    require(request, "accounts.view_auditentry")
    return paged(audit_list(q=q, action=action, target_type=target_type, target_id=target_id), params)


@router.get("/audit-entries/verify", response=AuditVerifyOut, summary="Verify the audit hash chain")
def audit_entries_verify(request: HttpRequest) -> dict[str, Any]:
    require(request, "accounts.view_auditentry")
    count, problems = audit_verify()
    return {"entries": count, "ok": not problems, "problems": [str(p) for p in problems]}


@router.get("/company", response=CompanyOut, summary="Company settings")
def company(request: HttpRequest) -> Any:
    return company_get()


@router.put("/company", response=CompanyOut, summary="Change company settings")
def company_put(request: HttpRequest, payload: CompanyIn) -> Any:
    actor = require(request, "accounts.manage_settings")
    return company_update(actor=actor, data=CompanyData(**payload.dict()))
