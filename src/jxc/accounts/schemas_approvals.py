"""API shapes of the approval engine: rules, the condition catalogue, and the steps of documents."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from jxc.accounts.approvals import ANYONE, CONDITION_BY_CODE, DOCUMENT_TYPES, condition_text
from jxc.accounts.roles import ROLE_BY_CODE


def _role_label(code: str) -> str:
    role = ROLE_BY_CODE.get(code)
    return str(role.label) if role is not None else (code or str(ANYONE))


class ApprovalRuleIn(Schema):
    name: str = Field(max_length=120)
    document_type: str = Field(description="One of the document types of GET /approval-conditions.")
    condition: str = Field(description="A condition code that fits the document type.")
    threshold: Decimal = Field(
        Decimal(0), description="Yuan for an amount condition, percent for a percent one; ignored for a flag."
    )
    role: str = Field(description="The code of the role that must approve (see GET /roles).")
    position: int = Field(0, description="Order among the rules of the document type, smallest first.")
    active: bool | None = Field(None, description="Leave out to keep it as it is (a new rule is active).")


class ApprovalRuleOut(Schema):
    id: int
    name: str
    document_type: str
    document_type_label: str
    condition: str
    condition_label: str
    condition_kind: str
    condition_text: str = Field(description="The condition as a person reads it, e.g. “total above 10000”.")
    threshold: Decimal
    role: str
    role_label: str
    active: bool
    position: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_document_type_label(obj: Any) -> str:
        return str(DOCUMENT_TYPES.get(obj.document_type, obj.document_type))

    @staticmethod
    def resolve_condition_label(obj: Any) -> str:
        condition = CONDITION_BY_CODE.get(obj.condition)
        return str(condition.label) if condition is not None else obj.condition

    @staticmethod
    def resolve_condition_kind(obj: Any) -> str:
        condition = CONDITION_BY_CODE.get(obj.condition)
        return condition.kind if condition is not None else ""

    @staticmethod
    def resolve_condition_text(obj: Any) -> str:
        condition = CONDITION_BY_CODE.get(obj.condition)
        return condition_text(condition, obj.threshold) if condition is not None else obj.condition

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return _role_label(obj.role)


class DocumentTypeOut(Schema):
    code: str
    label: str


class ApprovalConditionOut(Schema):
    code: str
    label: str
    kind: str = Field(description="amount (threshold in yuan), percent (threshold in %) or flag (no threshold).")
    unit: str = Field(description="The threshold's unit: ¥, % or empty for a flag.")
    document_types: list[DocumentTypeOut] = Field(description="The document types the condition fits.")


class ApprovalStepOut(Schema):
    id: int
    document_type: str
    document_type_label: str
    document_id: int
    document_number: str
    round: int
    rule_id: int | None
    rule_name: str
    condition: str
    reason: str = Field(description="Why the step is needed: the rule's condition and what the document showed.")
    role: str = Field(description="The role that must approve; empty: anyone allowed to approve the document type.")
    role_label: str
    status: str
    status_label: str
    decided_by_id: int | None
    decided_by_name: str
    decided_at: datetime | None
    comment: str
    created_at: datetime

    @staticmethod
    def resolve_document_type_label(obj: Any) -> str:
        return str(DOCUMENT_TYPES.get(obj.document_type, obj.document_type))

    @staticmethod
    def resolve_role_label(obj: Any) -> str:
        return _role_label(obj.role)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_decided_by_name(obj: Any) -> str:
        user = obj.decided_by
        return (user.display_name or user.username) if user is not None else ""
