"""Pages of reports: cost and gross profit (成本与毛利).

One page: revenue, cost of goods sold, gross profit and margin over a date range, grouped by document, product,
customer, salesperson, day or month, with a totals row; each group drills down (a day to its documents, a month to
its days, a customer or a product to its documents, a salesperson to their customers). ?export=xlsx exports every
group with the totals. Cost and profit are cost data: the page needs `accounts.view_cost` (403 without it).
Inventory valuation at any date is the inventory app's page (last closed period's snapshot plus the moves since);
this page links to it.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _

from jxc.catalog.models import Product
from jxc.core.columns import VIEW_COST, Column, rows_of
from jxc.core.excel import xlsx_response
from jxc.core.htmx import render_page
from jxc.core.listing import PAGE_SIZES, Listing
from jxc.reports.forms import ProfitFilterForm
from jxc.reports.selectors.profit import GrossProfit, ProfitFilters, ProfitRow, gross_profit
from jxc.reports.tables import Table, profit_columns, table_rows, totals_cells, totals_values


def _totals(report: GrossProfit) -> dict[str, Any]:
    values: dict[str, Any] = {
        "revenue": report.revenue,
        "cogs": report.cogs,
        "profit": report.profit,
        "margin": report.margin,
    }
    if report.group == "product":
        values["quantity"] = report.quantity
    return values


def profit_export(*, group: str, filters: ProfitFilters) -> HttpResponse:
    """Every group of the report and a totals row, as an Excel file with the page's columns."""
    report = gross_profit(group=group, filters=filters)
    columns = profit_columns(group)
    rows = [*rows_of(report.rows, columns), totals_values(columns, _totals(report))]
    return xlsx_response(
        filename=f"gross-profit-{group}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}",
        title=_("Gross profit"),
        columns=columns,
        rows=rows,
    )


def _paged(request: HttpRequest, items: list[Any], *, per_page: int = 50) -> Any:
    try:
        size = int(request.GET.get("per_page", per_page))
    except ValueError:
        size = per_page
    return Paginator(items, size if size in PAGE_SIZES else per_page).get_page(request.GET.get("page"))


def _drill(listing: Listing, group: str) -> Any:
    """Where a group leads: its documents, a month's days, a salesperson's customers."""
    base = reverse("reports:gross_profit")

    def link(row: ProfitRow) -> str:
        if group == "document":
            return str(row.details.get("url", ""))
        if group == "product":
            return base + listing.querystring(group="document", product=row.key, page=None)
        if group == "customer":
            return base + listing.querystring(group="document", customer=row.key, page=None)
        if group == "salesperson":
            return "" if row.key == "none" else base + listing.querystring(group="customer", salesperson=row.key)
        if group == "day":
            return base + listing.querystring(group="document", start=row.key, end=row.key, page=None)
        year, month = (int(part) for part in row.key.split("-"))
        last = date(year, month, calendar.monthrange(year, month)[1])
        return base + listing.querystring(group="day", start=f"{row.key}-01", end=last.isoformat(), page=None)

    return link


@permission_required(VIEW_COST, raise_exception=True)
def gross_profit_view(request: HttpRequest) -> HttpResponse:
    """毛利分析: revenue, cost of goods sold, gross profit and margin by the chosen grouping over a date range."""
    form = ProfitFilterForm(request.GET or None, user=request.user)
    group, filters = form.filters()
    if request.GET.get("export") == "xlsx":
        return profit_export(group=group, filters=filters)
    report = gross_profit(group=group, filters=filters)
    columns: list[Column] = profit_columns(group)
    page = _paged(request, report.rows)
    listing = Listing(page=page, columns=columns, sort="", query=request.GET)
    table = Table(
        columns=columns,
        rows=table_rows(page.object_list, columns, link=_drill(listing, group)),
        totals=totals_cells(columns, _totals(report)),
        empty_text=_("Nothing was sold in this period."),
        listing=listing,
    )
    context = {
        "form": form,
        "table": table,
        "listing": listing,
        "report": report,
        "filters": filters,
        "group": group,
        "range_reversed": filters.start > filters.end,
        "product": Product.objects.filter(pk=filters.product_id).first() if filters.product_id else None,
        "all_products_url": listing.querystring(product=None, page=None),
        "valuation_url": f"{reverse('inventory:valuation')}?date={filters.end.isoformat()}"
        if request.user.has_perm("inventory.view_stockbalance")
        else "",
    }
    return render_page(request, "reports/gross_profit.html", context, partial="profit-results")


urlpatterns: list[URLPattern] = [
    path("gross-profit/", gross_profit_view, name="gross_profit"),
]
