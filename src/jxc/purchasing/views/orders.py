"""Pages: purchase orders (采购订单).

The list with filters and Excel export, the overdue list, the entry form with a scan field and recalled prices,
the detail page with the order's life (submit, approve or reject, unapprove, close, void, copy, receive), the
print view, and the home-page card of overdue orders.
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
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jxc.accounts.approvals import PURCHASE_ORDER
from jxc.accounts.selectors import audit_trail, company_get
from jxc.catalog.errors import UnitNotOfProduct
from jxc.catalog.models import Product
from jxc.catalog.selectors import product_find_by_code, unit_factor
from jxc.core.columns import can_view_cost, rows_of, visible_columns
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.inventory.forms_orders import CommentForm, OrderLineContext, ReasonForm
from jxc.inventory.order_pages import (
    action_forms,
    approval_panel,
    approved_text,
    order_action,
    order_page,
    submitted_text,
)
from jxc.purchasing.choices import OPEN_ORDER_STATUSES, OrderStatus
from jxc.purchasing.forms_orders import (
    OrderFilterForm,
    OrderForm,
    OrderLineForm,
    OrderLineFormSet,
    order_line_row,
)
from jxc.purchasing.models import PurchaseOrder
from jxc.purchasing.selectors.documents import (
    line_progress,
    may_use,
    order_lines,
    order_receipts,
    overdue_orders,
    purchase_order_get_for,
    purchase_order_search,
)
from jxc.purchasing.selectors.terms import price_recall
from jxc.purchasing.services.orders import (
    include_tax_default,
    purchase_order_approve,
    purchase_order_close,
    purchase_order_create,
    purchase_order_reject,
    purchase_order_submit,
    purchase_order_unapprove,
    purchase_order_update,
    purchase_order_void,
)
from jxc.purchasing.tables_orders import (
    LINE_COLUMNS,
    ORDER_COLUMNS,
    ORDER_EXPORT_COLUMNS,
    OVERDUE_COLUMNS,
    OVERDUE_EXPORT_COLUMNS,
    STATUS_BADGES,
    days_late,
    received_pct,
    with_progress,
)

VIEW = "purchasing.view_purchaseorder"
ADD = "purchasing.add_purchaseorder"
CHANGE = "purchasing.change_purchaseorder"
APPROVE = "purchasing.approve_purchaseorder"
ADD_RECEIPT = "purchasing.add_purchasereceipt"

TITLE = gettext_lazy("Purchase orders")
NEW_TITLE = gettext_lazy("New purchase order")
OVERDUE_TITLE = gettext_lazy("Overdue purchase orders")
PRICE_SOURCES = {"last_price": gettext_lazy("last price"), "purchase_price": gettext_lazy("purchase price")}
HOME_CARD_ROWS = 8


def _order(request: HttpRequest, pk: int) -> PurchaseOrder:
    try:
        return purchase_order_get_for(user=request.user, pk=pk)
    except PurchaseOrder.DoesNotExist:
        raise Http404 from None


def _usable(request: HttpRequest, pk: int) -> PurchaseOrder:
    order = _order(request, pk)
    if not may_use(request.user, order):
        raise PermissionDenied
    return order


# Lists


def _list(request: HttpRequest, *, overdue: bool) -> HttpResponse:
    form = OrderFilterForm(request.GET or None, user=request.user, overdue_page=overdue)
    filters = form.filters()
    if overdue:
        filters["overdue_on"] = timezone.localdate()
    export = request.GET.get("export") == "xlsx"
    if overdue:
        columns = OVERDUE_EXPORT_COLUMNS if export else OVERDUE_COLUMNS
    else:
        columns = ORDER_EXPORT_COLUMNS if export else ORDER_COLUMNS
    can_add = request.user.has_perm(ADD) and can_view_cost(request.user)
    page = ListPage(
        title=OVERDUE_TITLE if overdue else TITLE,
        columns=columns,
        default_sort="due" if overdue else "-date",
        filter_form=form,
        create_url=reverse("purchasing:order_create") if can_add else "",
        create_label=NEW_TITLE,
        export_name="overdue-purchase-orders" if overdue else "purchase-orders",
        empty_text=gettext_lazy("No overdue orders.") if overdue else gettext_lazy("No orders match."),
    )
    return list_response(request, with_progress(purchase_order_search(user=request.user, **filters)), page)


@permission_required(VIEW, raise_exception=True)
def order_list(request: HttpRequest) -> HttpResponse:
    """All orders the user may see, with filters; ?export=xlsx exports the filtered list."""
    return _list(request, overdue=False)


@permission_required(VIEW, raise_exception=True)
def order_overdue(request: HttpRequest) -> HttpResponse:
    """Approved orders with goods still to arrive after their expected date, the longest late first."""
    return _list(request, overdue=True)


def overdue_context(user: Any) -> dict[str, Any]:
    """What the home-page card shows: the most overdue orders and how many there are ({} without access)."""
    if not user.has_perm(VIEW):
        return {}
    orders = with_progress(overdue_orders(user=user, on=timezone.localdate())).order_by("due", "pk")
    top = list(orders[:HOME_CARD_ROWS])
    count = len(top) if len(top) < HOME_CARD_ROWS else orders.count()
    for order in top:
        order.days_late = days_late(order)  # type: ignore[attr-defined]
        order.received_pct = received_pct(order)  # type: ignore[attr-defined]
    return {"overdue_orders": {"top": top, "count": count, "url": reverse("purchasing:order_overdue")}}


# Entry


def _form_page(
    request: HttpRequest, *, order: PurchaseOrder | None = None, copy: PurchaseOrder | None = None
) -> HttpResponse:
    user = request.user
    source = order or copy
    initial = OrderForm.initial_for(source, copy=copy is not None) if source else {}
    if source is None and request.GET.get("supplier", "").isdigit():
        initial["supplier"] = int(request.GET["supplier"])
    line_initial = (
        [OrderLineForm.initial_for(ln, copy=copy is not None) for ln in order_lines(source)] if source else []
    )
    data = request.POST if request.method == "POST" else None
    form = OrderForm(data, initial=initial, user=user, keep_supplier=order.supplier_id if order else None)
    lines = OrderLineFormSet(data, initial=line_initial)
    if data is not None and form.is_valid() and lines.is_valid():
        order_data, rows = form.to_data(lines)
        try:
            if order is None:
                saved = purchase_order_create(actor=user, data=order_data)  # type: ignore[arg-type]
            else:
                saved = purchase_order_update(actor=user, order=order, data=order_data)  # type: ignore[arg-type]
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
        "list_url": reverse("purchasing:order_list"),
        "list_title": TITLE,
        "row_errors": [row for row in lines.forms if row.errors and getattr(row, "number", None)],
    }
    return render(
        request, "purchasing/order_form.html", context, status=422 if data is not None and has_errors else 200
    )


def _after_save(request: HttpRequest, order: PurchaseOrder) -> HttpResponse:
    then = request.POST.get("then", "")
    if then == "submit" and request.user.has_perm(CHANGE):
        try:
            outcome = purchase_order_submit(actor=request.user, order=order)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(
                request,
                _("Saved %(number)s as a draft, but it could not be submitted: %(error)s")
                % {"number": order.number, "error": error.text},
            )
            return redirect("purchasing:order_edit", order.pk)
        messages.success(request, submitted_text(order.number, outcome.approved, outcome.waiting))
    else:
        messages.success(request, _("Saved %(number)s.") % {"number": order.number})
    if then == "new":
        return redirect("purchasing:order_create")
    return redirect(order)


def _may_enter(user: Any, permission: str) -> None:
    """Entering an order means typing purchase prices: it needs the permission and the right to see costs."""
    if not (user.has_perm(permission) and can_view_cost(user)):
        raise PermissionDenied


def order_create(request: HttpRequest) -> HttpResponse:
    """A new draft; ?copy=<id> starts from another order's lines, ?supplier=<id> with a supplier chosen."""
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


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "data": {}}, status=status)


