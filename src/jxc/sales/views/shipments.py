"""Pages: shipments (销售出库).

The list with filters and Excel export; the orders to ship; the detail page with its actions (ship with carrier and
tracking number, delete, reverse with a preview, print the delivery note 送货单). Entry is in `shipment_entry`,
picking and packing in `picking`, delivery tracking in `tracking`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.accounts.selectors import audit_trail
from jxc.core.columns import can_view_cost, rows_of
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.forms import apply_error
from jxc.core.listing import ListPage, list_response
from jxc.inventory.choices import PostingStatus
from jxc.inventory.forms_documents import ReverseForm
from jxc.inventory.selectors import reversal_preview
from jxc.partners.selectors import partner_balance
from jxc.sales.choices import SHIPMENT_SOURCE, DeliveryStatus
from jxc.sales.forms_shipments import ShipForm, ShipmentFilterForm, ToShipFilterForm
from jxc.sales.models import SalesShipment
from jxc.sales.selectors.documents import can_view_prices
from jxc.sales.selectors.shipments import (
    may_use,
    orders_to_ship,
    pick_list,
    pick_progress,
    reversed_shipment,
    sales_shipment_get_for,
    sales_shipment_search,
    shipment_lines,
    shipment_moves,
    shipment_orders,
)
from jxc.sales.services.shipments import sales_shipment_delete, sales_shipment_post, sales_shipment_reverse
from jxc.sales.tables_shipments import (
    DELIVERY_BADGES,
    SHIPMENT_COLUMNS,
    SHIPMENT_EXPORT_COLUMNS,
    SHIPMENT_LINE_COLUMNS,
    STATUS_BADGES,
    TO_SHIP_COLUMNS,
    TO_SHIP_EXPORT_COLUMNS,
    columns_for,
)
from jxc.sales.views.tracking import status_links, tracking_panel

VIEW = "sales.view_salesshipment"
ADD = "sales.add_salesshipment"
CHANGE = "sales.change_salesshipment"
POST = "sales.post_salesshipment"

TITLE = gettext_lazy("Shipments")
NEW_TITLE = gettext_lazy("New shipment")


def shipment_for(request: HttpRequest, pk: int) -> SalesShipment:
    try:
        return sales_shipment_get_for(user=request.user, pk=pk)
    except SalesShipment.DoesNotExist:
        raise Http404 from None


def usable_shipment(request: HttpRequest, pk: int) -> SalesShipment:
    shipment = shipment_for(request, pk)
    if not may_use(request.user, shipment):
        raise PermissionDenied
    return shipment


# Lists


@permission_required(VIEW, raise_exception=True)
def shipment_list(request: HttpRequest) -> HttpResponse:
    """Shipments with filters; ?export=xlsx exports the filtered list (totals only for users who see prices)."""
    user = request.user
    form = ShipmentFilterForm(request.GET or None, user=user)
    export = request.GET.get("export") == "xlsx"
    page = ListPage(
        title=TITLE,
        columns=columns_for(SHIPMENT_EXPORT_COLUMNS if export else SHIPMENT_COLUMNS, user),
        default_sort="-date",
        filter_form=form,
        create_url=reverse("sales:shipment_create") if user.has_perm(ADD) else "",
        create_label=NEW_TITLE,
        export_name="shipments",
        empty_text=gettext_lazy("No shipments match."),
    )
    return list_response(request, sales_shipment_search(user=user, **form.filters()), page)


@permission_required(VIEW, raise_exception=True)
def to_ship_list(request: HttpRequest) -> HttpResponse:
    """Approved orders with something left to ship, each with a link to ship it; ?export=xlsx exports them."""
    user = request.user
    form = ToShipFilterForm(request.GET or None, user=user)
    export = request.GET.get("export") == "xlsx"
    columns = TO_SHIP_EXPORT_COLUMNS if export or not user.has_perm(ADD) else TO_SHIP_COLUMNS
    page = ListPage(
        title=gettext_lazy("Orders to ship"),
        columns=columns,
        default_sort="date",
        filter_form=form,
        export_name="orders-to-ship",
        empty_text=gettext_lazy("Every approved order is shipped."),
    )
    return list_response(request, orders_to_ship(user=user, **form.filters()), page)


# Detail and actions


def _returns(shipment: SalesShipment) -> list[dict[str, Any]]:
    """The returns against the shipment, each with its page if the returns pages are there."""
    found = []
    for sales_return in shipment.returns.order_by("date", "pk"):
        try:
            url = sales_return.get_absolute_url()
        except NoReverseMatch:
            url = ""
        found.append({"obj": sales_return, "url": url})
    return found


def _detail_context(request: HttpRequest, shipment: SalesShipment) -> dict[str, Any]:
    user: Any = request.user
    show_prices, show_cost = can_view_prices(user), can_view_cost(user)
    usable = may_use(user, shipment)
    status = shipment.status
    draft = status == PostingStatus.DRAFT
    is_reversal = shipment.reversal_of_id is not None
    lines = shipment_lines(shipment)
    orders = shipment_orders(lines)
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.unit.name] = totals.get(line.unit.name, Decimal(0)) + line.unit_quantity
    picked, to_pick = pick_progress(pick_list(shipment)) if draft else (Decimal(0), Decimal(0))
    returns = _returns(shipment) if status == PostingStatus.POSTED else []
    return {
        "shipment": shipment,
        "lines": lines,
        "orders": orders,
        "packages": list(shipment.packages.all()),
        "moves": shipment_moves(shipment),
        "reversal": reversed_shipment(shipment) if status == PostingStatus.REVERSED else None,
        "returns": returns,
        "badge": STATUS_BADGES.get(PostingStatus(status), ""),
        "delivery_badge": DELIVERY_BADGES.get(DeliveryStatus(shipment.delivery_status), ""),
        "list_url": reverse("sales:shipment_list"),
        "list_title": TITLE,
        "show_prices": show_prices,
        "show_cost": show_cost,
        "totals": sorted(totals.items()),
        "goods_total": shipment.amount + shipment.tax,
        "has_tracking": any(ln.lot_id or ln.serials or ln.picked_serials for ln in lines),
        "picked": picked,
        "to_pick": to_pick,
        "pick_complete": bool(lines) and picked >= to_pick,
        "can_edit": draft and usable and user.has_perm(CHANGE),
        "can_pick": draft and usable and user.has_perm(CHANGE),
        "can_ship": draft and usable and user.has_perm(POST),
        "can_reverse": status == PostingStatus.POSTED and not is_reversal and usable and user.has_perm(POST),
        "ship_form": ShipForm(initial=ShipForm.initial_for(shipment), document_date=shipment.date),
        "status_links": status_links(request, shipment=shipment, orders=orders),
        "trail": audit_trail(target=shipment)[:20] if show_prices else [],
        **tracking_panel(request, shipment),
    }


def detail_page(
    request: HttpRequest,
    shipment: SalesShipment,
    *,
    error: str = "",
    ship_form: ShipForm | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The shipment page; `extra` replaces parts of it (the tracking section with its forms in error)."""
    context = _detail_context(request, shipment)
    context["error"] = error
    if ship_form is not None:
        context["ship_form"] = ship_form
    context.update(extra or {})
    failed = bool(error) or (ship_form is not None and bool(ship_form.errors))
    return render(request, "sales/shipment_detail.html", context, status=422 if failed else 200)


