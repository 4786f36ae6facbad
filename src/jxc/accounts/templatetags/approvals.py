"""Template filters of the approval engine: role and document type labels from their codes."""

from __future__ import annotations

from django import template

from jxc.accounts.approvals import ANYONE, DOCUMENT_TYPES
from jxc.accounts.roles import ROLE_BY_CODE

register = template.Library()


@register.filter
def role_label(code: str) -> str:
    """ "accountant" → 会计; a step without a role → "anyone allowed to approve"."""
    if not code:
        return str(ANYONE)
    role = ROLE_BY_CODE.get(code)
    return str(role.label) if role is not None else code


@register.filter
def document_type_label(code: str) -> str:
    """ "purchase_order" → 采购订单."""
    return str(DOCUMENT_TYPES.get(code, code))
