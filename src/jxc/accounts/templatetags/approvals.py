"""Template filters of the approval engine: role and document type labels from their codes."""

from __future__ import annotations

from django import template

from jxc.accounts.approvals import DOCUMENT_TYPES, role_label

register = template.Library()


register.filter("role_label", role_label)


@register.filter
def document_type_label(code: str) -> str:
    """ "purchase_order" → 采购订单."""
    return str(DOCUMENT_TYPES.get(code, code))