@require_GET
def order_line(request: HttpRequest) -> HttpResponse:
    """For the scan field: a new line row for the product a barcode or SKU names, in the unit it scans as."""
    user = request.user
    if not ((user.has_perm(ADD) or user.has_perm(CHANGE)) and can_view_cost(user)):
        raise PermissionDenied
    index = request.GET.get("index", "")
    if not index.isdigit():
        return _json_error("validation_error", _("Bad request."), 400)
    hit = product_find_by_code(code=request.GET.get("code", ""))
    if hit is None:
        return _json_error("not_found", _("No product has this barcode or SKU."), 404)
    if not hit.product.active:
        return _json_error("inactive", _("%(name)s is deactivated.") % {"name": hit.product.name}, 422)
    context = OrderLineContext.build({hit.product.pk})
    row = order_line_row(
        context=context, index=int(index), product=context.products[hit.product.pk], unit_id=hit.unit.pk
    )
    row.number = int(index) + 1  # type: ignore[attr-defined]
    return render(request, "purchasing/order_line_row.html", {"row": row})


@require_GET
def order_price(request: HttpRequest) -> JsonResponse:
    """The price to propose for a line (this supplier's last price, else the purchase price), in the line's unit,
    with or without tax, and where it came from."""
    user = request.user
    if not (user.has_perm(VIEW) and can_view_cost(user)):
        raise PermissionDenied
    params = request.GET
    product_id, unit_id, supplier_id = params.get("product", ""), params.get("unit", ""), params.get("supplier", "")
    if not product_id.isdigit() or (unit_id and not unit_id.isdigit()):
        return _json_error("validation_error", _("Bad request."), 400)
    product = Product.objects.select_related("base_unit").filter(pk=int(product_id)).first()
    if product is None:
        return _json_error("not_found", _("Not found."), 404)
    try:
        factor = unit_factor(product=product, unit_id=int(unit_id) if unit_id else product.base_unit_id)
    except UnitNotOfProduct as error:
        return JsonResponse(error.as_dict(), status=error.status)
    include = params.get("include_tax", "")
    include_tax = include_tax_default(None if include == "" else include in {"1", "true", "on"})
    price, source = price_recall(
        supplier_id=int(supplier_id) if supplier_id.isdigit() else None,
        product=product,
        factor=factor,
        tax_rate=product.tax_rate,
        include_tax=include_tax,
    )
    return JsonResponse(
        {
            "price": f"{price.normalize():f}",
            "source": source,
            "label": str(PRICE_SOURCES.get(source, source)),
            "tax_rate": f"{product.tax_rate.normalize():f}",
            "include_tax": include_tax,
        }
    )


