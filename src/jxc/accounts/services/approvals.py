"""The approval engine: rules by document type, condition and role; steps per submitted document; decisions.

A document's service calls `approval_request` when it is submitted (with the document's facts) and
`approval_decide` when someone approves or rejects it. Every rule that fires becomes a step that a user holding
the rule's role must approve; the document is approved when no step is left waiting. Every request and decision
is written to the audit log with the rule that fired.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.approvals import CONDITION_BY_CODE, DOCUMENT_TYPES, Fact, condition_fires, role_label
from jxc.accounts.errors import ApprovalNotPending, ApprovalRoleRequired
from jxc.accounts.models import ApprovalRule, ApprovalStatus, ApprovalStep, Company, User
from jxc.accounts.roles import ROLE_BY_CODE
from jxc.accounts.selectors import approval_steps, user_holds_role
from jxc.accounts.services.audit import audit_record, audit_set_active, changed, snapshot
from jxc.core.errors import ValidationFailed


@dataclass
class RuleData:
    """An approval rule as entered."""

    name: str
    document_type: str
    condition: str
    role: str
    threshold: Decimal = Decimal(0)
    position: int = 0
    active: bool = True


@dataclass
class ApprovalOutcome:
    """What a request or decision left: the steps still waiting, and whether the document is now approved."""

    approved: bool
    rejected: bool = False
    waiting: list[ApprovalStep] = field(default_factory=list)
    decided: list[ApprovalStep] = field(default_factory=list)


CENT = Decimal("0.01")
MAX_THRESHOLD = Decimal(10) ** 12  # what the threshold column holds (18 digits, 6 of them decimals)


def _clean_rule(data: RuleData) -> None:
    errors: dict[str, list[str | Promise]] = {}
    data.name = " ".join((data.name or "").split())
    if not data.name:
        errors["name"] = [_("This field is required.")]
    elif len(data.name) > 120:
        errors["name"] = [_("At most 120 characters.")]
    if data.document_type not in DOCUMENT_TYPES:
        errors["document_type"] = [_("Choose a document type.")]
    condition = CONDITION_BY_CODE.get(data.condition)
    if condition is None:
        errors["condition"] = [_("Choose a condition.")]
    elif data.document_type in DOCUMENT_TYPES and data.document_type not in condition.document_types:
        errors["condition"] = [_("This condition does not apply to this document type.")]
    if data.role not in ROLE_BY_CODE:
        errors["role"] = [_("Choose a role.")]
    if data.threshold is None or not data.threshold.is_finite() or data.threshold < 0:
        errors["threshold"] = [_("The threshold cannot be negative.")]
    elif data.threshold >= MAX_THRESHOLD or data.threshold != data.threshold.quantize(CENT):
        errors["threshold"] = [_("Enter a number below 1,000,000,000,000 with at most 2 decimal places.")]
    if data.position is None or data.position < 0:
        errors["position"] = [_("The order cannot be negative.")]
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def approval_rule_save(*, actor: User | None, data: RuleData, rule: ApprovalRule | None = None) -> ApprovalRule:
    """Create a rule, or change one; audited with what changed."""
    _clean_rule(data)
    before = None
    if rule is None:
        rule = ApprovalRule()
    else:  # "before" is the row as stored, not the caller's copy (which may be stale)
        rule = ApprovalRule.objects.select_for_update(of=("self",)).get(pk=rule.pk)
        before = snapshot(rule)
    for name in ("name", "document_type", "condition", "role", "threshold", "position", "active"):
        setattr(rule, name, getattr(data, name))
    rule.save()
    after = snapshot(rule, exclude=("created_at", "updated_at"))
    if before is None:
        audit_record(actor=actor, action="approval_rule.created", target=rule, after=after)
    else:
        old, new = changed(before, after)
        if new:
            audit_record(actor=actor, action="approval_rule.changed", target=rule, before=old, after=new)
    return rule


@transaction.atomic
def approval_rule_set_active(*, actor: User | None, rule: ApprovalRule, active: bool) -> ApprovalRule:
    """Switch a rule on or off (steps it already created stay as they are)."""
    rule = ApprovalRule.objects.select_for_update(of=("self",)).get(pk=rule.pk)
    return audit_set_active(rule, actor=actor, active=active, kind="approval_rule")


def _target(document_type: str, document: models.Model) -> dict[str, Any]:
    return {"target_type": document._meta.label_lower, "target_id": str(document.pk), "target_repr": str(document)}


def approval_request(
    *,
    actor: User,
    document_type: str,
    document: models.Model,
    facts: Mapping[str, Fact],
    may_approve_on_submit: bool = True,
) -> ApprovalOutcome:
    """On submit: cancel steps of earlier rounds still waiting, and add one step per active rule that fires.

    Runs in the caller's transaction. No rule fired: approved when the company lets such documents approve
    on submit (and the caller allows it), else it waits for anyone allowed to approve the document type.
    """
    number = str(document)
    earlier = ApprovalStep.objects.filter(document_type=document_type, document_id=document.pk)
    last_round = earlier.aggregate(n=Max("round"))["n"] or 0
    earlier.filter(status=ApprovalStatus.PENDING).update(status=ApprovalStatus.CANCELLED, decided_at=timezone.now())
    steps = []
    for rule in ApprovalRule.objects.filter(document_type=document_type, active=True).order_by("position", "pk"):
        condition = CONDITION_BY_CODE.get(rule.condition)
        if condition is None:
            continue
        fact = facts.get(rule.condition)
        if not condition_fires(condition, fact, rule.threshold):
            continue
        steps.append(
            ApprovalStep(
                document_type=document_type,
                document_id=document.pk,
                document_number=number[:40],
                round=last_round + 1,
                rule=rule,
                rule_name=rule.name,
                condition=rule.condition,
                threshold=rule.threshold,
                detail=(fact.detail if fact is not None else "")[:300],
                role=rule.role,
            )
        )
    company = Company.objects.order_by("pk").first()
    approved = not steps and may_approve_on_submit and (company is None or company.approve_without_rule)
    if not steps:  # the round is recorded either way: approved on submit, or waiting for any approver
        steps.append(
            ApprovalStep(
                document_type=document_type,
                document_id=document.pk,
                document_number=number[:40],
                round=last_round + 1,
                rule_name="",
                condition="",
                role="",
                status=ApprovalStatus.APPROVED if approved else ApprovalStatus.PENDING,
                decided_by=actor if approved else None,
                decided_at=timezone.now() if approved else None,
            )
        )
    ApprovalStep.objects.bulk_create(steps)
    audit_record(
        actor=actor,
        action="approval.requested",
        **_target(document_type, document),
        after={
            "document_type": document_type,
            "round": last_round + 1,
            "rules": [_step_record(s) for s in steps if s.rule_id],
            "approved_on_submit": approved,
        },
    )
    return ApprovalOutcome(approved=approved, waiting=[] if approved else steps)


def _step_record(step: ApprovalStep) -> dict[str, Any]:
    return {"rule": step.rule_id, "name": step.rule_name, "role": step.role, "reason": step.reason}


def approval_decide(
    *, actor: User, document_type: str, document: models.Model, approve: bool, comment: str = "", override: str = ""
) -> ApprovalOutcome:
    """Approve or reject the waiting steps the actor's roles allow; runs in the caller's transaction.

    A step names a role, or none (then anyone with the document type's approve permission decides it).
    Approving decides every waiting step of the actor's roles; the document is approved when none is left.
    Rejecting decides them as rejected and cancels the rest. An actor holding none of the waiting roles is refused.
    `override` names a rule the caller let the actor set aside (recorded in the audit entry).
    """
    steps = approval_steps(document_type=document_type, document_id=document.pk)
    waiting = [s for s in steps if s.status == ApprovalStatus.PENDING]
    if not waiting:
        raise ApprovalNotPending(number=str(document))
    mine = [s for s in waiting if user_holds_role(actor, s.role, document_type=document_type)]
    if not mine:
        roles = sorted({s.role for s in waiting})
        raise ApprovalRoleRequired(
            roles=", ".join(role_label(r) for r in roles),
            role_codes=roles,
            reasons=[s.reason for s in waiting],
        )
    now = timezone.now()
    comment = (comment or "").strip()[:300]
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    for step in mine:
        step.status, step.decided_by, step.decided_at, step.comment = status, actor, now, comment
        step.save(update_fields=["status", "decided_by", "decided_at", "comment"])
    left = [s for s in waiting if s not in mine]
    if not approve and left:
        ApprovalStep.objects.filter(pk__in=[s.pk for s in left]).update(status=ApprovalStatus.CANCELLED, decided_at=now)
    audit_record(
        actor=actor,
        action="approval.approved" if approve else "approval.rejected",
        **_target(document_type, document),
        after={
            "document_type": document_type,
            "comment": comment,
            "rules": [_step_record(s) for s in mine],
            "override": override or None,
        },
    )
    if not approve:
        return ApprovalOutcome(approved=False, rejected=True, decided=mine)
    return ApprovalOutcome(approved=not left, waiting=left, decided=mine)
