"""API of the approval engine: rules (read by anyone logged in, changed with accounts.manage_settings), the
catalogue of conditions, the steps of a document, and the steps waiting for the caller."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from jxc.accounts.approvals import (
    AMOUNT,
    CONDITIONS,
    DOCUMENT_TYPES,
    PERCENT,
    PURCHASE_ORDER,
    SALES_ORDER,
    WRITE_OFF,
)
from jxc.accounts.models import ApprovalRule, ApprovalStep, User
from jxc.accounts.schemas_approvals import ApprovalConditionOut, ApprovalRuleIn, ApprovalRuleOut, ApprovalStepOut
from jxc.accounts.selectors import approval_rule_list, approval_steps, approvals_waiting_for, user_holds_role
from jxc.accounts.services.approvals import RuleData, approval_rule_save, approval_rule_set_active
from jxc.core.api import Page, PageParams, paged, require
from jxc.core.errors import Forbidden, ValidationFailed

router = Router(tags=["approvals"])

MANAGE = "accounts.manage_settings"
# Who may read a document's steps: whoever may see documents of the type (or decide one of its steps).
VIEW_PERMISSION = {
    PURCHASE_ORDER: "purchasing.view_purchaseorder",
    SALES_ORDER: "sales.view_salesorder",
    WRITE_OFF: "finance.view_writeoff",
}
UNITS = {AMOUNT: "¥", PERCENT: "%"}


def _rule_data(payload: ApprovalRuleIn, rule: ApprovalRule | None) -> RuleData:
    active = payload.active if payload.active is not None else (rule.active if rule is not None else True)
    return RuleData(
        name=payload.name,
        document_type=payload.document_type,
        condition=payload.condition,
        role=payload.role,
        threshold=payload.threshold,
        position=payload.position,
        active=active,
    )


@router.get("/approval-rules", response=Page[ApprovalRuleOut], summary="List approval rules")
def approval_rules(
    request: HttpRequest, params: Query[PageParams], document_type: str = "", active: bool | None = None
) -> dict[str, Any]:
    return paged(approval_rule_list(document_type=document_type, active=active), params)


@router.post("/approval-rules", response={201: ApprovalRuleOut}, summary="Create an approval rule")
def approval_rules_create(request: HttpRequest, payload: ApprovalRuleIn) -> Status[Any]:
    actor = require(request, MANAGE)
    return Status(201, approval_rule_save(actor=actor, data=_rule_data(payload, None)))


@router.get("/approval-rules/{rule_id}", response=ApprovalRuleOut, summary="Get an approval rule")
def approval_rules_get(request: HttpRequest, rule_id: int) -> ApprovalRule:
    return get_object_or_404(ApprovalRule, pk=rule_id)


@router.put("/approval-rules/{rule_id}", response=ApprovalRuleOut, summary="Change an approval rule")
def approval_rules_update(request: HttpRequest, rule_id: int, payload: ApprovalRuleIn) -> ApprovalRule:
    actor = require(request, MANAGE)
    rule = get_object_or_404(ApprovalRule, pk=rule_id)
    return approval_rule_save(actor=actor, data=_rule_data(payload, rule), rule=rule)


@router.post("/approval-rules/{rule_id}/activate", response=ApprovalRuleOut, summary="Activate an approval rule")
def approval_rules_activate(request: HttpRequest, rule_id: int) -> ApprovalRule:
    actor = require(request, MANAGE)
    return approval_rule_set_active(actor=actor, rule=get_object_or_404(ApprovalRule, pk=rule_id), active=True)


@router.post("/approval-rules/{rule_id}/deactivate", response=ApprovalRuleOut, summary="Deactivate an approval rule")
def approval_rules_deactivate(request: HttpRequest, rule_id: int) -> ApprovalRule:
    actor = require(request, MANAGE)
    return approval_rule_set_active(actor=actor, rule=get_object_or_404(ApprovalRule, pk=rule_id), active=False)


@router.get(
    "/approval-conditions", response=list[ApprovalConditionOut], summary="The conditions an approval rule can test"
)
def approval_conditions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": c.code,
            "label": str(c.label),
            "kind": c.kind,
            "unit": UNITS.get(c.kind, ""),
            "document_types": [{"code": t, "label": str(DOCUMENT_TYPES.get(t, t))} for t in c.document_types],
        }
        for c in CONDITIONS
    ]


@router.get("/approval-steps", response=list[ApprovalStepOut], summary="The approval steps of a document")
def approval_steps_of(request: HttpRequest, document_type: str, document_id: int) -> list[ApprovalStep]:
    """The latest round of the document's steps, in rule order (empty when it was never submitted)."""
    if document_type not in DOCUMENT_TYPES:
        raise ValidationFailed.one("document_type", _("Choose a document type."))
    user: User = getattr(request, "auth", None) or request.user  # type: ignore[assignment]
    steps = approval_steps(document_type=document_type, document_id=document_id)
    permission = VIEW_PERMISSION[document_type]
    if not user.has_perm(permission) and not any(
        user_holds_role(user, s.role, document_type=document_type) for s in steps
    ):
        raise Forbidden(missing=[permission])
    return steps


@router.get("/approvals/waiting", response=Page[ApprovalStepOut], summary="Approval steps waiting for me")
def approvals_waiting(request: HttpRequest, params: Query[PageParams], document_type: str = "") -> dict[str, Any]:
    """Steps waiting for a decision that the caller's roles allow (an owner: all of them), oldest first."""
    user: User = getattr(request, "auth", None) or request.user  # type: ignore[assignment]
    steps = approvals_waiting_for(user=user).select_related("decided_by")
    if document_type:
        steps = steps.filter(document_type=document_type)
    return paged(steps, params)
