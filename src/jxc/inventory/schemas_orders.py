"""API shapes shared by the orders under review (purchase and sales orders): their approval steps and the bodies
of the reject / close / void and approve actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from jxc.accounts.selectors import approval_steps


class ApprovalStepOut(Schema):
    rule_id: int | None
    rule: str
    condition: str
    reason: str
    role: str = Field(description="Role code; empty: anyone allowed to approve this document type")
    status: str
    decided_by: str | None
    decided_at: dt.datetime | None
    comment: str


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class CommentIn(Schema):
    comment: str = Field("", max_length=300)


def approvals_out(*, document_type: str, document_id: int) -> list[dict[str, Any]]:
    """The steps of the document's latest review round as the API shows them (ApprovalStepOut)."""
    return [
        {
            "rule_id": step.rule_id,
            "rule": step.rule_name,
            "condition": step.condition,
            "reason": step.reason,
            "role": step.role,
            "status": step.status,
            "decided_by": str(step.decided_by) if step.decided_by else None,
            "decided_at": step.decided_at,
            "comment": step.comment,
        }
        for step in approval_steps(document_type=document_type, document_id=document_id)
    ]
