"""Reads of users, tokens and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from jxc.accounts.models import ApiToken, AuditEntry, AuditHead, Company, User


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
