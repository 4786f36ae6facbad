"""Pages: sales returns (销售退货).

The list with filters and Excel export; the entry form (against a posted shipment of the customer — chosen from the
customer's shipments with goods not returned yet, `?shipment=`, whose returnable lines are offered to add — or free
lines by scanning), with the inspection of each line (back to stock, quarantine, scrap, and where the goods go); the
detail page with its actions (post, delete a draft, reverse with a preview of what it affects, export, print); the
A4 return note.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.selectors import audit_trail, include_tax_default
from jxc.catalog.selectors import product_find_by_code
from jxc.core.columns import can_view_cost, rows_of
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.inventory.choices import PostingStatus
from jxc.inventory.forms_documents import ReverseForm
from jxc.inventory.selectors import reversal_preview
from jxc.partners.selectors import partner_balance
from jxc.sales.choices import RETURN_SOURCE, Disposition
from jxc.sales.forms_returns import (
    SalesReturnFilterForm,
    SalesReturnForm,
    SalesReturnLineForm,
    SalesReturnLineFormSet,
    return_context,
    return_row_form,
)
from jxc.sales.models import SalesReturn, SalesShipment
from jxc.sales.selectors.documents import can_view_prices
from jxc.sales.selectors.returns import (
    may_use,
    quarantine_locations,
    return_lines,
    return_moves,
    returnable_lines,
    returnable_shipments,
    reversed_return,
    sales_return_get_for,
    sales_return_search,
)
from jxc.sales.selectors.shipments import sales_shipment_get_for
from jxc.sales.services.returns import (
    sales_return_create,
    sales_return_delete,
    sales_return_post,
    sales_return_reverse,
    sales_return_update,
)
from jxc.sales.tables_returns import (
    RETURN_COLUMNS,
    RETURN_EXPORT_COLUMNS,
    RETURN_LINE_COLUMNS,
    STATUS_BADGES,
    columns_for,
)

VIEW = "sales.view_salesreturn"
ADD = "sales.add_salesreturn"
CHANGE = "sales.change_salesreturn"
POST = "sales.post_salesreturn"

TITLE = gettext_lazy("Sales returns")
NEW_TITLE = gettext_lazy("New sales return")


def _return(request: HttpRequest, pk: int) -> SalesReturn:
    try:
        return sales_return_get_for(user=request.user, pk=pk)
    except SalesReturn.DoesNotExist:
        raise Http404 from None


def _usable(request: HttpRequest, pk: int) -> SalesReturn:
    sales_return = _return(request, pk)
    if not may_use(request.user, sales_return):
        raise PermissionDenied
    return sales_return


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "data": {}}, status=status)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _may_enter(user: Any) -> None:
    if not (user.has_perm(ADD) or user.has_perm(CHANGE)):
        raise PermissionDenied


# List


@permission_required(VIEW, raise_exception=True)
def return_list(request: HttpRequest) -> HttpResponse:
    """Returns with filters; ?export=xlsx exports the filtered list (amounts only for users who see prices, the
    cost only with view_cost)."""
    user = request.user
    form = SalesReturnFilterForm(request.GET or None, user=user)
    export = request.GET.get("export") == "xlsx"
    page = ListPage(
        title=TITLE,
        columns=columns_for(RETURN_EXPORT_COLUMNS if export else RETURN_COLUMNS, user),
        default_sort="-date",
        filter_form=form,
        create_url=reverse("sales:return_create") if user.has_perm(ADD) else "",
        create_label=NEW_TITLE,
        export_name="sales-returns",
        empty_text=gettext_lazy("No returns match."),
    )
    return list_response(request, sales_return_search(user=user, **form.filters()), page)


# Entry


def _shipment_for(request: HttpRequest, pk: int) -> SalesShipment:
    try:
        return sales_shipment_get_for(user=request.user, pk=pk)
    except SalesShipment.DoesNotExist:
        raise Http404 from None


def _form_page(
    request: HttpRequest, *, sales_return: SalesReturn | None = None, shipment: SalesShipment | None = None
) -> HttpResponse:
    user = request.user
    show_prices = can_view_prices(user)
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    line_initial: list[dict[str, Any]] = []
    if sales_return is not None:
        initial = SalesReturnForm.initial_for(sales_return)
        if data is None:
            line_initial = [
                SalesReturnLineForm.initial_for(ln, show_prices=show_prices) for ln in return_lines(sales_return)
            ]
    elif shipment is None:
        initial = {"prices_include_tax": include_tax_default(None)}
        customer = _int(request.GET.get("customer", ""))
        if customer:
            initial["customer"] = customer
    form = SalesReturnForm(
        data,
        initial=initial,
        user=user,
        show_prices=show_prices,
        shipment=shipment,
        offer_shipments=sales_return is None,
    )
    lines = SalesReturnLineFormSet(data, initial=line_initial, user=user, show_prices=show_prices)
    if data is not None and form.is_valid() and lines.is_valid():
        return_data, rows = form.to_data(lines, keep=sales_return)
        try:
            if sales_return is None:
                saved = sales_return_create(actor=user, data=return_data)  # type: ignore[arg-type]
            else:
                saved = sales_return_update(actor=user, sales_return=sales_return, data=return_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form, rows)
        else:
            return _after_save(request, saved)
    lines.numbered()
    has_errors = bool(form.errors or any(lines.errors) or lines.non_form_errors())
    quarantine = quarantine_locations()
    context = {
        "title": NEW_TITLE if sales_return is None else sales_return.number,
        "sales_return": sales_return,
        "shipment": shipment,
        "returnable": returnable_lines(shipment) if shipment is not None else [],
        "form": form,
        "lines": lines,
        "show_prices": show_prices,
        "quarantine": {str(wh): loc.pk for wh, loc in quarantine.items()},
        "quarantine_places": sorted(quarantine.values(), key=lambda loc: (loc.warehouse_id, loc.code)),
        "list_url": reverse("sales:return_list"),
        "list_title": TITLE,
        "row_errors": [row for row in lines.forms if row.errors and getattr(row, "number", None)],
    }
    status = 422 if data is not None and has_errors else 200
    return render(request, "sales/return_form.html", context, status=status)


def _after_save(request: HttpRequest, sales_return: SalesReturn) -> HttpResponse:
    then = request.POST.get("then", "")
    if then == "post" and request.user.has_perm(POST):
        try:
            sales_return = sales_return_post(actor=request.user, sales_return=sales_return)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(
                request,
                _("Saved %(number)s as a draft, but it could not be posted: %(error)s")
                % {"number": sales_return.number, "error": error.text},
            )
            return redirect("sales:return_edit", sales_return.pk)
        messages.success(request, _("Posted %(number)s.") % {"number": sales_return.number})
    else:
        messages.success(request, _("Saved %(number)s.") % {"number": sales_return.number})
    if then == "new":
        return redirect("sales:return_create")
    return redirect(sales_return)


@permission_required(ADD, raise_exception=True)
def return_create(request: HttpRequest) -> HttpResponse:
    """A new draft; ?shipment=<id> returns goods of that posted shipment (its returnable lines are offered)."""
    shipment = None
    value = request.GET.get("shipment", "")
    if value:
        pk = _int(value)
        if pk is None:
            raise Http404
        shipment = _shipment_for(request, pk)
        if shipment.status != PostingStatus.POSTED or shipment.reversal_of_id:
            messages.error(request, _("Goods are returned only against a posted shipment."))
            return redirect(shipment)
    return _form_page(request, shipment=shipment)


@permission_required(CHANGE, raise_exception=True)
def return_edit(request: HttpRequest, pk: int) -> HttpResponse:
    sales_return = _usable(request, pk)
    if sales_return.status != PostingStatus.DRAFT:
        messages.error(
            request, _("%(number)s is not a draft any more: it cannot be changed.") % {"number": sales_return}
        )
        return redirect(sales_return)
    return _form_page(request, sales_return=sales_return, shipment=sales_return.shipment)


@require_GET
@permission_required(VIEW, raise_exception=True)
def return_line(request: HttpRequest) -> HttpResponse:
    """New rows: for the scan field, a free line for the product a barcode or SKU names (in the unit it scans as);
    with ?shipment_line= (repeatable) and ?shipment=, one row per shipment line returning what is left of it."""
    _may_enter(request.user)
    index = _int(request.GET.get("index", ""))
    if index is None:
        return _json_error("validation_error", _("Bad request."), 400)
    show_prices = can_view_prices(request.user)
    wanted = {int(v) for v in request.GET.getlist("shipment_line") if v.isdigit()}
    rows: list[SalesReturnLineForm] = []
    if wanted:
        shipment = _shipment_for(request, _int(request.GET.get("shipment", "")) or 0)
        found = [r.line for r in returnable_lines(shipment) if r.line.pk in wanted]
        if not found:
            return _json_error("not_found", _("These shipment lines have nothing left to return."), 404)
        context = return_context(
            user=request.user, show_prices=show_prices, product_ids={ln.product_id for ln in found}
        )
        for i, line in enumerate(found):
            initial = SalesReturnLineForm.initial_from_shipment(line)
            product = context.products[line.product_id]
            rows.append(
                return_row_form(context=context, index=index + i, product=product, shipment_line=line, initial=initial)
            )
    else:
        hit = product_find_by_code(code=request.GET.get("code", ""))
        if hit is None:
            return _json_error("not_found", _("No product has this barcode or SKU."), 404)
        if not hit.product.active:
            return _json_error("inactive", _("%(name)s is deactivated.") % {"name": hit.product.name}, 422)
        context = return_context(user=request.user, show_prices=show_prices, product_ids={hit.product.pk})
        initial = {"product": hit.product.pk, "unit": hit.unit.pk, "quantity": Decimal(1)}
        rows.append(
            return_row_form(context=context, index=index, product=context.products[hit.product.pk], initial=initial)
        )
    html = []
    for i, row in enumerate(rows):
        row.number = index + i + 1  # type: ignore[attr-defined]
        html.append(
            render_to_string("sales/return_line_row.html", {"row": row, "show_prices": show_prices}, request=request)
        )
    return HttpResponse("".join(html))


@require_GET
@permission_required(VIEW, raise_exception=True)
def return_shipments(request: HttpRequest) -> HttpResponse:
    """The htmx panel of the entry form: the chosen customer's posted shipments with goods not returned yet, each
    with a link to return goods of it."""
    customer_id = _int(request.GET.get("customer", ""))
    shipments = returnable_shipments(user=request.user, customer_id=customer_id) if customer_id else []
    context = {"shipments": shipments, "customer_id": customer_id, "show_prices": can_view_prices(request.user)}
    return render(request, "sales/return_shipments.html", context)


# Detail and actions


def _detail_context(request: HttpRequest, sales_return: SalesReturn) -> dict[str, Any]:
    user: Any = request.user
    show_prices, show_cost = can_view_prices(user), can_view_cost(user)
    usable = may_use(user, sales_return)
    status = sales_return.status
    draft = status == PostingStatus.DRAFT
    lines = return_lines(sales_return)
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.unit.name] = totals.get(line.unit.name, Decimal(0)) + line.unit_quantity
    scrapped = sum((ln.cost for ln in lines if ln.disposition == Disposition.SCRAP), Decimal(0))
    return {
        "sales_return": sales_return,
        "lines": lines,
        "moves": return_moves(sales_return),
        "reversal": reversed_return(sales_return) if status == PostingStatus.REVERSED else None,
        "badge": STATUS_BADGES.get(PostingStatus(status), ""),
        "list_url": reverse("sales:return_list"),
        "list_title": TITLE,
        "show_prices": show_prices,
        "show_cost": show_cost,
        "totals": sorted(totals.items()),
        "scrapped": scrapped,
        "kept": sales_return.cost - scrapped,
        "has_tracking": any(ln.lot_id or ln.serials for ln in lines),
        "can_edit": draft and usable and user.has_perm(CHANGE),
        "can_post": draft and usable and user.has_perm(POST),
        "can_reverse": status == PostingStatus.POSTED
        and sales_return.reversal_of_id is None
        and usable
        and user.has_perm(POST),
        "trail": audit_trail(target=sales_return)[:20] if show_prices else [],
    }


def _detail_page(request: HttpRequest, sales_return: SalesReturn, *, error: str = "") -> HttpResponse:
    context = _detail_context(request, sales_return)
    context["error"] = error
    return render(request, "sales/return_detail.html", context, status=422 if error else 200)


@permission_required(VIEW, raise_exception=True)
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The return; ?export=xlsx exports its lines."""
    sales_return = _return(request, pk)
    if request.GET.get("export") == "xlsx":
        columns = columns_for(RETURN_LINE_COLUMNS, request.user)
        rows = rows_of(return_lines(sales_return), columns)
        return xlsx_response(filename=sales_return.number, title=sales_return.number, columns=columns, rows=rows)
    return _detail_page(request, sales_return)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def return_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft (the detail page asks to confirm)."""
    sales_return = _usable(request, pk)
    try:
        sales_return_delete(actor=request.user, sales_return=sales_return)  # type: ignore[arg-type]
    except DomainError as error:
        return _detail_page(request, sales_return, error=error.text)
    messages.success(request, _("Deleted %(number)s.") % {"number": sales_return.number})
    return redirect("sales:return_list")


@require_POST
@permission_required(POST, raise_exception=True)
def return_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Post a draft: the goods come back at their cost (scrapped ones leave again), the receivable goes down.
    Again: nothing changes."""
    sales_return = _usable(request, pk)
    try:
        sales_return = sales_return_post(actor=request.user, sales_return=sales_return)  # type: ignore[arg-type]
    except DomainError as error:
        return _detail_page(request, _return(request, pk), error=error.text)
    messages.success(request, _("Posted %(number)s.") % {"number": sales_return.number})
    return redirect(sales_return)


