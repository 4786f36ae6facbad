"""Pages: sales orders (销售订单).

The list with filters and Excel export, the entry form (a scan field adds a line; each line proposes its price and
shows the product's stock in the order's warehouse), the detail page with the order's life (submit, approve or
reject, unapprove, close, void, copy) and gross profit for users who see costs, and the print view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.approvals import SALES_ORDER
from jxc.accounts.selectors import audit_trail, company_get
from jxc.catalog.selectors import product_find_by_code
from jxc.core.columns import can_view_cost, rows_of
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.core.numbers import format_quantity
from jxc.inventory.forms_orders import CommentForm, ReasonForm
from jxc.inventory.order_pages import (
    action_forms,
    approval_panel,
    approved_text,
    order_action,
    order_page,
    submitted_text,
)
from jxc.inventory.selectors import warehouses_of
from jxc.sales.choices import OPEN_ORDER_STATUSES, OrderStatus
from jxc.sales.forms_orders import (
    SalesLineContext,
    SalesLineForm,
    SalesLineFormSet,
    SalesOrderFilterForm,
    SalesOrderForm,
    sales_line_row,
)
from jxc.sales.models import SalesOrder, SalesOrderLine
from jxc.sales.selectors.credit import credit_of
from jxc.sales.selectors.documents import (
    OrderProfit,
    can_view_prices,
    line_progress,
    may_use,
    order_lines,
    order_profit,
    sales_order_get_for,
    sales_order_search,
    stock_figures,
)
from jxc.sales.selectors.prices import price_proposal
from jxc.sales.services.orders import (
    sales_order_approve,
    sales_order_close,
    sales_order_create,
    sales_order_reject,
    sales_order_submit,
    sales_order_unapprove,
    sales_order_update,
    sales_order_void,
)
from jxc.sales.tables_orders import (
    LINE_COLUMNS,
    ORDER_COLUMNS,
    ORDER_EXPORT_COLUMNS,
    STATUS_BADGES,
    columns_for,
    source_label,
)

VIEW = "sales.view_salesorder"
ADD = "sales.add_salesorder"
CHANGE = "sales.change_salesorder"
APPROVE = "sales.approve_salesorder"

TITLE = gettext_lazy("Sales orders")
NEW_TITLE = gettext_lazy("New sales order")
MAX_STOCK_PRODUCTS = 200


def _order(request: HttpRequest, pk: int) -> SalesOrder:
    try:
        return sales_order_get_for(user=request.user, pk=pk)
    except SalesOrder.DoesNotExist:
        raise Http404 from None


def _usable(request: HttpRequest, pk: int) -> SalesOrder:
    order = _order(request, pk)
    if not may_use(request.user, order):
        raise PermissionDenied
    return order


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "data": {}}, status=status)


# The list


@permission_required(VIEW, raise_exception=True)
def order_list(request: HttpRequest) -> HttpResponse:
    """All orders the user may see, with filters; ?export=xlsx exports the filtered list (totals only for users
    who may see sales prices)."""
    user = request.user
    form = SalesOrderFilterForm(request.GET or None, user=user)
    export = request.GET.get("export") == "xlsx"
    can_add = user.has_perm(ADD) and can_view_prices(user)
    page = ListPage(
        title=TITLE,
        columns=columns_for(ORDER_EXPORT_COLUMNS if export else ORDER_COLUMNS, user),
        default_sort="-date",
        filter_form=form,
        create_url=reverse("sales:order_create") if can_add else "",
        create_label=NEW_TITLE,
        export_name="sales-orders",
        empty_text=gettext_lazy("No orders match."),
    )
    return list_response(request, sales_order_search(user=user, **form.filters()), page)


# Entry


def _may_enter(user: Any, permission: str) -> None:
    """Entering an order means typing sales prices: it needs the permission and the right to see them."""
    if not (user.has_perm(permission) and can_view_prices(user)):
        raise PermissionDenied


def _form_page(
    request: HttpRequest, *, order: SalesOrder | None = None, copy: SalesOrder | None = None
) -> HttpResponse:
    user = request.user
    source = order or copy
    initial = SalesOrderForm.initial_for(source, copy=copy is not None) if source else {}
    if source is None and request.GET.get("customer", "").isdigit():
        initial["customer"] = int(request.GET["customer"])
    line_initial = [SalesLineForm.initial_for(ln) for ln in order_lines(source)] if source else []
    data = request.POST if request.method == "POST" else None
    form = SalesOrderForm(data, initial=initial, user=user, keep=order)
    lines = SalesLineFormSet(data, initial=line_initial, warehouse_id=form.warehouse_id())
    if data is not None and form.is_valid() and lines.is_valid():
        order_data, rows = form.to_data(lines)
        try:
            if order is None:
                saved = sales_order_create(actor=user, data=order_data)  # type: ignore[arg-type]
            else:
                saved = sales_order_update(actor=user, order=order, data=order_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form, rows)
        else:
            return _after_save(request, saved)
    lines.numbered()
    has_errors = bool(form.errors or any(lines.errors) or lines.non_form_errors())
    context = {
        "title": NEW_TITLE if order is None else order.number,
        "order": order,
        "copy": copy,
        "form": form,
        "lines": lines,
        "list_url": reverse("sales:order_list"),
        "list_title": TITLE,
        "row_errors": [row for row in lines.forms if row.errors and getattr(row, "number", None)],
    }
    return render(request, "sales/order_form.html", context, status=422 if data is not None and has_errors else 200)


def _after_save(request: HttpRequest, order: SalesOrder) -> HttpResponse:
    then = request.POST.get("then", "")
    if then == "submit" and request.user.has_perm(CHANGE):
        try:
            outcome = sales_order_submit(actor=request.user, order=order)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(
                request,
                _("Saved %(number)s as a draft, but it could not be submitted: %(error)s")
                % {"number": order.number, "error": error.text},
            )
            return redirect("sales:order_edit", order.pk)
        messages.success(request, submitted_text(order.number, outcome.approved, outcome.waiting))
    else:
        messages.success(request, _("Saved %(number)s.") % {"number": order.number})
    if then == "new":
        return redirect("sales:order_create")
    return redirect(order)


def order_create(request: HttpRequest) -> HttpResponse:
    """A new draft; ?copy=<id> starts from another order's lines, ?customer=<id> with a customer chosen."""
    _may_enter(request.user, ADD)
    copy = None
    copy_id = request.GET.get("copy", "")
    if copy_id.isdigit():
        copy = _order(request, int(copy_id))
    return _form_page(request, copy=copy)