# Detail and the order's life


def _receipt_url(receipt: Any) -> str:
    try:
        return str(receipt.get_absolute_url())
    except NoReverseMatch:  # the receipt pages are not mounted yet
        return ""


def _receive_url(order: PurchaseOrder) -> str:
    try:
        base = reverse("purchasing:receipt_create")
    except NoReverseMatch:
        base = "/purchasing/receipts/new/"
    return f"{base}?order={order.pk}"


def _detail_context(request: HttpRequest, order: PurchaseOrder) -> dict[str, Any]:
    user: Any = request.user  # logged in: every page needs it
    show_cost = can_view_cost(user)
    usable = may_use(user, order)
    status = order.status
    lines = order_lines(order)
    receipts = order_receipts(order)
    has_receipts = bool(receipts)
    panel = approval_panel(
        user,
        document_type=PURCHASE_ORDER,
        document_id=order.pk,
        submitted=status == OrderStatus.SUBMITTED,
        usable=usable,
        approve_permission=APPROVE,
    )
    return {
        **panel,
        **action_forms(),
        "order": order,
        "lines": [(line, line_progress(line)) for line in lines],
        "badge": STATUS_BADGES.get(OrderStatus(status), ""),
        "list_url": reverse("purchasing:order_list"),
        "list_title": TITLE,
        "receipts": [(receipt, _receipt_url(receipt)) for receipt in receipts],
        "show_cost_columns": show_cost,
        "can_edit": status == OrderStatus.DRAFT and usable and user.has_perm(CHANGE) and show_cost,
        "can_submit": status == OrderStatus.DRAFT and usable and user.has_perm(CHANGE),
        "can_unapprove": status == OrderStatus.APPROVED and usable and user.has_perm(APPROVE) and not has_receipts,
        "can_close": status in OPEN_ORDER_STATUSES and usable and user.has_perm(CHANGE),
        "can_void": status in {OrderStatus.DRAFT, OrderStatus.SUBMITTED, OrderStatus.APPROVED}
        and usable
        and user.has_perm(CHANGE)
        and not has_receipts,
        "can_copy": user.has_perm(ADD) and show_cost,
        "receive_url": _receive_url(order)
        if status in OPEN_ORDER_STATUSES and usable and user.has_perm(ADD_RECEIPT)
        else "",
        "trail": audit_trail(target=order)[:20] if show_cost else [],
    }


