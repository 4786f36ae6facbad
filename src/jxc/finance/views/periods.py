"""Pages of finance: 月结 (period close) — the months with their status and the totals saved at each month end,
closing the next month (stock, partner and cash snapshots in one step) and reopening the latest (owner only)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jxc.core.columns import Column, can_view_cost, visible_columns
from jxc.core.errors import DomainError
from jxc.core.excel import xlsx_response
from jxc.finance.selectors.periods import PeriodRow, finance_period_list, period_rows
from jxc.inventory.forms_stock import PeriodCloseForm
from jxc.inventory.models import StockPeriod
from jxc.inventory.selectors.stock_pages import period_latest_closed, period_next_to_close
from jxc.inventory.services.periods import stock_period_close, stock_period_reopen

VIEW = "inventory.view_stockperiod"
CLOSE = "inventory.close_stockperiod"
REOPEN = "inventory.reopen_stockperiod"


def _total(name: str) -> Callable[[PeriodRow], Decimal | None]:
    return lambda r: getattr(r.totals, name) if r.totals is not None else None


PERIOD_COLUMNS = (
    Column("month", gettext_lazy("Month"), get=lambda r: f"{r.period.start:%Y-%m}", width=10),
    Column("start", gettext_lazy("From"), kind="date", get=lambda r: r.period.start),
    Column("end", gettext_lazy("To"), kind="date", get=lambda r: r.period.end),
    Column("status", gettext_lazy("Status"), get=lambda r: r.period.get_status_display()),
    Column("closed_at", gettext_lazy("Closed at"), kind="datetime", width=18, get=lambda r: r.period.closed_at),
    Column(
        "closed_by",
        gettext_lazy("Closed by"),
        get=lambda r: str(r.period.closed_by) if r.period.closed_by else None,
    ),
    Column("stock_value", gettext_lazy("Stock value"), kind="money", cost=True, get=_total("stock_value")),
    Column("receivable", gettext_lazy("Receivables"), kind="money", get=_total("receivable")),
    Column("payable", gettext_lazy("Payables"), kind="money", get=_total("payable")),
    Column("cash", gettext_lazy("Cash"), kind="money", get=_total("cash")),
)


@permission_required(VIEW, raise_exception=True)
def period_list_view(request: HttpRequest) -> HttpResponse:
    """月结: every month closed or reopened, with the totals its snapshots hold; close the next, reopen the latest."""
    rows = period_rows(finance_period_list())
    columns = visible_columns(PERIOD_COLUMNS, request.user)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename="periods",
            title=str(_("Period close")),
            columns=columns,
            rows=([c.value(r) for c in columns] for r in rows),
        )
    context = {
        "rows": rows,
        "show_cost": can_view_cost(request.user),
        "next_month": period_next_to_close(today=timezone.localdate()),
        "latest_closed": period_latest_closed(),
    }
    return render(request, "finance/periods.html", context)


@require_POST
@permission_required(CLOSE, raise_exception=True)
def period_close_view(request: HttpRequest) -> HttpResponse:
    form = PeriodCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the month to close."))
        return redirect("finance:period_list")
    try:
        period = stock_period_close(actor=request.user, month=form.cleaned_data["month"])  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Closed %(period)s.") % {"period": period})
    return redirect("finance:period_list")


@require_POST
@permission_required(REOPEN, raise_exception=True)
def period_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(StockPeriod, pk=pk)
    try:
        period = stock_period_reopen(actor=request.user, period=period)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.text)
    else:
        messages.success(request, _("Reopened %(period)s.") % {"period": period})
    return redirect("finance:period_list")


urlpatterns: list[URLPattern] = [
    path("periods/", period_list_view, name="period_list"),
    path("periods/close/", period_close_view, name="period_close"),
    path("periods/<int:pk>/reopen/", period_reopen_view, name="period_reopen"),
]