def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _may_enter(request.user, CHANGE)
    order = _usable(request, pk)
    if order.status != OrderStatus.DRAFT:
        messages.error(request, _("%(number)s is not a draft any more: it cannot be changed.") % {"number": order})
        return redirect(order)
    return _form_page(request, order=order)


def _may_look_up(user: Any) -> None:
    if not ((user.has_perm(ADD) or user.has_perm(CHANGE)) and can_view_prices(user)):
        raise PermissionDenied


def _warehouse_param(request: HttpRequest) -> int | None:
    value = request.GET.get("warehouse", "")
    return int(value) if value.isdigit() else None


@require_GET
def order_line(request: HttpRequest) -> HttpResponse:
    """For the scan field: a new line row for the product a barcode or SKU names, in the unit it scans as (with its
    stock when ?warehouse= is given; the page fills it in otherwise)."""
    _may_look_up(request.user)
    index = request.GET.get("index", "")
    if not index.isdigit():
        return _json_error("validation_error", _("Bad request."), 400)
    hit = product_find_by_code(code=request.GET.get("code", ""))
    if hit is None:
        return _json_error("not_found", _("No product has this barcode or SKU."), 404)
    if not hit.product.active:
        return _json_error("inactive", _("%(name)s is deactivated.") % {"name": hit.product.name}, 422)
    context = SalesLineContext.for_warehouse({hit.product.pk}, _warehouse_param(request))
    row = sales_line_row(
        context=context, index=int(index), product=context.products[hit.product.pk], unit_id=hit.unit.pk
    )
    row.number = int(index) + 1  # type: ignore[attr-defined]
    return render(request, "sales/order_line_row.html", {"row": row})


@require_GET
def order_price(request: HttpRequest) -> JsonResponse:
    """The price to propose for a line (agreed, else last sold, else the customer's price level), in the line's
    unit, with or without tax, and where it came from."""
    user = request.user
    if not (user.has_perm(VIEW) and can_view_prices(user)):
        raise PermissionDenied
    params = request.GET
    product_id, unit_id, customer_id = params.get("product", ""), params.get("unit", ""), params.get("customer", "")
    if not product_id.isdigit() or (unit_id and not unit_id.isdigit()):
        return _json_error("validation_error", _("Bad request."), 400)
    include = params.get("include_tax", "")
    try:
        proposal = price_proposal(
            product_id=int(product_id),
            customer_id=int(customer_id) if customer_id.isdigit() else None,
            unit_id=int(unit_id) if unit_id else None,
            include_tax=None if include == "" else include in {"1", "true", "on"},
        )
    except DomainError as error:
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse(
        {
            "price": f"{proposal.price.normalize():f}",
            "source": proposal.source,
            "label": source_label(proposal.source),
            "tax_rate": f"{proposal.tax_rate.normalize():f}",
            "include_tax": proposal.include_tax,
        }
    )


