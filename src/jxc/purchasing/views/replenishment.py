"""Page: replenishment suggestions (补货建议), and draft purchase orders made from the rows the user ticks."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.core.columns import Column, rows_of
from jxc.core.errors import DomainError, ValidationFailed
from jxc.core.excel import xlsx_response
from jxc.core.htmx import render_page
from jxc.core.listing import PAGE_SIZES, Listing
from jxc.purchasing.forms_replenishment import ReplenishmentFilterForm
from jxc.purchasing.selectors.replenishment import MINMAX, Suggestion, replenishment_suggestions
from jxc.purchasing.services.replenishment import replenishment_orders_create

VIEW = ("inventory.view_stockbalance", "purchasing.view_purchaseorder")
CREATE = "purchasing.add_purchaseorder"
PER_PAGE = 100


def _supplier_name(row: Suggestion) -> str | None:
    return row.supplier.name if row.supplier is not None else None


def suggestion_columns(method: str) -> list[Column]:
    """The columns of the page's Excel export (and the order of the API's fields)."""
    columns = [
        Column("sku", gettext_lazy("SKU"), get=lambda r: r.product.sku),
        Column("name", gettext_lazy("Product"), get=lambda r: str(r.product), width=30),
        Column("warehouse", gettext_lazy("Warehouse"), get=lambda r: r.warehouse.name),
        Column("base_unit", gettext_lazy("Unit"), get=lambda r: r.product.base_unit.name, width=8),
        Column("on_hand", gettext_lazy("On hand"), kind="quantity"),
        Column("reserved", gettext_lazy("Reserved"), kind="quantity"),
        Column("available", gettext_lazy("Available"), kind="quantity"),
        Column("on_order", gettext_lazy("On order"), kind="quantity"),
        Column("projected", gettext_lazy("Projected"), kind="quantity"),
    ]
    if method == MINMAX:
        columns += [
            Column("min_stock", gettext_lazy("Minimum"), kind="quantity"),
            Column("max_stock", gettext_lazy("Maximum"), kind="quantity"),
        ]
    else:
        columns += [
            Column("sales", gettext_lazy("Sold in the window"), kind="quantity"),
            Column("daily_sales", gettext_lazy("Daily sales"), kind="quantity"),
            Column("lead_time_days", gettext_lazy("Lead time (days)"), kind="int"),
            Column("reorder_point", gettext_lazy("Reorder point"), kind="quantity"),
        ]
    columns += [
        Column("supplier", gettext_lazy("Preferred supplier"), get=_supplier_name, width=20),
        Column("quantity", gettext_lazy("Suggested (base unit)"), kind="quantity"),
        Column("unit_quantity", gettext_lazy("Suggested"), kind="quantity"),
        Column("unit", gettext_lazy("Purchase unit"), get=lambda r: r.unit.name, width=8),
        Column("explanation", gettext_lazy("How it was worked out"), width=80),
    ]
    return columns


def _page_size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("per_page", PER_PAGE))
    except ValueError:
        return PER_PAGE
    return size if size in PAGE_SIZES else PER_PAGE


def _picked(request: HttpRequest) -> list[tuple[int, int, Decimal]]:
    """The ticked rows of the posted form (product-warehouse keys) with the quantities typed for them."""
    picks = request.POST.getlist("pick")
    typed = {k[4:]: v for k, v in request.POST.items() if k.startswith("qty-")}
    selections: list[tuple[int, int, Decimal]] = []
    bad: dict[str, list[Any]] = {}
    for index, key in enumerate(picks):
        product, _sep, warehouse = key.partition("-")
        try:
            quantity = Decimal(typed.get(key, "").strip().replace(",", ""))
            selections.append((int(product), int(warehouse), quantity))
        except (InvalidOperation, ValueError):
            bad.setdefault(f"items.{index}.quantity", []).append(_("Enter a number."))
    if bad:
        raise ValidationFailed(bad)
    return selections


def _problems(error: DomainError | None, order: list[str], rows: dict[str, Suggestion]) -> tuple[list[str], set[str]]:
    """The error's messages, each naming the row it is about (items.3.quantity: the 4th ticked row)."""
    if error is None:
        return [], set()
    if not isinstance(error, ValidationFailed) or not error.errors:
        return [error.text], set()
    problems, flagged = [], set()
    for key, messages_ in error.errors.items():
        parts = key.split(".")
        row = None
        if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(order):
            flagged.add(order[int(parts[1])])
            row = rows.get(order[int(parts[1])])
        label = f"{row.product.sku} {row.product.name} · {row.warehouse.name}: " if row is not None else ""
        problems += [f"{label}{m}" for m in messages_]
    return problems, flagged


