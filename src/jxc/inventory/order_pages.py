"""What the pages of orders under review share (purchase and sales orders): the empty action forms, the approval
panel of the order page, the messages after a submit or an approval, and running one step of the order's life.

The orders live in the apps above inventory; these helpers take the order and the app's own page functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jxc.accounts.approvals import role_label
from jxc.accounts.models import ApprovalStatus, ApprovalStep
from jxc.accounts.selectors import approval_steps, user_holds_role
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.forms import apply_error
from jxc.inventory.forms_orders import CommentForm, ReasonForm


def action_forms() -> dict[str, Any]:
    """The empty forms of the order page's actions (approve, reject, close, void); none open."""
    return {
        "approve_form": CommentForm(prefix="approve"),
        "reject_form": ReasonForm(prefix="reject"),
        "close_form": ReasonForm(prefix="close"),
        "void_form": ReasonForm(prefix="void"),
        "open_form": "",
    }


def roles_text(steps: Sequence[ApprovalStep]) -> str:
    """The roles the steps wait for, each once, as a person reads them ("Accountant, Owner")."""
    return ", ".join(dict.fromkeys(role_label(s.role) for s in steps))


def submitted_text(number: str, approved: bool, waiting: Sequence[ApprovalStep]) -> str:
    """What the user is told after submitting an order."""
    if approved:
        return _("Submitted %(number)s: approved at once, no approval rule applies.") % {"number": number}
    return _("Submitted %(number)s: it waits for approval by %(roles)s.") % {
        "number": number,
        "roles": roles_text(waiting),
    }


def approved_text(number: str, approved: bool, waiting: Sequence[ApprovalStep]) -> str:
    """What the user is told after approving: done, or still waiting for other roles."""
    if approved:
        return _("Approved %(number)s.") % {"number": number}
    return _("Your approval of %(number)s is recorded; it still waits for approval by %(roles)s.") % {
        "number": number,
        "roles": roles_text(waiting),
    }


def approval_panel(
    user: Any, *, document_type: str, document_id: int, submitted: bool, usable: bool, approve_permission: str
) -> dict[str, Any]:
    """The approval panel of an order page: the steps of the latest round, those waiting (and for whom), the ones
    this user may decide, and whether the approve / reject forms are shown."""
    steps = approval_steps(document_type=document_type, document_id=document_id)
    waiting = [s for s in steps if s.status == ApprovalStatus.PENDING]
    may_decide = submitted and usable and bool(waiting)
    mine = [s for s in waiting if user_holds_role(user, s.role, document_type=document_type)] if may_decide else []
    return {
        "steps": steps,
        "waiting": waiting,
        "waiting_roles": roles_text(waiting),
        "mine": mine,
        "can_decide": may_decide and (bool(mine) or user.has_perm(approve_permission)),
    }


def order_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    error: str = "",
    form_name: str = "",
    form: forms.Form | None = None,
) -> HttpResponse:
    """The order page, with an error on top or one action's form open with its errors (status 422 then)."""
    context["error"] = error
    if form is not None:
        context[f"{form_name}_form"] = form
        context["open_form"] = form_name
    failed = bool(error) or (form is not None and bool(form.errors))
    return render(request, template, context, status=422 if failed else 200)


def order_action(
    request: HttpRequest,
    *,
    order: Any,
    do: Callable[[Any, dict[str, Any]], str],
    reload: Callable[[], Any],
    detail_page: Callable[..., HttpResponse],
    form_name: str = "",
    form_class: type[forms.Form] | None = None,
) -> HttpResponse:
    """Run one step of the order's life from a POST: success → back to the order with `do`'s message; a domain
    error → the order's page (reloaded) with the error, next to the reason field when it is about the reason.

    `detail_page(request, order, error=…, form_name=…, form=…)` renders the app's order page."""
    form = form_class(request.POST, prefix=form_name) if form_class is not None else None
    if form is not None and not form.is_valid():
        return detail_page(request, order, form_name=form_name, form=form)
    try:
        message = do(order, form.cleaned_data if form is not None else {})
    except DomainError as error:
        fresh = reload()
        if form is not None and isinstance(error, ValidationFailed):
            apply_error(error, form)
            return detail_page(request, fresh, form_name=form_name, form=form)
        return detail_page(request, fresh, error=error.text)
    messages.success(request, message)
    return redirect(order)
