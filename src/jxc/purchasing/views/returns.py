"""Pages: purchase returns (采购退货).

The list with filters and Excel export; the entry form (against a receipt — prefilled from `?receipt=` with its
open rejected goods and its returnable accepted goods — or free, by scanning); the detail page with its actions
(post, reverse with a preview, print, delete a draft); the A4 print view.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.selectors import audit_trail, include_tax_default
from jxc.catalog.selectors import product_find_by_code
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.inventory.choices import DocumentKind
from jxc.inventory.forms_documents import LineContext, ReverseForm
from jxc.inventory.selectors import reversal_preview
from jxc.purchasing.choices import RETURN_SOURCE, PostingStatus
from jxc.purchasing.forms_receipts import PurchaseFilterForm
from jxc.purchasing.forms_returns import ReturnForm, ReturnLineForm, ReturnLineFormSet, return_row_form
from jxc.purchasing.models import PurchaseReceipt, PurchaseReturn
from jxc.purchasing.selectors.documents import (
    may_use,
    purchase_receipt_get_for,
    purchase_return_get_for,
    purchase_return_search,
    return_lines,
    return_moves,
    returnable_lines,
    reversed_return,
)
from jxc.purchasing.services.returns import (
    purchase_return_create,
    purchase_return_delete,
    purchase_return_post,
    purchase_return_reverse,
    purchase_return_update,
)
from jxc.purchasing.tables_returns import RETURN_COLUMNS, RETURN_LINE_COLUMNS
from jxc.purchasing.views.receipts import STATUS_BADGES, bad_request, payable_of

TITLE = gettext_lazy("Purchase returns")
NEW_TITLE = gettext_lazy("New purchase return")


def _return(request: HttpRequest, pk: int) -> PurchaseReturn:
    try:
        return purchase_return_get_for(user=request.user, pk=pk)
    except PurchaseReturn.DoesNotExist:
        raise Http404 from None


@permission_required("purchasing.view_purchasereturn", raise_exception=True)
def return_list(request: HttpRequest) -> HttpResponse:
    """Returns with filters; ?export=xlsx exports the filtered list (amounts only for users who see costs)."""
    form = PurchaseFilterForm(request.GET or None, user=request.user)
    can_add = request.user.has_perm("purchasing.add_purchasereturn")
    page = ListPage(
        title=TITLE,
        columns=RETURN_COLUMNS,
        default_sort="-date",
        filter_form=form,
        create_url=reverse("purchasing:return_create") if can_add else "",
        create_label=NEW_TITLE,
        export_name="purchase-returns",
        empty_text=gettext_lazy("No returns match."),
    )
    return list_response(request, purchase_return_search(user=request.user, **form.filters()), page)


def _form_page(
    request: HttpRequest, *, purchase_return: PurchaseReturn | None = None, receipt: PurchaseReceipt | None = None
) -> HttpResponse:
    user = request.user
    show_cost = can_view_cost(user)
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    line_initial: list[dict[str, Any]] = []
    if purchase_return is not None:
        initial = ReturnForm.initial_for(purchase_return)
        if data is None:
            line_initial = [ReturnLineForm.initial_for(ln, show_cost=show_cost) for ln in return_lines(purchase_return)]
    elif receipt is not None:
        if data is None:
            line_initial = [row for ln in returnable_lines(receipt) for row in ReturnLineForm.initial_from_receipt(ln)]
    else:
        initial = {"prices_include_tax": include_tax_default(None)}
    form = ReturnForm(data, initial=initial, user=user, show_cost=show_cost, receipt=receipt)
    lines = ReturnLineFormSet(data, initial=line_initial, user=user, show_cost=show_cost)
    if data is not None and form.is_valid() and lines.is_valid():
        return_data, rows = form.to_data(lines, keep=purchase_return)
        try:
            if purchase_return is None:
                saved = purchase_return_create(actor=user, data=return_data)  # type: ignore[arg-type]
            else:
                saved = purchase_return_update(actor=user, purchase_return=purchase_return, data=return_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form, rows)
        else:
            return _after_save(request, saved)
    lines.numbered()
    has_errors = bool(form.errors or any(lines.errors) or lines.non_form_errors())
    context = {
        "title": NEW_TITLE if purchase_return is None else purchase_return.number,
        "purchase_return": purchase_return,
        "receipt": receipt,
        "form": form,
        "lines": lines,
        "show_cost": show_cost,
        "list_url": reverse("purchasing:return_list"),
        "list_title": TITLE,
        "row_errors": [row for row in lines.forms if row.errors and getattr(row, "number", None)],
    }
    status = 422 if data is not None and has_errors else 200
    return render(request, "purchasing/return_form.html", context, status=status)


def _after_save(request: HttpRequest, purchase_return: PurchaseReturn) -> HttpResponse:
    then = request.POST.get("then", "")
    if then == "post" and request.user.has_perm("purchasing.post_purchasereturn"):
        try:
            purchase_return = purchase_return_post(actor=request.user, purchase_return=purchase_return)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(
                request,
                _("Saved %(number)s as a draft, but it could not be posted: %(error)s")
                % {"number": purchase_return.number, "error": error.text},
            )
            return redirect("purchasing:return_edit", purchase_return.pk)
        messages.success(request, _("Posted %(number)s.") % {"number": purchase_return.number})
    else:
        messages.success(request, _("Saved %(number)s.") % {"number": purchase_return.number})
    if then == "new":
        return redirect("purchasing:return_create")
    return redirect(purchase_return)


@permission_required("purchasing.add_purchasereturn", raise_exception=True)
def return_create(request: HttpRequest) -> HttpResponse:
    """A new draft; ?receipt=<id> returns goods of that receipt (its open rejected goods and its accepted goods)."""
    receipt = None
    value = request.GET.get("receipt", "")
    if value:
        if not value.isdigit():
            raise Http404
        try:
            receipt = purchase_receipt_get_for(user=request.user, pk=int(value))
        except PurchaseReceipt.DoesNotExist:
            raise Http404 from None
        if receipt.status != PostingStatus.POSTED or receipt.reversal_of_id:
            messages.error(request, _("Only goods of a posted receipt can be returned against it."))
            return redirect(receipt)
    return _form_page(request, receipt=receipt)


@permission_required("purchasing.change_purchasereturn", raise_exception=True)
def return_edit(request: HttpRequest, pk: int) -> HttpResponse:
    purchase_return = _return(request, pk)
    if not may_use(request.user, purchase_return):
        raise PermissionDenied
    if purchase_return.status != PostingStatus.DRAFT:
        messages.error(
            request, _("%(number)s is not a draft any more: it cannot be changed.") % {"number": purchase_return}
        )
        return redirect(purchase_return)
    return _form_page(request, purchase_return=purchase_return, receipt=purchase_return.receipt)


@require_GET
@permission_required("purchasing.view_purchasereturn", raise_exception=True)
def return_line(request: HttpRequest) -> HttpResponse:
    """For the scan field: a new free line for the product a barcode or SKU names, in the unit it scans as."""
    user = request.user
    if not (user.has_perm("purchasing.add_purchasereturn") or user.has_perm("purchasing.change_purchasereturn")):
        raise PermissionDenied
    index = request.GET.get("index", "")
    if not index.isdigit():
        return bad_request(_("Bad request."))
    hit = product_find_by_code(code=request.GET.get("code", ""))
    if hit is None:
        return bad_request(_("No product has this barcode or SKU."), 404, "not_found")
    context = LineContext.build(
        user=user, kind=DocumentKind.ISSUE, show_cost=can_view_cost(user), product_ids={hit.product.pk}
    )
    row = return_row_form(
        context=context, index=int(index), product=context.products[hit.product.pk], unit_id=hit.unit.pk
    )
    row.number = int(index) + 1  # type: ignore[attr-defined]
    return render(request, "purchasing/return_line_row.html", {"row": row, "show_cost": context.show_cost})


def _detail_context(request: HttpRequest, purchase_return: PurchaseReturn) -> dict[str, Any]:
    user = request.user
    show_cost = can_view_cost(user)
    usable = may_use(user, purchase_return)
    status = purchase_return.status
    is_reversal = purchase_return.reversal_of_id is not None
    lines = return_lines(purchase_return)
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.unit.name] = totals.get(line.unit.name, Decimal(0)) + line.unit_quantity
    return {
        "purchase_return": purchase_return,
        "lines": lines,
        "moves": return_moves(purchase_return),
        "reversal": reversed_return(purchase_return) if status == PostingStatus.REVERSED else None,
        "badge": STATUS_BADGES.get(PostingStatus(status), ""),
        "list_url": reverse("purchasing:return_list"),
        "list_title": TITLE,
        "show_cost": show_cost,
        "totals": sorted(totals.items()),
        "stock_value": sum((ln.cost for ln in lines if ln.cost is not None), Decimal(0)),
        "has_tracking": any(ln.lot_id or ln.serials for ln in lines),
        "can_edit": status == PostingStatus.DRAFT and usable and user.has_perm("purchasing.change_purchasereturn"),
        "can_post": status == PostingStatus.DRAFT and usable and user.has_perm("purchasing.post_purchasereturn"),
        "can_reverse": status == PostingStatus.POSTED
        and not is_reversal
        and usable
        and user.has_perm("purchasing.post_purchasereturn"),
        "trail": audit_trail(target=purchase_return)[:20] if show_cost else [],
    }


def _detail_page(request: HttpRequest, purchase_return: PurchaseReturn, *, error: str = "") -> HttpResponse:
    context = _detail_context(request, purchase_return)
    context["error"] = error
    return render(request, "purchasing/return_detail.html", context, status=422 if error else 200)


@permission_required("purchasing.view_purchasereturn", raise_exception=True)
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The return; ?export=xlsx exports its lines."""
    purchase_return = _return(request, pk)
    if request.GET.get("export") == "xlsx":
        columns = visible_columns(RETURN_LINE_COLUMNS, request.user)
        rows = rows_of(return_lines(purchase_return), columns)
        return xlsx_response(filename=purchase_return.number, title=purchase_return.number, columns=columns, rows=rows)
    return _detail_page(request, purchase_return)