def _detail_page(
    request: HttpRequest, order: PurchaseOrder, *, error: str = "", form_name: str = "", form: Any = None
) -> HttpResponse:
    context = _detail_context(request, order)
    return order_page(request, "purchasing/order_detail.html", context, error=error, form_name=form_name, form=form)


@permission_required(VIEW, raise_exception=True)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if request.GET.get("export") == "xlsx":
        columns = visible_columns(LINE_COLUMNS, request.user)
        return xlsx_response(
            filename=order.number, title=order.number, columns=columns, rows=rows_of(order_lines(order), columns)
        )
    return _detail_page(request, order)


def _act(
    request: HttpRequest,
    pk: int,
    do: Callable[[PurchaseOrder, dict[str, Any]], str],
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
    def do(order: PurchaseOrder, data: dict[str, Any]) -> str:
        outcome = purchase_order_submit(actor=request.user, order=order)  # type: ignore[arg-type]
        return submitted_text(order.number, outcome.approved, outcome.waiting)

    return _act(request, pk, do)


@require_POST
@permission_required(VIEW, raise_exception=True)
def order_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the waiting steps the user's roles allow (the service refuses, naming the roles, otherwise)."""

    def do(order: PurchaseOrder, data: dict[str, Any]) -> str:
        outcome = purchase_order_approve(actor=request.user, order=order, comment=data["comment"])  # type: ignore[arg-type]
        return approved_text(order.number, outcome.approved, outcome.waiting)

    return _act(request, pk, do, form_name="approve", form_class=CommentForm)


@require_POST
@permission_required(VIEW, raise_exception=True)
def order_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: PurchaseOrder, data: dict[str, Any]) -> str:
        purchase_order_reject(actor=request.user, order=order, reason=data["reason"])  # type: ignore[arg-type]
        return _("Rejected %(number)s: it is a draft again.") % {"number": order.number}

    return _act(request, pk, do, form_name="reject", form_class=ReasonForm)


@require_POST
@permission_required(APPROVE, raise_exception=True)
def order_unapprove(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: PurchaseOrder, data: dict[str, Any]) -> str:
        purchase_order_unapprove(actor=request.user, order=order)  # type: ignore[arg-type]
        return _("Unapproved %(number)s: it is a draft again.") % {"number": order.number}

    return _act(request, pk, do)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def order_close(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: PurchaseOrder, data: dict[str, Any]) -> str:
        purchase_order_close(actor=request.user, order=order, reason=data["reason"])  # type: ignore[arg-type]
        return _("Closed %(number)s: what has not arrived is cancelled.") % {"number": order.number}

    return _act(request, pk, do, form_name="close", form_class=ReasonForm)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def order_void(request: HttpRequest, pk: int) -> HttpResponse:
    def do(order: PurchaseOrder, data: dict[str, Any]) -> str:
        purchase_order_void(actor=request.user, order=order, reason=data["reason"])  # type: ignore[arg-type]
        return _("Voided %(number)s.") % {"number": order.number}

    return _act(request, pk, do, form_name="void", form_class=ReasonForm)


@permission_required(VIEW, raise_exception=True)
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    """A clean A4 page to print, sign and send to the supplier (prices only for users who may see them)."""
    order = _order(request, pk)
    context = {
        "order": order,
        "company": company_get(),
        "supplier": order.supplier,
        "lines": order_lines(order),
        "show_cost_columns": can_view_cost(request.user),
        "printed_at": timezone.localtime(),
    }
    return render(request, "purchasing/order_print.html", context)


urlpatterns: list[URLPattern] = [
    path("orders/", order_list, name="order_list"),
    path("orders/new/", order_create, name="order_create"),
    path("orders/line/", order_line, name="order_line"),
    path("orders/price/", order_price, name="order_price"),
    path("orders/<int:pk>/", order_detail, name="order_detail"),
    path("orders/<int:pk>/edit/", order_edit, name="order_edit"),
    path("orders/<int:pk>/submit/", order_submit, name="order_submit"),
    path("orders/<int:pk>/approve/", order_approve, name="order_approve"),
    path("orders/<int:pk>/reject/", order_reject, name="order_reject"),
    path("orders/<int:pk>/unapprove/", order_unapprove, name="order_unapprove"),
    path("orders/<int:pk>/close/", order_close, name="order_close"),
    path("orders/<int:pk>/void/", order_void, name="order_void"),
    path("orders/<int:pk>/print/", order_print, name="order_print"),
    path("overdue/", order_overdue, name="order_overdue"),
]
