"""Pages: receipts of payment (收款) and payments (付款).

The list with filters and Excel export; the entry form (?direction=in|out) where choosing the partner loads their
open documents (htmx) with an amount per document, or "oldest first"; what is not allocated stays a prepayment
(预收/预付). The detail page with its allocations (each can be undone), "apply what is left", and 红冲 with a
confirmation. A partner's open credits (prepayments, returns, write-offs) applied to their documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.selectors import audit_trail
from jxc.core.errors import DomainError
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.finance.choices import Direction, PaymentStatus
from jxc.finance.forms_payments import ApplyForm, PaymentFilterForm, PaymentForm
from jxc.finance.models import Payment
from jxc.finance.selectors.payments import (
    OpenRow,
    account_for,
    open_item_get,
    partner_open_credits,
    partner_open_debts,
    payment_allocations,
    payment_get,
    payment_reversal,
    payment_search,
    payment_unallocated,
)
from jxc.finance.services.payments import allocation_undo, credit_apply, payment_apply, payment_post, payment_reverse
from jxc.finance.tables_payments import PAYMENT_COLUMNS, PAYMENT_EXPORT_COLUMNS, status_badge
from jxc.inventory.forms_documents import ReverseForm
from jxc.partners.models import Account, Allocation, OpenItem, Partner
from jxc.partners.selectors import partner_balance

VIEW = "finance.view_payment"
ADD = "finance.add_payment"
REVERSE = "finance.reverse_payment"

TITLE = gettext_lazy("Receipts and payments")
TITLES = {Direction.IN: gettext_lazy("New receipt of payment"), Direction.OUT: gettext_lazy("New payment")}


@dataclass(frozen=True)
class EntryRow:
    """An open document on a form, with the amount the user typed for it."""

    row: OpenRow
    typed: str
    invalid: bool


def _entry_rows(rows: list[OpenRow], typed: dict[int, str], error_number: str = "") -> list[EntryRow]:
    return [EntryRow(r, typed.get(r.item_id, ""), bool(error_number) and r.number == error_number) for r in rows]


def _error_number(error: DomainError) -> str:
    number = error.data.get("number", "")
    return str(number) if error.field == "allocations" else ""


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() else None


def _payment(pk: int) -> Payment:
    try:
        return payment_get(pk=pk)
    except Payment.DoesNotExist:
        raise Http404 from None


def _partner(pk: int) -> Partner:
    partner = Partner.objects.filter(pk=pk).first()
    if partner is None:
        raise Http404
    return partner


# List


@permission_required(VIEW, raise_exception=True)
def payment_list(request: HttpRequest) -> HttpResponse:
    """Receipts of payment and payments with filters; ?export=xlsx exports the filtered list."""
    user = request.user
    form = PaymentFilterForm(request.GET or None)
    export = request.GET.get("export") == "xlsx"
    page = ListPage(
        title=TITLE,
        columns=PAYMENT_EXPORT_COLUMNS if export else PAYMENT_COLUMNS,
        default_sort="-date",
        filter_form=form,
        create_url=reverse("finance:payment_create") + "?direction=in" if user.has_perm(ADD) else "",
        create_label=TITLES[Direction.IN],
        export_name="payments",
        empty_text=gettext_lazy("No receipts or payments match."),
    )
    return list_response(request, payment_search(**form.filters()), page)


# Entry


def _direction(value: Any) -> str:
    return Direction.OUT if value == Direction.OUT else Direction.IN


def _open_items_context(
    *, partner_id: int | None, direction: str, typed: dict[int, str], error_number: str = ""
) -> dict[str, Any]:
    account = account_for(direction)
    debts = partner_open_debts(partner_id=partner_id, account=account, on=timezone.localdate()) if partner_id else []
    credits = partner_open_credits(partner_id=partner_id, account=account) if partner_id else []
    return {
        "partner_id": partner_id,
        "direction": direction,
        "rows": _entry_rows(debts, typed, error_number),
        "owed": sum((r.open for r in debts), Decimal(0)),
        "credit_total": sum((r.open for r in credits), Decimal(0)),
        "credits_url": reverse("finance:partner_credits", args=[partner_id]) + f"?account={account}"
        if partner_id and credits
        else "",
    }


@permission_required(ADD, raise_exception=True)
def payment_create(request: HttpRequest) -> HttpResponse:
    """A new receipt of payment (?direction=in) or payment (out), optionally for ?partner=; choosing the partner
    loads their open documents to allocate to."""
    data = request.POST if request.method == "POST" else None
    direction = _direction((data or request.GET).get("direction"))
    initial: dict[str, Any] = {}
    partner_id = _int(request.GET.get("partner"))
    if partner_id:
        initial["partner"] = partner_id
    form = PaymentForm(data, initial=initial, direction=direction, open_items_url=reverse("finance:payment_open_items"))
    error_number = ""
    if data is not None and form.is_valid():
        try:
            payment = payment_post(actor=request.user, data=form.to_data())  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form)
            error_number = _error_number(error)
        else:
            messages.success(request, _("Saved %(number)s.") % {"number": payment.number})
            if request.POST.get("then") == "new":
                return redirect(reverse("finance:payment_create") + f"?direction={direction}")
            return redirect(payment)
    chosen = _int(form.data.get("partner")) if data is not None else partner_id
    context = {
        "title": TITLES[direction],
        "form": form,
        "direction": direction,
        "list_title": TITLE,
        **_open_items_context(partner_id=chosen, direction=direction, typed=form.typed, error_number=error_number),
    }
    return render(request, "finance/payment_form.html", context, status=422 if form.errors else 200)


@require_GET
@permission_required(VIEW, raise_exception=True)
def payment_open_items(request: HttpRequest) -> HttpResponse:
    """The htmx panel of the entry form: the chosen partner's open documents, one amount input each."""
    direction = _direction(request.GET.get("direction"))
    context = _open_items_context(partner_id=_int(request.GET.get("partner")), direction=direction, typed={})
    return render(request, "finance/payment_open_items.html", context)