@permission_required(VIEW, raise_exception=True)
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The shipment; ?export=xlsx exports its lines."""
    shipment = shipment_for(request, pk)
    if request.GET.get("export") == "xlsx":
        columns = columns_for(SHIPMENT_LINE_COLUMNS, request.user)
        lines = shipment_lines(shipment)
        return xlsx_response(
            filename=shipment.number, title=shipment.number, columns=columns, rows=rows_of(lines, columns)
        )
    return detail_page(request, shipment)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def shipment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft (the detail page asks to confirm)."""
    shipment = usable_shipment(request, pk)
    try:
        sales_shipment_delete(actor=request.user, shipment=shipment)  # type: ignore[arg-type]
    except DomainError as error:
        return detail_page(request, shipment, error=error.text)
    messages.success(request, _("Deleted %(number)s.") % {"number": shipment.number})
    return redirect("sales:shipment_list")


@require_POST
@permission_required(POST, raise_exception=True)
def shipment_ship(request: HttpRequest, pk: int) -> HttpResponse:
    """Ship a draft with its carrier, tracking number and expected delivery: stock out at cost, reservations
    consumed, receivable up, orders on. Again: nothing changes."""
    shipment = usable_shipment(request, pk)
    form = ShipForm(request.POST, document_date=shipment.date)
    if form.is_valid():
        d = form.cleaned_data
        try:
            shipment = sales_shipment_post(
                actor=request.user,  # type: ignore[arg-type]
                shipment=shipment,
                carrier=d["carrier"],
                tracking_no=d["tracking_no"],
                expected_delivery=d["expected_delivery"],
            )
        except DomainError as error:
            apply_error(error, form)
        else:
            messages.success(request, _("Shipped %(number)s.") % {"number": shipment.number})
            return redirect(shipment)
    return detail_page(request, shipment_for(request, pk), ship_form=form)


