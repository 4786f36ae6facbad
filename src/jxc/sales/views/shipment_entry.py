"""Pages: entering a shipment (销售出库).

Against one or several approved orders of a customer — prefilled from `?order=` (repeatable), or picked from the
customer's open order lines by line, by order or all, each line shipping what is left of it and typed down for a
backorder — or free lines by scanning. Any error the services raise is shown next to its field or row, with
everything typed kept.
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
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jxc.accounts.selectors import include_tax_default
from jxc.catalog.selectors import product_find_by_code
from jxc.core.errors import DomainError
from jxc.core.forms import apply_error
from jxc.inventory.choices import DocumentKind, PostingStatus
from jxc.inventory.forms_documents import LineContext
from jxc.sales.choices import OPEN_ORDER_STATUSES
from jxc.sales.forms_shipments import ShipmentForm, ShipmentLineForm, ShipmentLineFormSet, shipment_row_form
from jxc.sales.models import SalesOrder, SalesShipment
from jxc.sales.selectors.documents import can_view_prices, sales_order_get_for
from jxc.sales.selectors.shipments import open_order_lines, shipment_lines
from jxc.sales.services.shipments import sales_shipment_create, sales_shipment_update
from jxc.sales.views.shipments import ADD, CHANGE, NEW_TITLE, TITLE, VIEW, usable_shipment


def _json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "data": {}}, status=status)


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _orders_prefill(request: HttpRequest, orders: list[SalesOrder]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The header and rows of a shipment for what is left of these orders (one customer: the first order's)."""
    first = orders[0]
    usable = []
    for order in orders:
        if order.customer_id != first.customer_id or order.warehouse_id != first.warehouse_id:
            messages.warning(
                request,
                _("%(number)s is for another customer or warehouse: left out.") % {"number": order.number},
            )
        elif order.status not in OPEN_ORDER_STATUSES:
            messages.warning(
                request,
                _("%(number)s is %(status)s: nothing can be shipped against it.")
                % {"number": order.number, "status": order.get_status_display()},
            )
        else:
            usable.append(order.pk)
    lines = open_order_lines(user=request.user, customer_id=first.customer_id, order_ids=usable) if usable else []
    header = {
        "customer": first.customer_id,
        "warehouse": first.warehouse_id,
        "prices_include_tax": first.prices_include_tax,
    }
    return header, [ShipmentLineForm.initial_from_order(ln.line) for ln in lines]


def _form_page(
    request: HttpRequest, *, shipment: SalesShipment | None = None, orders: list[SalesOrder] | None = None
) -> HttpResponse:
    user = request.user
    show_prices = can_view_prices(user)
    data = request.POST if request.method == "POST" else None
    initial: dict[str, Any] = {}
    line_initial: list[dict[str, Any]] = []
    if shipment is not None:
        initial = ShipmentForm.initial_for(shipment)
        if data is None:
            line_initial = [
                ShipmentLineForm.initial_for(ln, show_prices=show_prices) for ln in shipment_lines(shipment)
            ]
    elif orders and data is None:
        initial, line_initial = _orders_prefill(request, orders)
    elif orders:
        initial = {"customer": orders[0].customer_id}
    else:
        initial = {"prices_include_tax": include_tax_default(None)}
    form = ShipmentForm(data, initial=initial, user=user, show_prices=show_prices)
    lines = ShipmentLineFormSet(data, initial=line_initial, user=user, show_prices=show_prices)
    if data is not None and form.is_valid() and lines.is_valid():
        shipment_data, rows = form.to_data(lines, keep=shipment)
        try:
            if shipment is None:
                saved = sales_shipment_create(actor=user, data=shipment_data)  # type: ignore[arg-type]
            else:
                saved = sales_shipment_update(actor=user, shipment=shipment, data=shipment_data)  # type: ignore[arg-type]
        except DomainError as error:
            apply_error(error, form, rows)
        else:
            return _after_save(request, saved)
    lines.numbered()
    has_errors = bool(form.errors or any(lines.errors) or lines.non_form_errors())
    context = {
        "title": NEW_TITLE if shipment is None else shipment.number,
        "shipment": shipment,
        "orders": orders or [],
        "form": form,
        "lines": lines,
        "show_prices": show_prices,
        "picked": shipment is not None and shipment.lines.filter(picked_quantity__gt=0).exists(),
        "list_url": reverse("sales:shipment_list"),
        "list_title": TITLE,
        "row_errors": [row for row in lines.forms if row.errors and getattr(row, "number", None)],
    }
    status = 422 if data is not None and has_errors else 200
    return render(request, "sales/shipment_form.html", context, status=status)


