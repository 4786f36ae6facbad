"""Pages of reports: credit exposure per customer (信用占用).

Per customer: credit limit, receivable, approved orders not shipped yet, exposure (the two together), what is left
of the limit, how much of it is used, and what is overdue — the figures the order review checks
(`jxc.sales.selectors.credit`), for every customer at once. ?export=xlsx exports the filtered list with totals.
Needs `sales.view_customerprice` or `finance.view_payment`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from jxc.core.columns import rows_of
from jxc.core.excel import xlsx_response
from jxc.core.htmx import render_page
from jxc.core.listing import PAGE_SIZES, Listing
from jxc.reports.forms import CreditFilterForm
from jxc.reports.selectors.credit import credit_exposure, credit_totals
from jxc.reports.tables import CREDIT_COLUMNS, Table, table_rows, totals_cells, totals_values

CREDIT_PERMS = ("sales.view_customerprice", "finance.view_payment")


def may_view_credit(user: Any) -> bool:
    return any(user.has_perm(p) for p in CREDIT_PERMS)


def credit_export(*, filters: dict[str, Any]) -> HttpResponse:
    """The filtered customers and a totals row, as an Excel file with the page's columns."""
    rows = credit_exposure(on=timezone.localdate(), **filters)
    columns = list(CREDIT_COLUMNS)
    return xlsx_response(
        filename="credit-exposure",
        title=_("Credit exposure"),
        columns=columns,
        rows=[*rows_of(rows, columns), totals_values(columns, credit_totals(rows))],
    )


def credit_exposure_view(request: HttpRequest) -> HttpResponse:
    """信用占用: each customer's limit, receivable, approved-not-shipped orders, exposure, credit left, overdue."""
    if not may_view_credit(request.user):
        raise PermissionDenied
    form = CreditFilterForm(request.GET or None)
    filters = form.filters()
    if request.GET.get("export") == "xlsx":
        return credit_export(filters=filters)
    rows = credit_exposure(on=timezone.localdate(), **filters)
    columns = list(CREDIT_COLUMNS)
    try:
        size = int(request.GET.get("per_page", 50))
    except ValueError:
        size = 50
    page = Paginator(rows, size if size in PAGE_SIZES else 50).get_page(request.GET.get("page"))
    listing = Listing(page=page, columns=columns, sort="", query=request.GET)
    table = Table(
        columns=columns,
        rows=table_rows(page.object_list, columns, link=lambda r: r.customer.get_absolute_url()),
        totals=totals_cells(columns, credit_totals(rows)),
        empty_text=_("No customer matches."),
        listing=listing,
    )
    over = sum(1 for r in rows if r.over_limit)
    context = {"form": form, "table": table, "listing": listing, "over": over, "count": len(rows)}
    return render_page(request, "reports/credit_exposure.html", context, partial="credit-results")


urlpatterns: list[URLPattern] = [
    path("credit-exposure/", credit_exposure_view, name="credit_exposure"),
]