def _page(
    request: HttpRequest,
    *,
    error: DomainError | None = None,
    typed: dict[str, str] | None = None,
    picks: set[str] | None = None,
    order: list[str] | None = None,
) -> HttpResponse:
    form = ReplenishmentFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    rows = replenishment_suggestions(user=request.user, **filters)
    if request.GET.get("export") == "xlsx" and error is None:
        columns = suggestion_columns(filters["method"])
        return xlsx_response(
            filename=f"replenishment-{filters['method']}",
            title=str(_("Replenishment")),
            columns=columns,
            rows=rows_of(rows, columns),
        )
    page = Paginator(rows, _page_size(request)).get_page(request.GET.get("page"))
    listing = Listing(page=page, columns=[], sort="", query=request.GET)
    shown = []
    for row in page.object_list:
        picked = row.key in picks if picks is not None else (row.quantity > 0 and row.supplier is not None)
        value = typed.get(row.key) if typed is not None and row.key in typed else f"{row.unit_quantity.normalize():f}"
        shown.append({"row": row, "picked": picked, "value": value})
    problems, flagged = _problems(error, order or [], {r.key: r for r in rows})
    for item in shown:
        item["flagged"] = item["row"].key in flagged
    context = {
        "form": form,
        "filters": filters,
        "rows": shown,
        "listing": listing,
        "count": len(rows),
        "missing_supplier": sum(1 for r in rows if r.quantity > 0 and r.supplier is None),
        "problems": problems,
        "can_create": request.user.has_perm(CREATE),
        "query": request.GET.urlencode(),
    }
    status = error.status if error is not None else 200
    return render_page(
        request, "purchasing/replenishment.html", context, partial="replenishment-results", status=status
    )


@permission_required(VIEW, raise_exception=True)
def replenishment(request: HttpRequest) -> HttpResponse:
    """补货建议: what to order per product and warehouse, by min/max or by reorder point, and why."""
    return _page(request)


@require_POST
@permission_required([*VIEW, CREATE], raise_exception=True)
def replenishment_orders(request: HttpRequest) -> HttpResponse:
    """Draft purchase orders from the ticked rows, one per preferred supplier and warehouse."""
    typed = {k[4:]: v for k, v in request.POST.items() if k.startswith("qty-")}
    order = request.POST.getlist("pick")
    try:
        orders = replenishment_orders_create(actor=request.user, selections=_picked(request))  # type: ignore[arg-type]
    except DomainError as error:
        return _page(request, error=error, typed=typed, picks=set(order), order=order)
    numbers = "、".join(o.number for o in orders)
    messages.success(
        request,
        _("Created %(n)s draft purchase orders: %(numbers)s. Review and submit them for approval.")
        % {"n": len(orders), "numbers": numbers},
    )
    query = request.GET.urlencode()
    return redirect(reverse("purchasing:replenishment") + (f"?{query}" if query else ""))


urlpatterns: list[URLPattern] = [
    path("replenishment/", replenishment, name="replenishment"),
    path("replenishment/orders/", replenishment_orders, name="replenishment_orders"),
]