# Detail and actions


def _detail_page(
    request: HttpRequest, payment: Payment, *, apply_form: ApplyForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    user: Any = request.user
    posted = payment.status == PaymentStatus.POSTED and payment.reversal_of_id is None
    left = payment_unallocated(payment=payment)
    can_apply = posted and left > 0 and user.has_perm(ADD)
    form = apply_form or (ApplyForm() if can_apply else None)
    error_number = getattr(form, "error_number", "")
    context: dict[str, Any] = {
        "payment": payment,
        "badge": status_badge(payment),
        "allocations": payment_allocations(payment=payment),
        "unallocated": left,
        "allocated": payment.amount - left if posted else Decimal(0),
        "reversal": payment_reversal(payment=payment) if payment.status == PaymentStatus.REVERSED else None,
        "can_apply": can_apply,
        "can_undo": user.has_perm(ADD) and payment.reversal_of_id is None,
        "can_reverse": posted and user.has_perm(REVERSE),
        "apply_form": form,
        "rows": _entry_rows(
            partner_open_debts(partner_id=payment.partner_id, account=payment.account, on=timezone.localdate()),
            form.typed if form is not None else {},
            error_number,
        )
        if can_apply
        else [],
        "error": error,
        "list_url": reverse("finance:payment_list"),
        "list_title": TITLE,
        "trail": audit_trail(target=payment)[:20],
    }
    return render(request, "finance/payment_detail.html", context, status=status)


@permission_required(VIEW, raise_exception=True)
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _payment(pk))


