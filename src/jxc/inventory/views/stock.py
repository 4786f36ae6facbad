"""Pages: stock overview, stock card, alerts (and the home-page widget), valuation, stock periods.

The columns of each page are defined once here and shared by the HTML table, the Excel export of the page and
the API's exports, so the three always agree; cost columns are dropped (not blanked) without view_cost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from jxc.catalog.models import Product
from jxc.catalog.selectors import product_find_by_code, product_list
from jxc.core.columns import Column, can_view_cost, rows_of, visible_columns
from jxc.core.display import NUMERIC_KINDS, cell_html
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.core.htmx import render_page
from jxc.core.listing import PAGE_SIZES, ListCell, Listing, ListRow
from jxc.core.numbers import round_price
from jxc.inventory.forms_stock import (
    AlertFilterForm,
    BalanceAtForm,
    PeriodCloseForm,
    StockCardForm,
    StockFilterForm,
    ValuationFilterForm,
)
from jxc.inventory.models import StockPeriod, Warehouse
from jxc.inventory.selectors import AlertRow, OverviewRow, ValuationRow, balance_at, stock_alerts, stock_card
from jxc.inventory.selectors.stock import CARD_PAGE_SIZE, valuation_products
from jxc.inventory.selectors.stock_pages import (
    ALERT_KINDS,
    alert_counts,
    alerts_by_urgency,
    card_lines,
    overview_export_rows,
    overview_ordered,
    overview_queryset,
    overview_rows,
    overview_totals,
    period_latest_closed,
    period_list,
    period_next_to_close,
    valuation_for,
    visible_warehouse_ids,
)
from jxc.inventory.services.periods import stock_period_close, stock_period_reopen

VIEW_STOCK = "inventory.view_stockbalance"
DEFAULT_DAYS = 30

# Columns


def overview_columns(grain: str) -> list[Column]:
    """The overview's columns at a grain (before dropping cost columns for users without view_cost)."""
    columns = [
        Column("sku", gettext_lazy("SKU"), get=lambda r: r.product.sku, sort="sku"),
        Column("name", gettext_lazy("Name"), get=lambda r: r.product.name, sort="name", width=30),
        Column("spec", gettext_lazy("Specification"), get=lambda r: r.product.spec),
        Column("unit", gettext_lazy("Unit"), get=lambda r: r.product.base_unit.name, width=8),
    ]
    if grain != "product":
        columns.append(
            Column(
                "warehouse",
                gettext_lazy("Warehouse"),
                get=lambda r: r.warehouse.name,
                sort="warehouse" if grain == "warehouse" else None,
            )
        )
    if grain in {"location", "lot"}:
        columns.append(Column("location", gettext_lazy("Location"), get=lambda r: r.location.code, sort="location"))
    if grain == "lot":
        columns += [
            Column("batch_no", gettext_lazy("Batch no."), get=lambda r: r.lot.batch_no if r.lot else None),
            Column(
                "expiry_date",
                gettext_lazy("Expiry date"),
                kind="date",
                get=lambda r: r.lot.expiry_date if r.lot else None,
                sort="expiry",
            ),
        ]
    columns.append(Column("on_hand", gettext_lazy("On hand"), kind="quantity", sort="on_hand"))
    if grain in {"product", "warehouse"}:
        columns += [
            Column("reserved", gettext_lazy("Reserved"), kind="quantity"),
            Column("available", gettext_lazy("Available"), kind="quantity"),
        ]
    columns += [
        Column("unit_cost", gettext_lazy("Unit cost"), kind="price", cost=True, get=lambda r: _price(r.unit_cost)),
        Column("value", pgettext_lazy("money", "Value"), kind="money", cost=True),
    ]
    return columns