@require_GET
def order_stock(request: HttpRequest) -> JsonResponse:
    """The stock of the line rows' products in a warehouse (base units): on hand, reserved, available, on order."""
    user: Any = request.user
    if not (user.has_perm(VIEW) or user.has_perm(ADD)):
        raise PermissionDenied
    warehouse_id = _warehouse_param(request)
    ids = [int(p) for p in request.GET.getlist("product") if p.isdigit()][:MAX_STOCK_PRODUCTS]
    if warehouse_id is None:
        return _json_error("validation_error", _("Bad request."), 400)
    if not warehouses_of(user=user).filter(pk=warehouse_id).exists():
        return _json_error("not_found", _("Not found."), 404)
    figures = stock_figures(ids, warehouse_id)
    return JsonResponse(
        {
            "warehouse": warehouse_id,
            "products": {
                str(product_id): {
                    "on_hand": format_quantity(f.on_hand),
                    "reserved": format_quantity(f.reserved),
                    "available": format_quantity(f.available),
                    "on_order": format_quantity(f.on_order),
                }
                for product_id, f in figures.items()
            },
        }
    )


# Detail and the order's life


def _with_profit(user: Any, order: SalesOrder, lines: list[SalesOrderLine]) -> OrderProfit | None:
    """For users who see costs: the order's gross profit, each line's attached as `line.profit` (LineProfit)."""
    if not can_view_cost(user):
        return None
    profit = order_profit(order, lines)
    for line in lines:
        line.profit = profit.lines.get(line.pk)  # type: ignore[attr-defined]
    return profit


def _detail_context(request: HttpRequest, order: SalesOrder) -> dict[str, Any]:
    user: Any = request.user  # logged in: every page needs it
    show_prices, show_cost = can_view_prices(user), can_view_cost(user)
    usable = may_use(user, order)
    status = order.status
    lines = order_lines(order)
    shipped = any(line.shipped_quantity > 0 for line in lines)
    profit = _with_profit(user, order, lines)
    reviewing = status in {OrderStatus.DRAFT, OrderStatus.SUBMITTED} and show_prices
    panel = approval_panel(
        user,
        document_type=SALES_ORDER,
        document_id=order.pk,
        submitted=status == OrderStatus.SUBMITTED,
        usable=usable,
        approve_permission=APPROVE,
    )
    return {
        **panel,
        **action_forms(),
        "order": order,
        "lines": [(line, line_progress(line), source_label(line.price_source)) for line in lines],
        "profit": profit,
        **_credit(order, reviewing),
        "badge": STATUS_BADGES.get(OrderStatus(status), ""),
        "list_url": reverse("sales:order_list"),
        "list_title": TITLE,
        "show_prices": show_prices,
        "show_cost_columns": show_cost,
        "can_edit": status == OrderStatus.DRAFT and usable and user.has_perm(CHANGE) and show_prices,
        "can_submit": status == OrderStatus.DRAFT and usable and user.has_perm(CHANGE),
        "can_unapprove": status == OrderStatus.APPROVED and usable and user.has_perm(APPROVE) and not shipped,
        "can_close": status in OPEN_ORDER_STATUSES and usable and user.has_perm(CHANGE),
        "can_void": status in {OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED}
        and usable
        and user.has_perm(CHANGE)
        and not shipped,
        "can_copy": user.has_perm(ADD) and show_prices,
        "trail": audit_trail(target=order)[:20] if show_prices else [],
    }


def _credit(order: SalesOrder, shown: bool) -> dict[str, Any]:
    """The customer's credit beside an order under review: exposure with this order, and whether over the limit."""
    if not shown:
        return {"credit": None}
    credit = credit_of(customer=order.customer, on=timezone.localdate(), exclude_order_id=order.pk)
    return {
        "credit": credit,
        "credit_after": credit.exposure + order.total,
        "credit_over": credit.over_with(order.total),
    }


def _detail_page(
    request: HttpRequest, order: SalesOrder, *, error: str = "", form_name: str = "", form: Any = None
) -> HttpResponse:
    context = _detail_context(request, order)
    return order_page(request, "sales/order_detail.html", context, error=error, form_name=form_name, form=form)


