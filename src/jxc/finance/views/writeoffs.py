"""Pages: write-offs (坏账核销) and discounts (折让).

The list with filters and Excel export; the entry form (choosing the partner and account loads its open documents,
each with an amount to settle, like a payment's allocation; none settles the oldest first); the detail page with
the approval steps (who must approve and why), approve / reject for the users whose role a step names, submit,
the documents settled and the history.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.approvals import WRITE_OFF
from jxc.accounts.selectors import audit_trail
from jxc.core.errors import DomainError
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.core.numbers import ZERO
from jxc.finance.choices import WriteOffStatus
from jxc.finance.forms_writeoffs import WriteOffFilterForm, WriteOffForm, typed_lines
from jxc.finance.models import WriteOff
from jxc.finance.selectors.ledger import open_debts_of, source_url
from jxc.finance.selectors.writeoffs import writeoff_allocations, writeoff_get, writeoff_lines, writeoff_search
from jxc.finance.services.writeoffs import (
    writeoff_approve,
    writeoff_create,
    writeoff_reject,
    writeoff_submit,
    writeoff_update,
)
from jxc.finance.tables_writeoffs import STATUS_BADGES, WRITEOFF_COLUMNS, WRITEOFF_EXPORT_COLUMNS
from jxc.inventory.forms_orders import CommentForm, ReasonForm
from jxc.inventory.order_pages import (
    action_forms,
    approval_panel,
    approved_text,
    order_action,
    order_page,
    submitted_text,
)
from jxc.partners.models import Account, Partner

VIEW = "finance.view_writeoff"
ADD = "finance.add_writeoff"
CHANGE = "finance.change_writeoff"
APPROVE = "finance.approve_writeoff"

TITLE = gettext_lazy("Write-offs and discounts")
NEW_TITLE = gettext_lazy("New write-off or discount")
EDITABLE = (WriteOffStatus.DRAFT, WriteOffStatus.REJECTED)


def _writeoff(pk: int) -> WriteOff:
    try:
        return writeoff_get(pk=pk)
    except WriteOff.DoesNotExist:
        raise Http404 from None


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


# List


@permission_required(VIEW, raise_exception=True)
def writeoff_list(request: HttpRequest) -> HttpResponse:
    """Write-offs and discounts with filters; ?export=xlsx exports the filtered list."""
    form = WriteOffFilterForm(request.GET or None)
    export = request.GET.get("export") == "xlsx"
    page = ListPage(
        title=TITLE,
        columns=WRITEOFF_EXPORT_COLUMNS if export else WRITEOFF_COLUMNS,
        default_sort="-date",
        filter_form=form,
        create_url=reverse("finance:writeoff_create") if request.user.has_perm(ADD) else "",
        create_label=NEW_TITLE,
        export_name="write-offs",
        empty_text=gettext_lazy("No write-offs match."),
    )
    return list_response(request, writeoff_search(**form.filters()), page)


# Entry


def _items_context(partner_id: int | None, account: str, typed: dict[int, str]) -> dict[str, Any]:
    """The partner's open documents on the account, each with what was typed for it."""
    rows = []
    owed = None
    if partner_id and account in Account.values:
        items = list(open_debts_of(partner_id=partner_id, account=account))
        for item in items:
            rows.append(
                {
                    "item": item,
                    "url": source_url(item.entry.source_type, item.entry.source_id),
                    "typed": typed.get(item.pk, ""),
                }
            )
        owed = sum((i.open for i in items), ZERO)
    return {"rows": rows, "partner_id": partner_id, "owed": owed}