def _price(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_price(value)


CARD_LABELS = {
    "opening": gettext_lazy("Opening balance"),
    "brought_forward": gettext_lazy("Brought forward"),
    "carried_forward": gettext_lazy("Carried forward"),
    "closing": gettext_lazy("Closing balance"),
}

CARD_COLUMNS = (
    Column("date", gettext_lazy("Date"), kind="date", width=12),
    Column("number", gettext_lazy("Number"), width=18),
    Column("move_kind", gettext_lazy("Kind"), get=lambda line: line.move_kind or CARD_LABELS.get(line.kind, "")),
    Column("place", gettext_lazy("Place"), width=24),
    Column("quantity_in", gettext_lazy("In"), kind="quantity"),
    Column("quantity_out", gettext_lazy("Out"), kind="quantity"),
    Column("balance", gettext_lazy("Balance"), kind="quantity"),
    Column("unit_cost", gettext_lazy("Unit cost"), kind="price", cost=True),
    Column("value", gettext_lazy("Amount"), kind="money", cost=True),
    Column("value_balance", gettext_lazy("Value balance"), kind="money", cost=True),
)


def valuation_columns(*, per_warehouse: bool, warehouses: dict[int, Warehouse]) -> list[Column]:
    columns = [
        Column("sku", gettext_lazy("SKU"), get=lambda r: r.product.sku),
        Column("name", gettext_lazy("Name"), get=lambda r: r.product.name, width=30),
        Column(
            "category", gettext_lazy("Category"), get=lambda r: r.product.category.name if r.product.category else None
        ),
        Column("unit", gettext_lazy("Unit"), get=lambda r: r.product.base_unit.name, width=8),
    ]
    if per_warehouse:
        columns.append(
            Column("warehouse", gettext_lazy("Warehouse"), get=lambda r: _warehouse_name(warehouses, r.warehouse_id))
        )
    columns += [
        Column("quantity", gettext_lazy("Quantity"), kind="quantity"),
        Column("unit_cost", gettext_lazy("Unit cost"), kind="price", cost=True, get=lambda r: _price(r.unit_cost)),
        Column("value", pgettext_lazy("money", "Value"), kind="money", cost=True),
    ]
    return columns


def alert_columns(kind: str, *, warehouses: dict[int, Warehouse]) -> list[Column]:
    columns = [
        Column("sku", gettext_lazy("SKU"), get=lambda a: a.product.sku),
        Column("name", gettext_lazy("Name"), get=lambda a: a.product.name, width=30),
        Column("unit", gettext_lazy("Unit"), get=lambda a: a.product.base_unit.name, width=8),
    ]
    if kind in {"below_min", "above_max"}:
        columns.append(Column("quantity", gettext_lazy("On hand"), kind="quantity"))
        if kind == "below_min":
            columns += [
                Column("limit", gettext_lazy("Minimum"), kind="quantity"),
                Column("short", gettext_lazy("Short"), kind="quantity", get=lambda a: a.limit - a.quantity),
            ]
        else:
            columns += [
                Column("limit", gettext_lazy("Maximum"), kind="quantity"),
                Column("excess", gettext_lazy("Excess"), kind="quantity", get=lambda a: a.quantity - a.limit),
            ]
        return columns
    today = timezone.localdate()
    return [
        *columns,
        Column("batch_no", gettext_lazy("Batch no."), get=lambda a: a.lot.batch_no),
        Column("expiry", gettext_lazy("Expiry date"), kind="date"),
        Column(
            "days",
            gettext_lazy("Days left") if kind == "expiring" else gettext_lazy("Days expired"),
            kind="int",
            get=lambda a: abs((a.expiry - today).days),
        ),
        Column(
            "place",
            gettext_lazy("Place"),
            get=lambda a: f"{_warehouse_name(warehouses, a.location.warehouse_id)} {a.location.code}",
            width=24,
        ),
        Column("quantity", gettext_lazy("Quantity"), kind="quantity"),
    ]


PERIOD_COLUMNS = (
    Column("month", gettext_lazy("Month"), get=lambda p: f"{p.start:%Y-%m}", width=10),
    Column("start", gettext_lazy("From"), kind="date"),
    Column("end", gettext_lazy("To"), kind="date"),
    Column("status", gettext_lazy("Status"), get=lambda p: p.get_status_display()),
    Column("closed_at", gettext_lazy("Closed at"), kind="datetime", width=18),
    Column("closed_by", gettext_lazy("Closed by"), get=lambda p: str(p.closed_by) if p.closed_by else None),
)


def _warehouse_name(warehouses: dict[int, Warehouse], pk: int | None) -> str:
    found = warehouses.get(pk) if pk is not None else None
    return found.name if found else ""


# Tables on screen


@dataclass
class Table:
    """What `inventory/stock_table.html` draws: columns, rows of formatted cells, an optional totals row."""

    columns: list[Column]
    rows: list[ListRow]
    totals: list[ListCell] | None = None
    empty_text: Any = ""
    listing: Listing | None = None


def table_rows(
    objects: Iterable[Any],
    columns: Sequence[Column],
    *,
    link: Callable[[Any], str] | None = None,
    link_key: str = "name",
) -> list[ListRow]:
    """Format every cell once, in Python; the cell of column `link_key` links to `link(obj)`."""
    rows = []
    for obj in objects:
        url = link(obj) if link else ""
        cells = [
            ListCell(cell_html(c, obj), c.kind in NUMERIC_KINDS, bool(url) and c.key == link_key, c.key == "name")
            for c in columns
        ]
        rows.append(ListRow(obj, url, False, cells))
    return rows


def totals_cells(columns: Sequence[Column], values: dict[str, Any]) -> list[ListCell]:
    """The totals row: the sums under their columns, the word "Total" in the first column."""
    cells = []
    for index, column in enumerate(columns):
        if column.key in values:
            content = cell_html(Column("v", "", kind=column.kind), {"v": values[column.key]})
        else:
            content = _("Total") if index == 0 else ""
        cells.append(ListCell(content, column.kind in NUMERIC_KINDS, False, False))
    return cells


def _paged(request: HttpRequest, items: Any, *, per_page: int = 50) -> Any:
    try:
        size = int(request.GET.get("per_page", per_page))
    except ValueError:
        size = per_page
    return Paginator(items, size if size in PAGE_SIZES else per_page).get_page(request.GET.get("page"))


def _page_number(request: HttpRequest) -> int:
    """The `page` asked for (1 when absent or not a number; a selector clamps it to the pages there are)."""
    try:
        return int(request.GET.get("page", 1))
    except ValueError:
        return 1


def _xlsx_name(base: str, *parts: Any) -> str:
    return "-".join([base, *(str(p) for p in parts if p)])


# Stock overview


def stock_overview_export(*, user: Any, filters: dict[str, Any], sort: str = "sku") -> HttpResponse:
    """Every filtered row of the overview as an Excel file with the columns shown on screen."""
    grain = filters["grain"]
    columns = visible_columns(overview_columns(grain), user)
    rows, _sort = overview_ordered(overview_queryset(user=user, **filters), grain=grain, sort=sort)
    warehouse_ids = visible_warehouse_ids(user=user, warehouse_id=filters["warehouse_id"])
    found = overview_export_rows(rows, grain=grain, with_cost=can_view_cost(user), warehouse_ids=warehouse_ids)
    return xlsx_response(filename="stock", title=str(_("Stock")), columns=columns, rows=rows_of(found, columns))


@permission_required(VIEW_STOCK, raise_exception=True)
def stock_overview_view(request: HttpRequest) -> HttpResponse:
    """库存查询: on hand, reserved and available per product, warehouse, location or lot."""
    form = StockFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    grain = filters["grain"]
    sort = request.GET.get("sort", "sku")
    if request.GET.get("export") == "xlsx":
        return stock_overview_export(user=request.user, filters=filters, sort=sort)
    show_cost = can_view_cost(request.user)
    columns = visible_columns(overview_columns(grain), request.user)
    queryset = overview_queryset(user=request.user, **filters)
    ordered, sort = overview_ordered(queryset, grain=grain, sort=sort)
    page = _paged(request, ordered)
    warehouse_ids = visible_warehouse_ids(user=request.user, warehouse_id=filters["warehouse_id"])
    page.object_list = overview_rows(page.object_list, grain=grain, with_cost=show_cost, warehouse_ids=warehouse_ids)
    totals = overview_totals(
        queryset,
        grain=grain,
        with_cost=show_cost,
        user=request.user,
        warehouse_id=filters["warehouse_id"],
        q=filters["q"],
        category_id=filters["category_id"],
    )
    card_url = reverse("inventory:stock_card")

    def link(row: OverviewRow) -> str:
        where = f"&warehouse={row.warehouse.pk}" if row.warehouse is not None else ""
        return f"{card_url}?product={row.product.pk}{where}"

    table = Table(
        columns=columns,
        rows=table_rows(page.object_list, columns, link=link),
        totals=totals_cells(
            columns,
            {
                "on_hand": totals.on_hand,
                "reserved": totals.reserved,
                "available": totals.available,
                "value": totals.value,
            },
        ),
        empty_text=_("No stock matches."),
        listing=Listing(page=page, columns=columns, sort=sort, query=request.GET),
    )
    context = {"form": form, "table": table, "listing": table.listing, "grain": grain}
    return render_page(request, "inventory/stock_overview.html", context, partial="stock-results")


# Stock card


def source_url(source_type: str, source_id: int | None, cache: dict[str, type[Model] | None]) -> str:
    """The page of the document a posting came from (stock documents, counts…), or "" when it has none."""
    if not source_type or source_id is None:
        return ""
    if source_type not in cache:
        try:
            cache[source_type] = apps.get_model(source_type)
        except (LookupError, ValueError):
            cache[source_type] = None
    model = cache[source_type]
    if model is None or not hasattr(model, "get_absolute_url"):
        return ""
    try:
        return str(model(pk=source_id).get_absolute_url())
    except NoReverseMatch:
        return ""


def find_product(*, q: str, product_id: int | None) -> tuple[Product | None, list[Product]]:
    """The product chosen by id, or found by a scanned barcode / exact SKU, or the only one a search finds;
    else the candidates to choose from."""
    if product_id:
        return Product.objects.select_related("base_unit").filter(pk=product_id).first(), []
    if not q:
        return None, []
    hit = product_find_by_code(code=q)
    if hit is not None:
        return hit.product, []
    candidates = list(product_list(q=q, active=None).order_by("sku")[:20])
    if len(candidates) == 1:
        return candidates[0], []
    return None, candidates


def _card_query(request: HttpRequest) -> Any:
    data = request.GET.copy()
    today = timezone.localdate()
    if not data.get("start"):
        data["start"] = today.replace(day=1).isoformat()
    if not data.get("end"):
        data["end"] = today.isoformat()
    return data


def stock_card_export(*, user: Any, product: Product, start: date, end: date, warehouse_id: int | None) -> HttpResponse:
    card = stock_card(user=user, product=product, start=start, end=end, warehouse_id=warehouse_id)
    columns = visible_columns(CARD_COLUMNS, user)
    return xlsx_response(
        filename=_xlsx_name("stock-card", product.sku, start.isoformat(), end.isoformat()),
        title=str(_("Stock card")),
        columns=columns,
        rows=rows_of(card_lines(card), columns),
    )


@permission_required(VIEW_STOCK, raise_exception=True)
def stock_card_view(request: HttpRequest) -> HttpResponse:
    """库存台账: a product's moves over a date range with running balances."""
    form = StockCardForm(_card_query(request), user=request.user)
    valid = form.is_valid()
    data = form.cleaned_data
    product, candidates = find_product(q=data.get("q") or "", product_id=data.get("product"))
    warehouse_id = data.get("warehouse")
    context: dict[str, Any] = {"form": form, "product": product, "candidates": candidates, "q": data.get("q") or ""}
    if product is None or not valid:
        return render(request, "inventory/stock_card.html", context, status=200 if valid else 422)
    warehouse_ids = visible_warehouse_ids(user=request.user, warehouse_id=warehouse_id)
    at_form = BalanceAtForm(request.GET if "at" in request.GET else None, initial={"at": timezone.localdate()})
    context["at_form"] = at_form
    if at_form.is_bound and at_form.is_valid():
        quantity, value = balance_at(product=product, warehouse_ids=warehouse_ids, day=at_form.cleaned_data["at"])
        context["balance_at"] = {"day": at_form.cleaned_data["at"], "quantity": quantity, "value": value}
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "balance-at":
        return render(request, "inventory/stock_card.html#balance-at", context)
    start, end = data["start"], data["end"]
    if request.GET.get("export") == "xlsx":
        return stock_card_export(user=request.user, product=product, start=start, end=end, warehouse_id=warehouse_id)
    card = stock_card(
        user=request.user,
        product=product,
        start=start,
        end=end,
        warehouse_id=warehouse_id,
        page=_page_number(request),
        page_size=CARD_PAGE_SIZE,
    )
    columns = visible_columns(CARD_COLUMNS, request.user)
    cache: dict[str, type[Model] | None] = {}
    lines = card_lines(card)
    paged = card.count > CARD_PAGE_SIZE
    page = Paginator(range(card.count), CARD_PAGE_SIZE).get_page(card.page)
    table = Table(
        columns=columns,
        rows=table_rows(
            lines, columns, link=lambda line: source_url(line.source_type, line.source_id, cache), link_key="number"
        ),
        listing=Listing(page=page, columns=columns, sort="", query=request.GET) if paged else None,
    )
    context.update({"card": card, "table": table})
    return render_page(request, "inventory/stock_card.html", context, partial="card-results")


# Alerts


def _alert_warehouses(alerts: Iterable[AlertRow]) -> dict[int, Warehouse]:
    ids = {a.location.warehouse_id for a in alerts if a.location is not None}
    return Warehouse.objects.in_bulk(ids) if ids else {}


def stock_alerts_export(*, user: Any, kind: str, days: int) -> HttpResponse:
    alerts = [a for a in stock_alerts(user=user, days=days) if a.kind == kind]
    columns = alert_columns(kind, warehouses=_alert_warehouses(alerts))
    return xlsx_response(
        filename=_xlsx_name("stock-alerts", kind),
        title=str(_("Stock alerts")),
        columns=columns,
        rows=rows_of(alerts, columns),
    )


ALERT_LABELS = {
    "below_min": gettext_lazy("Below minimum"),
    "above_max": gettext_lazy("Above maximum"),
    "expiring": gettext_lazy("Expiring"),
    "expired": gettext_lazy("Expired"),
}


@permission_required(VIEW_STOCK, raise_exception=True)
def stock_alerts_view(request: HttpRequest) -> HttpResponse:
    """库存预警: below minimum, above maximum, lots expiring within N days, expired lots."""
    form = AlertFilterForm(request.GET or None)
    days = form.days_or_default()
    alerts = stock_alerts(user=request.user, days=days)
    counts = alert_counts(alerts)
    kind = request.GET.get("kind", "")
    if kind not in ALERT_KINDS:
        kind = next((k for k in ALERT_KINDS if counts[k]), ALERT_KINDS[0])
    if request.GET.get("export") == "xlsx":
        return stock_alerts_export(user=request.user, kind=kind, days=days)
    shown = [a for a in alerts if a.kind == kind]
    columns = alert_columns(kind, warehouses=_alert_warehouses(shown))
    card_url = reverse("inventory:stock_card")
    table = Table(
        columns=columns,
        rows=table_rows(shown, columns, link=lambda a: f"{card_url}?product={a.product.pk}"),
        empty_text=_("No alerts of this kind."),
    )
    tabs = [{"kind": k, "label": ALERT_LABELS[k], "count": counts[k], "current": k == kind} for k in ALERT_KINDS]
    context = {"form": form, "table": table, "tabs": tabs, "kind": kind, "days": days}
    return render_page(request, "inventory/stock_alerts.html", context, partial="alert-results")


def alerts_context(user: Any) -> dict[str, Any]:
    """What the home-page widget shows: counts per alert kind and the 5 most urgent alerts ({} without access)."""
    if not user.has_perm(VIEW_STOCK):
        return {}
    alerts = stock_alerts(user=user, days=DEFAULT_DAYS)
    top = alerts_by_urgency(alerts)[:5]
    warehouses = _alert_warehouses(top)
    url = reverse("inventory:stock_alerts")
    return {
        "stock_alerts": {
            "total": len(alerts),
            "days": DEFAULT_DAYS,
            "url": url,
            "kinds": [
                {"kind": k, "label": ALERT_LABELS[k], "count": n, "url": f"{url}?kind={k}"}
                for k, n in alert_counts(alerts).items()
            ],
            "top": [
                {
                    "alert": a,
                    "label": ALERT_LABELS[a.kind],
                    "place": f"{_warehouse_name(warehouses, a.location.warehouse_id)} {a.location.code}"
                    if a.location is not None
                    else "",
                }
                for a in top
            ],
        }
    }


# Valuation


def _valuation(user: Any, filters: dict[str, Any]) -> tuple[list[ValuationRow], list[Column]]:
    rows = valuation_for(user=user, **filters)
    ids = {r.warehouse_id for r in rows if r.warehouse_id is not None}
    warehouses = Warehouse.objects.in_bulk(ids) if ids else {}
    columns = visible_columns(valuation_columns(per_warehouse=bool(ids), warehouses=warehouses), user)
    return rows, columns


def valuation_export(*, user: Any, filters: dict[str, Any]) -> HttpResponse:
    rows, columns = _valuation(user, filters)
    return xlsx_response(
        filename=_xlsx_name("valuation", filters["day"].isoformat()),
        title=str(_("Inventory valuation")),
        columns=columns,
        rows=rows_of(valuation_products(rows), columns),
    )


@permission_required([VIEW_STOCK, "accounts.view_cost"], raise_exception=True)
def valuation_view(request: HttpRequest) -> HttpResponse:
    """库存估值: quantity, unit cost and value per product (per warehouse when costed per warehouse) at a date."""
    query = request.GET.copy()
    query.setdefault("date", timezone.localdate().isoformat())
    form = ValuationFilterForm(query, user=request.user)
    filters = form.filters()
    if request.GET.get("export") == "xlsx":
        return valuation_export(user=request.user, filters=filters)
    rows, columns = _valuation(request.user, filters)
    page = _paged(request, rows)
    card_url = reverse("inventory:stock_card")
    table = Table(
        columns=columns,
        rows=table_rows(
            valuation_products(page.object_list), columns, link=lambda r: f"{card_url}?product={r.product_id}"
        ),
        totals=totals_cells(columns, {"value": sum((r.value for r in rows), Decimal(0))}),
        empty_text=_("No stock at this date."),
        listing=Listing(page=page, columns=columns, sort="", query=request.GET),
    )
    context = {"form": form, "table": table, "listing": table.listing, "day": filters["day"]}
    return render_page(request, "inventory/valuation.html", context, partial="valuation-results")


# Periods


@permission_required("inventory.view_stockperiod", raise_exception=True)
def period_list_view(request: HttpRequest) -> HttpResponse:
    """月结: the closed and reopened months; close the next one, reopen the latest."""
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename="stock-periods",
            title=str(_("Stock periods")),
            columns=PERIOD_COLUMNS,
            rows=rows_of(period_list(), PERIOD_COLUMNS),
        )
    latest = period_latest_closed()
    context = {
        "periods": period_list(),
        "next_month": period_next_to_close(today=timezone.localdate()),
        "latest_closed": latest,
    }
    return render(request, "inventory/periods.html", context)


@require_POST
@permission_required("inventory.close_stockperiod", raise_exception=True)
def period_close_view(request: HttpRequest) -> HttpResponse:
    form = PeriodCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the month to close."))
        return redirect("inventory:period_list")
    try:
        period = stock_period_close(actor=request.user, month=form.cleaned_data["month"])  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Closed %(period)s.") % {"period": period})
    return redirect("inventory:period_list")


@require_POST
@permission_required("inventory.reopen_stockperiod", raise_exception=True)
def period_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(StockPeriod, pk=pk)
    try:
        period = stock_period_reopen(actor=request.user, period=period)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Reopened %(period)s.") % {"period": period})
    return redirect("inventory:period_list")


urlpatterns = [
    path("stock/", stock_overview_view, name="stock_overview"),
    path("stock-card/", stock_card_view, name="stock_card"),
    path("alerts/", stock_alerts_view, name="stock_alerts"),
    path("valuation/", valuation_view, name="valuation"),
    path("periods/", period_list_view, name="period_list"),
    path("periods/close/", period_close_view, name="period_close"),
    path("periods/<int:pk>/reopen/", period_reopen_view, name="period_reopen"),
]