@permission_required(VIEW, raise_exception=True)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The order with its lines, review and life; ?export=xlsx exports its lines."""
    order = _order(request, pk)
    if request.GET.get("export") == "xlsx":
        columns = columns_for(LINE_COLUMNS, request.user)
        lines = order_lines(order)
        _with_profit(request.user, order, lines)
        return xlsx_response(filename=order.number, title=order.number, columns=columns, rows=rows_of(lines, columns))
    return _detail_page(request, order)


def _act(
    request: HttpRequest,
    pk: int,
    do: Callable[[SalesOrder, dict[str, Any]], str],
    *,
    form_name: str = "",
    form_class: type[forms.Form] | None = None,
) -> HttpResponse:
    """Run one step of the order's life from a POST (see `order_action`)."""
    return order_action(
        request,
        order=_usable(request, pk),
        do=do,
        reload=lambda: _order(request, pk),
        detail_page=_detail_page,
        form_name=form_name,
        form_class=form_class,
    )


@require_POST
@permission_required(CHANGE, raise_exception=True)
def order_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: SalesOrder, data: dict[str, Any]) -> str:
        outcome = sales_order_submit(actor=request.user, order=order)  # type: ignore[arg-type]
        return submitted_text(order.number, outcome.approved, outcome.waiting)

    return _act(request, pk, do)


@require_POST
@permission_required(VIEW, raise_exception=True)
def order_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the waiting steps the user's roles allow (the service refuses, naming the roles, otherwise); the last
    approval reserves the stock."""

    def do(order: SalesOrder, data: dict[str, Any]) -> str:
        outcome = sales_order_approve(actor=request.user, order=order, comment=data["comment"])  # type: ignore[arg-type]
        return approved_text(order.number, outcome.approved, outcome.waiting)

    return _act(request, pk, do, form_name="approve", form_class=CommentForm)


@require_POST
@permission_required(VIEW, raise_exception=True)
def order_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: SalesOrder, data: dict[str, Any]) -> str:
        sales_order_reject(actor=request.user, order=order, reason=data["reason"])  # type: ignore[arg-type]
        return _("Rejected %(number)s: it is a draft again.") % {"number": order.number}

    return _act(request, pk, do, form_name="reject", form_class=ReasonForm)


@require_POST
@permission_required(APPROVE, raise_exception=True)
def order_unapprove(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: SalesOrder, data: dict[str, Any]) -> str:
        sales_order_unapprove(actor=request.user, order=order)  # type: ignore[arg-type]
        return _("Unapproved %(number)s: it is a draft again and its stock is no longer reserved.") % {
            "number": order.number
        }

    return _act(request, pk, do)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: SalesOrder, data: dict[str, Any]) -> str:
        sales_order_close(actor=request.user, order=order, reason=data["reason"])  # type: ignore[arg-type]
        return _("Closed %(number)s: what has not been shipped is cancelled.") % {"number": order.number}

    return _act(request, pk, do, form_name="close", form_class=ReasonForm)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def order_void(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: SalesOrder, data: dict[str, Any]) -> str:
        sales_order_void(actor=request.user, order=order, reason=data["reason"])  # type: ignore[arg-type]
        return _("Voided %(number)s.") % {"number": order.number}

    return _act(request, pk, do, form_name="void", form_class=ReasonForm)


@permission_required(VIEW, raise_exception=True)
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A clean A4 page to print, sign and send to the customer (prices only for users who may see them; never the
    profit)."""
    order = _order(request, pk)
    context = {
        "order": order,
        "company": company_get(),
        "customer": order.customer,
        "lines": order_lines(order),
        "show_prices": can_view_prices(request.user),
        "printed_at": timezone.localtime(),
    }
    return render(request, "sales/order_print.html", context)


urlpatterns: list[URLPattern] = [
    path("orders/", order_list, name="order_list"),
    path("orders/new/", order_create, name="order_create"),
    path("orders/line/", order_line, name="order_line"),
    path("orders/price/", order_price, name="order_price"),
    path("orders/stock/", order_stock, name="order_stock"),
    path("orders/<int:pk>/", order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", order_edit, name="order_edit"),
    path("orders/<int:pk>/submit/", order_submit, name="order_submit"),
    path("orders/<int:pk>/approve/", order_approve, name="order_approve"),
    path("orders/<int:pk>/reject/", order_reject, name="order_reject"),
    path("orders/<int:pk>/unapprove/", order_unapprove, name="order_unapprove"),
    path("orders/<int:pk>/close/", order_close, name="order_close"),
    path("orders/<int:pk>/void/", order_void, name="order_void"),
    path("orders/<int:pk>/print/", order_print, name="order_print"),
]