@permission_required(POST, raise_exception=True)
def shipment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """红冲: GET shows what the reversal changes (stock per place, the receivable, the orders) and asks for a date;
    POST does it."""
    shipment = usable_shipment(request, pk)
    if shipment.status != PostingStatus.POSTED or shipment.reversal_of_id:
        messages.error(request, _("Only a shipped shipment can be reversed."))
        return redirect(shipment)
    form = ReverseForm(request.POST or None, document_date=shipment.date)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reversal = sales_shipment_reverse(
                    actor=request.user,  # type: ignore[arg-type]
                    shipment=shipment,
                    day=form.cleaned_data["date"],
                )
            except DomainError as error:
                apply_error(error, form)
            else:
                messages.success(
                    request,
                    _("Reversed %(number)s with %(reversal)s.") % {"number": shipment.number, "reversal": reversal},
                )
                return redirect(reversal)
        status = 422
    show_prices = can_view_prices(request.user)
    receivable = partner_balance(partner=shipment.customer).receivable if show_prices else None
    blocking = shipment.returns.filter(
        status__in=[PostingStatus.DRAFT, PostingStatus.POSTED], reversal_of__isnull=True
    ).order_by("number")
    context = {
        "shipment": shipment,
        "form": form,
        "effects": reversal_preview(source_type=SHIPMENT_SOURCE, source_id=shipment.pk),
        "show_cost": can_view_cost(request.user),
        "show_prices": show_prices,
        "receivable": receivable,
        "receivable_after": receivable - shipment.total + shipment.paid if receivable is not None else None,
        "order_lines": [ln for ln in shipment_lines(shipment) if ln.order_line is not None],
        "blocking": list(blocking),
        "list_url": reverse("sales:shipment_list"),
        "list_title": TITLE,
    }
    return render(request, "sales/shipment_reverse.html", context, status=status)


@permission_required(VIEW, raise_exception=True)
def shipment_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The delivery note (送货单) on A4: to pack with the goods and have the customer sign (prices only for users
    who may see them; never the cost)."""
    shipment = shipment_for(request, pk)
    lines = shipment_lines(shipment)
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.unit.name] = totals.get(line.unit.name, Decimal(0)) + line.unit_quantity
    context = {
        "shipment": shipment,
        "lines": lines,
        "orders": shipment_orders(lines),
        "packages": list(shipment.packages.all()),
        "totals": sorted(totals.items()),
        "has_tracking": any(ln.lot_id or ln.serials for ln in lines),
        "show_prices": can_view_prices(request.user),
        "goods_total": shipment.amount + shipment.tax,
        "printed_at": timezone.localtime(),
    }
    return render(request, "sales/shipment_print.html", context)


urlpatterns: list[URLPattern] = [
    path("shipments/", shipment_list, name="shipment_list"),
    path("to-ship/", to_ship_list, name="shipment_to_ship"),
    path("shipments/<int:pk>/", shipment_detail, name="shipment_detail"),
    path("shipments/<int:pk>/delete/", shipment_delete, name="shipment_delete"),
    path("shipments/<int:pk>/ship/", shipment_ship, name="shipment_ship"),
    path("shipments/<int:pk>/reverse/", shipment_reverse, name="shipment_reverse"),
    path("shipments/<int:pk>/print/", shipment_print, name="shipment_print"),
]
