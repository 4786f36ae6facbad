"""Reads of users, tokens, the audit log and approval steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet

from jxc.accounts.approvals import APPROVE_PERMISSION
from jxc.accounts.models import (
    ApiToken,
    ApprovalRule,
    ApprovalStatus,
    ApprovalStep,
    AuditEntry,
    AuditHead,
    Company,
    User,
)


def company_get() -> Company:
    """The company record (created at first start)."""
    company = Company.objects.order_by("pk").first()
    if company is None:
        return Company(name="JXC")
    return company


def user_list(*, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    """Users filtered by a search text, a role code and whether they are active."""
    users = User.objects.prefetch_related("groups")
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(display_name__icontains=q) | Q(phone__icontains=q) | Q(email__icontains=q)
        )
    if role:
        users = users.filter(groups__name=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """A user's tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def audit_list(
    *, q: str = "", action: str = "", target_type: str = "", target_id: str = "", actor_id: int | None = None
) -> QuerySet[AuditEntry]:
    """Audit entries filtered by text, action, record and user; newest first by default."""
    entries = AuditEntry.objects.all()
    if q:
        entries = entries.filter(Q(target_repr__icontains=q) | Q(action__icontains=q) | Q(actor_name__icontains=q))
    if action:
        entries = entries.filter(action=action)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id:
        entries = entries.filter(target_id=target_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    return entries.order_by("-seq")


@dataclass(frozen=True)
class AuditProblem:
    """One break in the audit chain."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"#{self.seq}: {self.problem}"


def audit_verify() -> tuple[int, list[AuditProblem]]:
    """Walk the whole chain; report every entry that was edited, removed or inserted out of order."""
    problems: list[AuditProblem] = []
    expected_seq = 1
    prev_hash = "0" * 64
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if entry.seq != expected_seq:
            problems.append(
                AuditProblem(expected_seq, f"entries #{expected_seq}–#{entry.seq - 1} are missing (deleted)")
                if entry.seq > expected_seq
                else AuditProblem(entry.seq, "sequence number repeated")
            )
        if entry.prev_hash != prev_hash:
            problems.append(AuditProblem(entry.seq, "does not link to the entry before it"))
        if entry.compute_hash() != entry.hash:
            problems.append(AuditProblem(entry.seq, "content was changed after it was recorded"))
        prev_hash = entry.hash
        expected_seq = entry.seq + 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq = head.seq if head else 0
    head_hash = head.hash if head else "0" * 64
    if head_seq != expected_seq - 1 or head_hash != prev_hash:
        problems.append(
            AuditProblem(
                head_seq, f"the chain ends at #{expected_seq - 1} but the head records #{head_seq} (deleted tail)"
            )
        )
    return count, problems


def audit_trail(*, target: Any) -> QuerySet[AuditEntry]:
    """The audit entries of one record, newest first."""
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).order_by("-seq")


def approval_steps(*, document_type: str, document_id: int) -> list[ApprovalStep]:
    """The steps of a document's latest round, in rule order."""
    steps = ApprovalStep.objects.filter(document_type=document_type, document_id=document_id)
    last_round = steps.aggregate(n=Max("round"))["n"]
    if last_round is None:
        return []
    return list(steps.filter(round=last_round).select_related("decided_by").order_by("pk"))


def user_holds_role(user: User, role: str, *, document_type: str = "") -> bool:
    """True when the user may decide a step for this role: holding the role (an owner holds every role); for a
    step without a role, holding the permission to approve documents of the type."""
    if not role:
        permission = APPROVE_PERMISSION.get(document_type)
        return permission is not None and user.has_perm(permission)
    codes = set(user.groups.values_list("name", flat=True))
    return role in codes or "owner" in codes


def approval_rule_list(*, document_type: str = "", active: bool | None = None) -> QuerySet[ApprovalRule]:
    """The approval rules, by document type and order."""
    rules = ApprovalRule.objects.all()
    if document_type:
        rules = rules.filter(document_type=document_type)
    if active is not None:
        rules = rules.filter(active=active)
    return rules.order_by("document_type", "position", "pk")


def approvals_waiting_for(*, user: User) -> QuerySet[ApprovalStep]:
    """Steps waiting for a decision that this user's roles allow (an owner: all of them), oldest first."""
    steps = ApprovalStep.objects.filter(status=ApprovalStatus.PENDING)
    codes = set(user.groups.values_list("name", flat=True))
    if "owner" not in codes:
        types = [t for t, permission in APPROVE_PERMISSION.items() if user.has_perm(permission)]
        steps = steps.filter(Q(role__in=codes) | Q(role="", document_type__in=types))
    return steps.order_by("created_at", "pk")


def include_tax_default(value: bool | None) -> bool:
    """Whether a document's prices include tax: as given, else the company setting."""
    if value is not None:
        return value
    company = Company.objects.order_by("pk").only("prices_include_tax").first()
    return company.prices_include_tax if company is not None else True