def _after_save(request: HttpRequest, shipment: SalesShipment) -> HttpResponse:
    then = request.POST.get("then", "")
    messages.success(request, _("Saved %(number)s.") % {"number": shipment.number})
    if then == "pick":
        return redirect("sales:shipment_pick", shipment.pk)
    if then == "new":
        return redirect("sales:shipment_create")
    return redirect(shipment)


@permission_required(ADD, raise_exception=True)
def shipment_create(request: HttpRequest) -> HttpResponse:
    """A new draft; ?order=<id> (repeatable) ships what is left of those orders."""
    orders = []
    for value in request.GET.getlist("order"):
        if not value.isdigit():
            raise Http404
        try:
            orders.append(sales_order_get_for(user=request.user, pk=int(value)))
        except SalesOrder.DoesNotExist:
            raise Http404 from None
    return _form_page(request, orders=orders)


@permission_required(CHANGE, raise_exception=True)
def shipment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = usable_shipment(request, pk)
    if shipment.status != PostingStatus.DRAFT:
        messages.error(request, _("%(number)s is not a draft any more: it cannot be changed.") % {"number": shipment})
        return redirect(shipment)
    return _form_page(request, shipment=shipment)


def _may_enter(user: Any) -> None:
    if not (user.has_perm(ADD) or user.has_perm(CHANGE)):
        raise PermissionDenied


@require_GET
def shipment_line(request: HttpRequest) -> HttpResponse:
    """New rows: for the scan field, a free line for the product a barcode or SKU names (in the unit it scans as);
    with ?order_line= (repeatable) and ?customer=, one row per open order line, shipping what is left of it."""
    _may_enter(request.user)
    index = _int(request.GET.get("index", ""))
    if index is None:
        return _json_error("validation_error", _("Bad request."), 400)
    show_prices = can_view_prices(request.user)
    wanted = {int(v) for v in request.GET.getlist("order_line") if v.isdigit()}
    rows: list[ShipmentLineForm] = []
    if wanted:
        customer_id = _int(request.GET.get("customer", "")) or 0
        found = [ln.line for ln in open_order_lines(user=request.user, customer_id=customer_id) if ln.line.pk in wanted]
        if not found:
            return _json_error("not_found", _("These order lines have nothing left to ship."), 404)
        context = LineContext.build(
            user=request.user,
            kind=DocumentKind.ISSUE,
            show_cost=show_prices,
            product_ids={ln.product_id for ln in found},
        )
        for i, order_line in enumerate(found):
            initial = ShipmentLineForm.initial_from_order(order_line)
            product = context.products[order_line.product_id]
            rows.append(
                shipment_row_form(
                    context=context, index=index + i, product=product, order_line=order_line, initial=initial
                )
            )
    else:
        hit = product_find_by_code(code=request.GET.get("code", ""))
        if hit is None:
            return _json_error("not_found", _("No product has this barcode or SKU."), 404)
        if not hit.product.active:
            return _json_error("inactive", _("%(name)s is deactivated.") % {"name": hit.product.name}, 422)
        context = LineContext.build(
            user=request.user, kind=DocumentKind.ISSUE, show_cost=show_prices, product_ids={hit.product.pk}
        )
        initial = {"product": hit.product.pk, "unit": hit.unit.pk, "quantity": Decimal(1)}
        rows.append(
            shipment_row_form(context=context, index=index, product=context.products[hit.product.pk], initial=initial)
        )
    html = []
    for i, row in enumerate(rows):
        row.number = index + i + 1  # type: ignore[attr-defined]
        html.append(
            render_to_string("sales/shipment_line_row.html", {"row": row, "show_prices": show_prices}, request=request)
        )
    return HttpResponse("".join(html))


@require_GET
@permission_required(VIEW, raise_exception=True)
def shipment_order_lines(request: HttpRequest) -> HttpResponse:
    """The htmx panel of the entry form: the chosen customer's open order lines by order, to add by line, by order
    or all at once."""
    customer_id = _int(request.GET.get("customer", ""))
    rows = open_order_lines(user=request.user, customer_id=customer_id) if customer_id else []
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        order = row.line.order
        groups.setdefault(order.pk, {"order": order, "rows": []})["rows"].append(row)
    context = {
        "groups": list(groups.values()),
        "customer_id": customer_id,
        "show_prices": can_view_prices(request.user),
    }
    return render(request, "sales/shipment_order_lines.html", context)


urlpatterns: list[URLPattern] = [
    path("shipments/new/", shipment_create, name="shipment_create"),
    path("shipments/line/", shipment_line, name="shipment_line"),
    path("shipments/order-lines/", shipment_order_lines, name="shipment_order_lines"),
    path("shipments/<int:pk>/edit/", shipment_edit, name="shipment_edit"),
]