@permission_required(POST, raise_exception=True)
def return_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """红冲: GET shows what the reversal changes (stock per place, the receivable, the shipment lines) and asks for
    a date; POST does it."""
    sales_return = _usable(request, pk)
    if sales_return.status != PostingStatus.POSTED or sales_return.reversal_of_id:
        messages.error(request, _("Only a posted return can be reversed."))
        return redirect(sales_return)
    form = ReverseForm(request.POST or None, document_date=sales_return.date)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reversal = sales_return_reverse(
                    actor=request.user,  # type: ignore[arg-type]
                    sales_return=sales_return,
                    day=form.cleaned_data["date"],
                )
            except DomainError as error:
                apply_error(error, form)
            else:
                messages.success(
                    request,
                    _("Reversed %(number)s with %(reversal)s.") % {"number": sales_return.number, "reversal": reversal},
                )
                return redirect(reversal)
        status = 422
    show_prices = can_view_prices(request.user)
    receivable = partner_balance(partner=sales_return.customer).receivable if show_prices else None
    effects = reversal_preview(source_type=RETURN_SOURCE, source_id=sales_return.pk)
    lines = return_lines(sales_return)
    context = {
        "sales_return": sales_return,
        "form": form,
        "effects": effects,
        "short": any(e.short for e in effects),
        "scrapped": [ln for ln in lines if ln.disposition == Disposition.SCRAP],
        "shipment_lines": [ln for ln in lines if ln.shipment_line is not None],
        "show_cost": can_view_cost(request.user),
        "show_prices": show_prices,
        "receivable": receivable,
        "receivable_after": receivable + sales_return.total if receivable is not None else None,
        "list_url": reverse("sales:return_list"),
        "list_title": TITLE,
    }
    return render(request, "sales/return_reverse.html", context, status=status)


@permission_required(VIEW, raise_exception=True)
def return_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The return note (退货单) on A4, to sign with the customer (amounts only for users who may see prices; never
    the cost)."""
    context = _detail_context(request, _return(request, pk))
    context["printed_at"] = timezone.localtime()
    return render(request, "sales/return_print.html", context)


urlpatterns: list[URLPattern] = [
    path("returns/", return_list, name="return_list"),
    path("returns/new/", return_create, name="return_create"),
    path("returns/line/", return_line, name="return_line"),
    path("returns/shipments/", return_shipments, name="return_shipments"),
    path("returns/<int:pk>/", return_detail, name="return_detail"),
    path("returns/<int:pk>/edit/", return_edit, name="return_edit"),
    path("returns/<int:pk>/delete/", return_delete, name="return_delete"),
    path("returns/<int:pk>/post/", return_post, name="return_post"),
    path("returns/<int:pk>/reverse/", return_reverse, name="return_reverse"),
    path("returns/<int:pk>/print/", return_print, name="return_print"),
]
