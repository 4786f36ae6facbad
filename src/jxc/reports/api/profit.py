"""API of reports: cost and gross profit (needs view_cost), credit exposure per customer.

Inventory valuation at a date is the inventory API's `GET /valuation?date=` (snapshot of the last closed period plus
the moves since)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from jxc.core.api import MAX_PAGE_SIZE, ErrorOut, PageParams, require
from jxc.core.columns import VIEW_COST
from jxc.core.errors import Forbidden, ValidationFailed
from jxc.reports.forms import month_start, warehouse_scope
from jxc.reports.schemas import CreditExposureOut, GrossProfitOut
from jxc.reports.selectors.credit import CreditRow, credit_exposure, credit_totals
from jxc.reports.selectors.profit import ProfitFilters, ProfitRow, gross_profit
from jxc.reports.views.credit import CREDIT_PERMS, credit_export, may_view_credit
from jxc.reports.views.profit import profit_export

router = Router(tags=["reports"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
Group = Literal["document", "product", "customer", "salesperson", "day", "month"]
Show = Literal["active", "over", "overdue", "all"]
CreditSort = Literal["exposure", "available", "overdue", "receivable", "name"]
DETAILS = ("document_type", "document_id", "number", "date", "kind", "reversal", "customer")


class ProfitQuery(PageParams):
    """The grouping, the date range (default: this month to today) and the filters."""

    group: Group = "product"
    start: date | None = None
    end: date | None = None
    customer_id: int | None = None
    product_id: int | None = None
    salesperson_id: int | None = None
    warehouse_id: int | None = None
    q: str = ""


def _filters(user: Any, query: ProfitQuery) -> ProfitFilters:
    today = timezone.localdate()
    start, end = query.start or month_start(today), query.end or today
    if start > end:
        raise ValidationFailed.one("end", _("The end date must not be before the start date."))
    return ProfitFilters(
        start=start,
        end=end,
        customer_id=query.customer_id,
        product_id=query.product_id,
        salesperson_id=query.salesperson_id,
        warehouse_ids=warehouse_scope(user, query.warehouse_id),
        q=query.q.strip(),
    )


def _bounds(params: PageParams) -> tuple[int, int]:
    return max(params.page, 1), min(max(params.page_size, 1), MAX_PAGE_SIZE)


def _profit_row(row: ProfitRow, group: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": row.key,
        "label": row.label,
        "revenue": row.revenue,
        "cogs": row.cogs,
        "profit": row.profit,
        "margin": row.margin,
    }
    details = {k: v for k, v in row.details.items() if k not in {"url", "spec"}}
    out.update(details)
    if group == "product":
        out["quantity"] = row.quantity
    return out


@router.get(
    "/reports/gross-profit", response={200: GrossProfitOut, **ERRORS}, exclude_unset=True, summary="Gross profit"
)
def gross_profit_get(request: HttpRequest, query: Query[ProfitQuery]) -> dict[str, Any]:
    """毛利: revenue without tax (shipments less sales returns), cost of goods sold from the stock ledger (红冲
    included), gross profit and margin (%) per group, with the totals. Needs the view_cost permission."""
    user = require(request, VIEW_COST)
    report = gross_profit(group=query.group, filters=_filters(user, query))
    page, size = _bounds(query)
    return {
        "group": report.group,
        "start": report.filters.start,
        "end": report.filters.end,
        "items": [_profit_row(r, report.group) for r in report.rows[(page - 1) * size : page * size]],
        "count": len(report.rows),
        "page": page,
        "page_size": size,
        "totals": {"revenue": report.revenue, "cogs": report.cogs, "profit": report.profit, "margin": report.margin},
    }


@router.get("/reports/gross-profit/export", response={200: None, **ERRORS}, summary="Export gross profit to Excel")
def gross_profit_export(request: HttpRequest, query: Query[ProfitQuery]) -> HttpResponse:
    user = require(request, VIEW_COST)
    return profit_export(group=query.group, filters=_filters(user, query))


class CreditQuery(PageParams):
    show: Show = "active"
    sort: CreditSort = "exposure"
    salesperson_id: int | None = None
    q: str = ""


def _credit_user(request: HttpRequest) -> Any:
    user = getattr(request, "auth", None) or request.user
    if not may_view_credit(user):
        raise Forbidden(missing=list(CREDIT_PERMS))
    return user


def _credit_row(row: CreditRow) -> dict[str, Any]:
    customer = row.customer
    return {
        "customer_id": customer.pk,
        "code": customer.code,
        "name": customer.name,
        "salesperson_id": customer.salesperson_id,
        "salesperson": str(customer.salesperson) if customer.salesperson_id else None,
        "payment_terms_days": customer.payment_terms_days,
        "credit_limit": row.limit,
        "receivable": row.receivable,
        "on_order": row.on_order,
        "exposure": row.exposure,
        "available": row.available,
        "usage": row.usage,
        "overdue": row.overdue,
        "over_limit": row.over_limit,
    }


def _credit_filters(query: CreditQuery) -> dict[str, Any]:
    return {"show": query.show, "sort": query.sort, "salesperson_id": query.salesperson_id, "q": query.q.strip()}


@router.get("/reports/credit-exposure", response={200: CreditExposureOut, **ERRORS}, summary="Credit exposure")
def credit_exposure_get(request: HttpRequest, query: Query[CreditQuery]) -> dict[str, Any]:
    """信用占用 per customer: limit, receivable, approved orders not shipped, exposure, credit left, overdue.
    Needs sales.view_customerprice or finance.view_payment."""
    _credit_user(request)
    on = timezone.localdate()
    rows = credit_exposure(on=on, **_credit_filters(query))
    page, size = _bounds(query)
    return {
        "on": on,
        "items": [_credit_row(r) for r in rows[(page - 1) * size : page * size]],
        "count": len(rows),
        "page": page,
        "page_size": size,
        "totals": credit_totals(rows),
    }


@router.get(
    "/reports/credit-exposure/export", response={200: None, **ERRORS}, summary="Export credit exposure to Excel"
)
def credit_exposure_export(request: HttpRequest, query: Query[CreditQuery]) -> HttpResponse:
    _credit_user(request)
    return credit_export(filters=_credit_filters(query))
