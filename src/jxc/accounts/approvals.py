"""The approval engine's vocabulary: the document types it serves and the conditions a rule can test.

The calling service measures a document and hands the engine its facts, one per condition code: a number
(compared with the rule's threshold) or a flag, with a detail that tells the approver why. The engine never
reads documents itself, so purchasing, sales and finance share it without it knowing any of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jxc.accounts.roles import ROLE_BY_CODE

AMOUNT = "amount"
PERCENT = "percent"
FLAG = "flag"


@dataclass(frozen=True)
class Condition:
    """What a rule can test: its code, its label, what its threshold means, and the document types it fits."""

    code: str
    label: str | Promise
    kind: str
    document_types: tuple[str, ...]


@dataclass(frozen=True)
class Fact:
    """One measurement of a document for a condition: a number or a flag, and what it is about."""

    value: Decimal | bool
    detail: str = ""


PURCHASE_ORDER = "purchase_order"
SALES_ORDER = "sales_order"
WRITE_OFF = "write_off"

DOCUMENT_TYPES: dict[str, str | Promise] = {
    PURCHASE_ORDER: _("purchase order"),
    SALES_ORDER: _("sales order"),
    WRITE_OFF: _("write-off"),
}

ANYONE = _("anyone allowed to approve")

# Who may approve a document of the type when no rule names a role (the permission of the document's app).
APPROVE_PERMISSION: dict[str, str] = {
    PURCHASE_ORDER: "purchasing.approve_purchaseorder",
    SALES_ORDER: "sales.approve_salesorder",
    WRITE_OFF: "finance.approve_writeoff",
}

CONDITIONS: tuple[Condition, ...] = (
    Condition("always", _("every document"), FLAG, (PURCHASE_ORDER, SALES_ORDER, WRITE_OFF)),
    Condition("total_above", _("total above"), AMOUNT, (PURCHASE_ORDER, SALES_ORDER, WRITE_OFF)),
    Condition("price_above_last", _("a price above the last price by more than"), PERCENT, (PURCHASE_ORDER,)),
    Condition("supplier_not_approved", _("the supplier is not approved"), FLAG, (PURCHASE_ORDER,)),
    Condition("discount_above", _("a discount above"), PERCENT, (SALES_ORDER,)),
    Condition("price_below_floor", _("a price below the product's minimum price"), FLAG, (SALES_ORDER,)),
    Condition("price_below_cost", _("a price below cost"), FLAG, (SALES_ORDER,)),
    Condition("over_credit_limit", _("the customer is over the credit limit"), FLAG, (SALES_ORDER,)),
    Condition("overdue_receivables", _("the customer has overdue receivables"), FLAG, (SALES_ORDER,)),
)
CONDITION_BY_CODE = {c.code: c for c in CONDITIONS}


def role_label(code: str) -> str:
    """The label of a step's role ("accountant" → 会计); a step without one: anyone allowed to approve."""
    if not code:
        return str(ANYONE)
    role = ROLE_BY_CODE.get(code)
    return str(role.label) if role is not None else code


def condition_fires(condition: Condition, fact: Fact | None, threshold: Decimal) -> bool:
    """True when the document meets the condition: a number above the threshold, or a flag that is set."""
    if condition.code == "always":
        return True
    if fact is None:
        return False
    if condition.kind == FLAG:
        return bool(fact.value)
    return not isinstance(fact.value, bool) and fact.value > threshold


def condition_text(condition: Condition, threshold: Decimal) -> str:
    """The rule's condition as a person reads it: "total above 10000", "discount above 15%"."""
    if condition.kind == AMOUNT:
        return f"{condition.label} {threshold.normalize():f}"
    if condition.kind == PERCENT:
        return f"{condition.label} {threshold.normalize():f}%"
    return str(condition.label)