def _form_page(request: HttpRequest, *, write_off: WriteOff | None = None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    typed: dict[int, str] = {}
    if write_off is not None:
        initial = WriteOffForm.initial_for(write_off)
        typed = {ln.item_id: f"{ln.amount:f}" for ln in write_off.lines.all()}
    else:
        partner = Partner.objects.filter(pk=_int(request.GET.get("partner", "")) or 0).first()
        if partner is not None:
            initial["partner"] = partner.pk
            account = request.GET.get("account", "")
            if account not in Account.values:
                account = Account.RECEIVABLE if partner.is_customer else Account.PAYABLE
            initial["account"] = account
    form = WriteOffForm(data, initial=initial)
    if data is not None:
        typed = typed_lines(data)
        if form.is_valid():
            try:
                if write_off is None:
                    saved = writeoff_create(actor=request.user, data=form.to_data())  # type: ignore[arg-type]
                else:
                    saved = writeoff_update(actor=request.user, write_off=write_off, data=form.to_data())  # type: ignore[arg-type]
            except DomainError as error:
                apply_error(error, form)
            else:
                return _after_save(request, saved)
    partner_id = _int(str(form["partner"].value() or ""))
    account = str(form["account"].value() or Account.RECEIVABLE)
    context = {
        "title": NEW_TITLE if write_off is None else write_off.number,
        "write_off": write_off,
        "form": form,
        "list_url": reverse("finance:writeoff_list"),
        "list_title": TITLE,
        **_items_context(partner_id, account, typed),
    }
    return render(request, "finance/writeoff_form.html", context, status=422 if data is not None else 200)


def _after_save(request: HttpRequest, write_off: WriteOff) -> HttpResponse:
    if request.POST.get("then") == "submit":
        try:
            outcome = writeoff_submit(actor=request.user, write_off=write_off)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(
                request,
                _("Saved %(number)s as a draft, but it could not be submitted: %(error)s")
                % {"number": write_off.number, "error": error.text},
            )
            return redirect(write_off)
        messages.success(request, _submitted(write_off.number, outcome))
        return redirect(write_off)
    messages.success(request, _("Saved %(number)s.") % {"number": write_off.number})
    return redirect(write_off)


def _submitted(number: str, outcome: Any) -> str:
    if outcome.approved:
        return _("Submitted %(number)s: approved at once (no approval rule applies) and posted.") % {"number": number}
    return submitted_text(number, outcome.approved, outcome.waiting)


@permission_required(ADD, raise_exception=True)
def writeoff_create_view(request: HttpRequest) -> HttpResponse:
    """A new write-off or discount; ?partner=<id> (and ?account=) chooses the partner."""
    return _form_page(request)


@permission_required(CHANGE, raise_exception=True)
def writeoff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    write_off = _writeoff(pk)
    if write_off.status not in EDITABLE:
        messages.error(request, _("%(number)s can no longer be changed.") % {"number": write_off.number})
        return redirect(write_off)
    return _form_page(request, write_off=write_off)


@require_GET
@permission_required(VIEW, raise_exception=True)
def writeoff_items(request: HttpRequest) -> HttpResponse:
    """The htmx panel of the form: the chosen partner's open documents on the account, with amount inputs."""
    if not (request.user.has_perm(ADD) or request.user.has_perm(CHANGE)):
        raise PermissionDenied
    partner_id = _int(request.GET.get("partner", ""))
    account = request.GET.get("account", Account.RECEIVABLE)
    context = _items_context(partner_id, account, typed_lines(request.GET))
    return render(request, "finance/writeoff_items.html", context)


# Detail and actions


def _detail_context(request: HttpRequest, write_off: WriteOff) -> dict[str, Any]:
    user: Any = request.user
    status = write_off.status
    editable = status in EDITABLE
    panel = approval_panel(
        user,
        document_type=WRITE_OFF,
        document_id=write_off.pk,
        submitted=status == WriteOffStatus.SUBMITTED,
        usable=True,
        approve_permission=APPROVE,
    )
    lines = writeoff_lines(write_off)
    for line in lines:
        line.url = source_url(line.item.entry.source_type, line.item.entry.source_id)  # type: ignore[attr-defined]
    allocations = writeoff_allocations(write_off)
    for allocation in allocations:
        entry = allocation.debit.entry
        allocation.url = source_url(entry.source_type, entry.source_id)  # type: ignore[attr-defined]
    return {
        **panel,
        **action_forms(),
        "write_off": write_off,
        "lines": lines,
        "allocations": allocations,
        "badge": STATUS_BADGES.get(WriteOffStatus(status), ""),
        "list_url": reverse("finance:writeoff_list"),
        "list_title": TITLE,
        "ledger_url": reverse("finance:partner_ledger", args=[write_off.partner_id]),
        "can_edit": editable and user.has_perm(CHANGE),
        "can_submit": editable and user.has_perm(CHANGE),
        "trail": audit_trail(target=write_off)[:20],
    }


def _detail_page(
    request: HttpRequest, write_off: WriteOff, *, error: str = "", form_name: str = "", form: Any = None
) -> HttpResponse:
    context = _detail_context(request, write_off)
    return order_page(request, "finance/writeoff_detail.html", context, error=error, form_name=form_name, form=form)


@permission_required(VIEW, raise_exception=True)
def writeoff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _writeoff(pk))


def _act(
    request: HttpRequest,
    pk: int,
    do: Any,
    *,
    form_name: str = "",
    form_class: type[forms.Form] | None = None,
) -> HttpResponse:
    return order_action(
        request,
        order=_writeoff(pk),
        do=do,
        reload=lambda: _writeoff(pk),
        detail_page=_detail_page,
        form_name=form_name,
        form_class=form_class,
    )


@require_POST
@permission_required(CHANGE, raise_exception=True)
def writeoff_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    def do(write_off: WriteOff, data: dict[str, Any]) -> str:
        outcome = writeoff_submit(actor=request.user, write_off=write_off)  # type: ignore[arg-type]
        return _submitted(write_off.number, outcome)

    return _act(request, pk, do)


@require_POST
@permission_required(VIEW, raise_exception=True)
def writeoff_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the waiting steps the user's roles allow (the engine refuses, naming the roles, otherwise); the last
    approval posts the write-off."""

    def do(write_off: WriteOff, data: dict[str, Any]) -> str:
        outcome = writeoff_approve(actor=request.user, write_off=write_off, comment=data["comment"])  # type: ignore[arg-type]
        if outcome.approved:
            return _("Approved and posted %(number)s.") % {"number": write_off.number}
        return approved_text(write_off.number, outcome.approved, outcome.waiting)

    return _act(request, pk, do, form_name="approve", form_class=CommentForm)


@require_POST
@permission_required(VIEW, raise_exception=True)
def writeoff_reject_view(request: HttpRequest, pk: int) -> HttpResponse:
    def do(write_off: WriteOff, data: dict[str, Any]) -> str:
        writeoff_reject(actor=request.user, write_off=write_off, reason=data["reason"])  # type: ignore[arg-type]
        return _("Rejected %(number)s: it can be changed and submitted again.") % {"number": write_off.number}

    return _act(request, pk, do, form_name="reject", form_class=ReasonForm)


urlpatterns: list[URLPattern] = [
    path("write-offs/", writeoff_list, name="writeoff_list"),
    path("write-offs/new/", writeoff_create_view, name="writeoff_create"),
    path("write-offs/items/", writeoff_items, name="writeoff_items"),
    path("write-offs/<int:pk>/", writeoff_detail, name="writeoff_detail"),
    path("write-offs/<int:pk>/edit/", writeoff_edit, name="writeoff_edit"),
    path("write-offs/<int:pk>/submit/", writeoff_submit_view, name="writeoff_submit"),
    path("write-offs/<int:pk>/approve/", writeoff_approve_view, name="writeoff_approve"),
    path("write-offs/<int:pk>/reject/", writeoff_reject_view, name="writeoff_reject"),
]