@require_POST
@permission_required("purchasing.change_purchasereturn", raise_exception=True)
def return_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft (the detail page asks to confirm)."""
    purchase_return = _return(request, pk)
    if not may_use(request.user, purchase_return):
        raise PermissionDenied
    try:
        purchase_return_delete(actor=request.user, purchase_return=purchase_return)  # type: ignore[arg-type]
    except DomainError as error:
        return _detail_page(request, purchase_return, error=error.text)
    messages.success(request, _("Deleted %(number)s.") % {"number": purchase_return.number})
    return redirect("purchasing:return_list")


@require_POST
@permission_required("purchasing.post_purchasereturn", raise_exception=True)
def return_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a draft: accepted goods leave stock at their receipt cost, the payable goes down. Again: nothing."""
    purchase_return = _return(request, pk)
    if not may_use(request.user, purchase_return):
        raise PermissionDenied
    try:
        purchase_return = purchase_return_post(actor=request.user, purchase_return=purchase_return)  # type: ignore[arg-type]
    except DomainError as error:
        return _detail_page(request, _return(request, pk), error=error.text)
    messages.success(request, _("Posted %(number)s.") % {"number": purchase_return.number})
    return redirect(purchase_return)


@permission_required("purchasing.post_purchasereturn", raise_exception=True)
def return_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """红冲: GET shows what the reversal changes (the goods come back, the payable goes up) and asks for a date;
    POST does it."""
    purchase_return = _return(request, pk)
    if not may_use(request.user, purchase_return):
        raise PermissionDenied
    if purchase_return.status != PostingStatus.POSTED or purchase_return.reversal_of_id:
        messages.error(request, _("Only a posted return can be reversed."))
        return redirect(purchase_return)
    form = ReverseForm(request.POST or None, document_date=purchase_return.date)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reversal = purchase_return_reverse(
                    actor=request.user,  # type: ignore[arg-type]
                    purchase_return=purchase_return,
                    day=form.cleaned_data["date"],
                )
            except DomainError as error:
                apply_error(error, form)
            else:
                messages.success(
                    request,
                    _("Reversed %(number)s with %(reversal)s.")
                    % {"number": purchase_return.number, "reversal": reversal},
                )
                return redirect(reversal)
        status = 422
    show_cost = can_view_cost(request.user)
    effects = reversal_preview(source_type=RETURN_SOURCE, source_id=purchase_return.pk)
    payable = payable_of(purchase_return.supplier) if show_cost else None
    context = {
        "purchase_return": purchase_return,
        "form": form,
        "effects": effects,
        "short": any(e.short for e in effects),
        "show_cost": show_cost,
        "payable": payable,
        "payable_after": payable + purchase_return.total if payable is not None else None,
        "list_url": reverse("purchasing:return_list"),
        "list_title": TITLE,
    }
    return render(request, "purchasing/return_reverse.html", context, status=status)


@permission_required("purchasing.view_purchasereturn", raise_exception=True)
def return_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A clean A4 return note (退货单) to print and sign."""
    context = _detail_context(request, _return(request, pk))
    context["printed_at"] = timezone.localtime()
    return render(request, "purchasing/return_print.html", context)


urlpatterns: list[URLPattern] = [
    path("returns/", return_list, name="return_list"),
    path("returns/new/", return_create, name="return_create"),
    path("returns/line/", return_line, name="return_line"),
    path("returns/<int:pk>/", return_detail, name="return_detail"),
    path("returns/<int:pk>/edit/", return_edit, name="return_edit"),
    path("returns/<int:pk>/delete/", return_delete, name="return_delete"),
    path("returns/<int:pk>/post/", return_post, name="return_post"),
    path("returns/<int:pk>/reverse/", return_reverse, name="return_reverse"),
    path("returns/<int:pk>/print/", return_print, name="return_print"),
]
