"""Pages of the approval rules engine (审批规则): the rules by document type, a rule's form, activate/deactivate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jxc.accounts.approvals import (
    AMOUNT,
    ANYONE,
    CONDITION_BY_CODE,
    DOCUMENT_TYPES,
    PERCENT,
    PURCHASE_ORDER,
    SALES_ORDER,
    condition_text,
)
from jxc.accounts.forms_approvals import CONDITION_REGION, ApprovalRuleForm
from jxc.accounts.models import ApprovalRule, User
from jxc.accounts.roles import ROLE_BY_CODE
from jxc.accounts.selectors import approval_rule_list, approvals_waiting_for, audit_trail, company_get
from jxc.accounts.services.approvals import approval_rule_save, approval_rule_set_active
from jxc.core.actions import set_active_response
from jxc.core.display import money
from jxc.core.errors import DomainError
from jxc.core.forms import apply_error
from jxc.core.htmx import render_page

MANAGE = "accounts.manage_settings"
FORM_FIELDS = ("name", "document_type", "condition", "threshold", "role", "position")
# The page of a document, by type (URL names of the apps that own the documents; a page not built yet: no link).
DOCUMENT_PAGES = {PURCHASE_ORDER: "purchasing:order_detail", SALES_ORDER: "sales:order_detail"}
WAITING_ON_HOME = 10


def rule_row(rule: ApprovalRule) -> dict[str, Any]:
    """A rule as the list shows it: its condition in words, the threshold with its unit, the role's label."""
    condition = CONDITION_BY_CODE.get(rule.condition)
    threshold = ""
    if condition is not None and condition.kind == AMOUNT:
        threshold = f"¥{money(rule.threshold)}"
    elif condition is not None and condition.kind == PERCENT:
        threshold = f"{rule.threshold.normalize():f}%"
    role = ROLE_BY_CODE.get(rule.role)
    return {
        "rule": rule,
        "condition": condition_text(condition, rule.threshold) if condition is not None else rule.condition,
        "threshold": threshold,
        "role": role.label if role is not None else rule.role,
    }


@permission_required(MANAGE, raise_exception=True)
def approval_rule_list_view(request: HttpRequest) -> HttpResponse:
    """The rules grouped by document type, with how the engine decides."""
    rules = list(approval_rule_list())
    groups = [
        {"code": code, "label": label, "rules": [rule_row(r) for r in rules if r.document_type == code]}
        for code, label in DOCUMENT_TYPES.items()
    ]
    context = {"groups": groups, "approve_without_rule": company_get().approve_without_rule}
    return render(request, "accounts/approval_rule_list.html", context)


def _next_position() -> int:
    last = ApprovalRule.objects.aggregate(n=Max("position"))["n"]
    return 10 if last is None else last + 10


def _rule_form(request: HttpRequest, rule: ApprovalRule | None) -> HttpResponse:
    """Create or change a rule; changing the document type or condition refreshes their region (htmx)."""
    url = request.path
    if request.method == "POST":
        form = ApprovalRuleForm(request.POST, refresh_url=url)
        if form.is_valid():
            try:
                saved = approval_rule_save(
                    actor=request.user,  # type: ignore[arg-type]
                    data=form.to_data(active=rule.active if rule is not None else True),
                    rule=rule,
                )
            except DomainError as error:
                apply_error(error, form)
            else:
                messages.success(request, _("Saved."))
                return redirect(f"{reverse('accounts:approval_rule_list')}#rule-{saved.pk}")
    else:
        if rule is not None:
            initial = ApprovalRuleForm.initial_for(rule)
        else:
            document_type = request.GET.get("document_type", "")
            initial = {
                "document_type": document_type if document_type in DOCUMENT_TYPES else PURCHASE_ORDER,
                "condition": "total_above",  # the most common rule; it fits every document type
                "position": _next_position(),
                "threshold": 0,
            }
        initial.update({k: request.GET[k] for k in FORM_FIELDS if k in request.GET})
        form = ApprovalRuleForm(initial=initial, refresh_url=url)
    context = {
        "form": form,
        "subject": rule,
        "is_new": rule is None,
        "trail": audit_trail(target=rule)[:20] if rule is not None else [],
    }
    status = 422 if form.errors else 200
    return render_page(request, "accounts/approval_rule_form.html", context, partial=CONDITION_REGION, status=status)


@permission_required(MANAGE, raise_exception=True)
def approval_rule_create_view(request: HttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@permission_required(MANAGE, raise_exception=True)
def approval_rule_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _rule_form(request, get_object_or_404(ApprovalRule, pk=pk))


@require_POST
@permission_required(MANAGE, raise_exception=True)
def approval_rule_set_active_view(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    rule = get_object_or_404(ApprovalRule, pk=pk)
    back = f"{reverse('accounts:approval_rule_list')}#rule-{rule.pk}"
    return set_active_response(request, service=approval_rule_set_active, active=active, back=back, rule=rule)


def document_url(document_type: str, document_id: int) -> str:
    """The page of a document the engine knows by type and id, or "" when that page does not exist."""
    name = DOCUMENT_PAGES.get(document_type)
    if name is None:
        return ""
    try:
        return reverse(name, args=[document_id])
    except NoReverseMatch:
        return ""


def approvals_waiting_context(user: User) -> dict[str, Any]:
    """For the home page: the documents waiting for this user's decision, oldest first, each linked to its page,
    with why (every waiting step the user may decide: its reason and role)."""
    waiting = approvals_waiting_for(user=user)
    documents: dict[tuple[str, int], dict[str, Any]] = {}
    for step in waiting[: WAITING_ON_HOME * 5]:
        key = (step.document_type, step.document_id)
        if key not in documents:
            if len(documents) == WAITING_ON_HOME:
                continue
            documents[key] = {
                "number": step.document_number,
                "url": document_url(step.document_type, step.document_id),
                "type_label": DOCUMENT_TYPES.get(step.document_type, step.document_type),
                "since": step.created_at,
                "reasons": [],
            }
        role = ROLE_BY_CODE.get(step.role)
        documents[key]["reasons"].append(
            {"reason": step.reason, "role": role.label if role is not None else (step.role or ANYONE)}
        )
    if not documents:
        return {"waiting_approvals": None}
    count = waiting.order_by().values("document_type", "document_id").distinct().count()
    return {"waiting_approvals": {"count": count, "items": list(documents.values())}}