@require_POST
@permission_required(ADD, raise_exception=True)
def payment_apply_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply what is left of the payment to documents: the amounts typed, or oldest first."""
    payment = _payment(pk)
    form = ApplyForm(request.POST)
    if form.is_valid():
        try:
            payment_apply(
                actor=request.user,  # type: ignore[arg-type]
                payment=payment,
                shares=form.to_shares(),
                day=form.cleaned_data["date"],
            )
        except DomainError as error:
            apply_error(error, form)
            form.error_number = _error_number(error)  # type: ignore[attr-defined]
        else:
            messages.success(request, _("Applied what was left of %(number)s.") % {"number": payment.number})
            return redirect(payment)
    return _detail_page(request, payment, apply_form=form, status=422)


@permission_required(REVERSE, raise_exception=True)
def payment_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    """红冲: GET shows what the reversal undoes (allocations, the cash account, the partner's account) and asks for
    a date; POST does it."""
    payment = _payment(pk)
    if payment.status != PaymentStatus.POSTED or payment.reversal_of_id:
        messages.error(request, _("Only a posted receipt or payment can be reversed."))
        return redirect(payment)
    form = ReverseForm(request.POST or None, document_date=payment.date)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reversal = payment_reverse(actor=request.user, payment=payment, day=form.cleaned_data["date"])  # type: ignore[arg-type]
            except DomainError as error:
                apply_error(error, form)
            else:
                messages.success(
                    request,
                    _("Reversed %(number)s with %(reversal)s.") % {"number": payment.number, "reversal": reversal},
                )
                return redirect(reversal)
        status = 422
    sign = 1 if payment.direction == Direction.IN else -1
    balance = partner_balance(partner=payment.partner)
    owed = balance.receivable if payment.account == Account.RECEIVABLE else balance.payable
    context = {
        "payment": payment,
        "form": form,
        "allocations": [a for a in payment_allocations(payment=payment) if a.active],
        "cash_now": payment.cash_account.balance,
        "cash_after": payment.cash_account.balance - sign * payment.amount,
        "owed_now": owed,
        "owed_after": owed + payment.amount,
        "list_url": reverse("finance:payment_list"),
        "list_title": TITLE,
    }
    return render(request, "finance/payment_reverse.html", context, status=status)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


@require_POST
@permission_required(ADD, raise_exception=True)
def allocation_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo one allocation: the document and the credit are open by its amount again."""
    allocation = Allocation.objects.filter(pk=pk).first()
    if allocation is None:
        raise Http404
    fallback = reverse("finance:payment_list")
    if allocation.source_type == "finance.payment":
        fallback = reverse("finance:payment_detail", args=[allocation.source_id])
    try:
        allocation_undo(actor=request.user, allocation=allocation)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(
            request,
            _("Undid the allocation of %(amount)s by %(number)s.")
            % {"amount": f"{allocation.amount:,.2f}", "number": allocation.source_number},
        )
    return _back(request, fallback)


# A partner's open credits


def _credits_page(
    request: HttpRequest, partner: Partner, account: str, *, form: ApplyForm | None = None, status: int = 200
) -> HttpResponse:
    form = form or ApplyForm()
    chosen = _int(form.data.get("credit")) if form.is_bound else None
    debts = partner_open_debts(partner_id=partner.pk, account=account, on=timezone.localdate())
    credits = partner_open_credits(partner_id=partner.pk, account=account)
    context = {
        "partner": partner,
        "account": account,
        "account_label": Account(account).label,
        "accounts": Account.choices,
        "credits": credits,
        "chosen": chosen or (credits[0].item_id if credits else None),
        "rows": _entry_rows(debts, form.typed, getattr(form, "error_number", "")),
        "form": form,
        "can_apply": request.user.has_perm(ADD),
        "list_url": reverse("finance:payment_list"),
        "list_title": TITLE,
    }
    return render(request, "finance/payment_credits.html", context, status=status)


@permission_required(VIEW, raise_exception=True)
def partner_credits(request: HttpRequest, partner_id: int) -> HttpResponse:
    """The partner's open credits on an account (?account=receivable|payable): prepayments, returns, write-offs;
    POST applies the chosen one (`credit`) to documents, by hand or oldest first."""
    partner = _partner(partner_id)
    default = Account.RECEIVABLE if partner.is_customer else Account.PAYABLE
    account = (request.POST or request.GET).get("account") or default
    if account not in Account.values:
        account = default
    if request.method != "POST":
        return _credits_page(request, partner, account)
    if not request.user.has_perm(ADD):
        raise PermissionDenied
    form = ApplyForm(request.POST)
    if form.is_valid():
        item_id = _int(request.POST.get("credit"))
        item = OpenItem.objects.filter(pk=item_id or 0, partner=partner, account=account).first()
        if item is None:
            form.add_error("allocations", _("Choose the credit to apply."))
        else:
            try:
                credit_apply(
                    actor=request.user,  # type: ignore[arg-type]
                    item_id=item.pk,
                    shares=form.to_shares(),
                    day=form.cleaned_data["date"],
                )
            except DomainError as error:
                apply_error(error, form)
                form.error_number = _error_number(error)  # type: ignore[attr-defined]
            else:
                number = open_item_get(pk=item.pk).entry.source_number
                messages.success(request, _("Applied %(number)s.") % {"number": number})
                return redirect(reverse("finance:partner_credits", args=[partner.pk]) + f"?account={account}")
    return _credits_page(request, partner, account, form=form, status=422)


urlpatterns: list[URLPattern] = [
    path("payments/", payment_list, name="payment_list"),
    path("payments/new/", payment_create, name="payment_create"),
    path("payments/open-items/", payment_open_items, name="payment_open_items"),
    path("payments/<int:pk>/", payment_detail, name="payment_detail"),
    path("payments/<int:pk>/apply/", payment_apply_view, name="payment_apply"),
    path("payments/<int:pk>/reverse/", payment_reverse_view, name="payment_reverse"),
    path("allocations/<int:pk>/undo/", allocation_undo_view, name="allocation_undo"),
    path("partners/<int:partner_id>/credits/", partner_credits, name="partner_credits"),
]
