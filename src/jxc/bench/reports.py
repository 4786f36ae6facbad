"""`jxc bench reports`: how long the report pages take to read their data on the configured database.

Each read is what its page does with the page's defaults, as the owner: the same filter form, the same selectors,
and the rows the view builds for the template (cells formatted, the first page where the page pages, the totals),
without rendering the template:

- stock_overview: the stock overview (库存查询), all warehouses, grain product × warehouse, first page and totals;
- stock_card: the busiest product's stock card (库存台账) over the last 365 days, its first page;
- balance_at: the stock card's "balance at" of that product about 200 days ago, all warehouses;
- valuation: inventory valuation at the middle of the month about 100 days ago (a snapshot and the moves since);
- ageing: the ageing of receivables (账龄) as of today, all customers;
- sales_by_month: gross profit (毛利) grouped by month over the last 12 months.

Read only: nothing is written. Timings are wall-clock per read after `warmup` untimed runs; percentiles by nearest
rank. Queries are counted once per read, in a run of their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Model
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jxc.accounts.models import User
from jxc.core.columns import can_view_cost, visible_columns
from jxc.core.display import cell_html
from jxc.core.listing import Listing
from jxc.finance.selectors.ageing import ageing
from jxc.finance.tables_ledger import AGEING_COLUMNS
from jxc.finance.views.ledger import AgeingForm
from jxc.inventory.forms_stock import BalanceAtForm, StockCardForm, StockFilterForm, ValuationFilterForm
from jxc.inventory.models import StockMove
from jxc.inventory.selectors import balance_at, stock_card
from jxc.inventory.selectors.stock import CARD_PAGE_SIZE, visible_warehouse_ids
from jxc.inventory.selectors.stock_pages import (
    card_lines,
    overview_ordered,
    overview_queryset,
    overview_rows,
    overview_totals,
)
from jxc.inventory.views.stock import (
    CARD_COLUMNS,
    find_product,
    overview_columns,
    source_url,
    table_rows,
    totals_cells,
)
from jxc.inventory.views.stock import _valuation as valuation_rows
from jxc.partners.models import Account
from jxc.reports.forms import ProfitFilterForm
from jxc.reports.selectors.profit import gross_profit
from jxc.reports.tables import profit_columns
from jxc.reports.tables import table_rows as profit_table_rows
from jxc.reports.tables import totals_cells as profit_totals_cells
from jxc.reports.views.profit import _drill, _totals

PER_PAGE = 50  # the pages' default page size
Read = Callable[[], int]


def run(*, repeat: int = 20, warmup: int = 2) -> dict[str, Any]:
    """Time each report read `repeat` times on the configured database; a JSON-able dict of the figures."""
    if repeat < 1 or warmup < 0:
        raise ValueError("repeat must be at least 1 and warmup at least 0")
    owner = _owner()
    today = timezone.localdate()
    busiest = StockMove.objects.values("product_id").annotate(n=Count("pk")).order_by("-n", "product_id").first() or {}
    product_id = busiest.get("product_id")
    reads, params = _reads(owner, product_id, today)
    figures = {name: _measure(read, repeat=repeat, warmup=warmup) | {"params": params[name]} for name, read in reads}
    return {
        "benchmark": "reports",
        "database": connection.vendor,
        "stock_moves": StockMove.objects.count(),
        "busiest_product": {"id": product_id, "moves": busiest.get("n", 0)},
        "today": today.isoformat(),
        "repeat": repeat,
        "warmup": warmup,
        "reads": figures,
    }


def _owner() -> User:
    owner = User.objects.filter(groups__name="owner", is_active=True).order_by("pk").first()
    if owner is None:
        raise LookupError("no active owner: set the company up first (jxc setup or jxc seed-large)")
    return owner


def _measure(read: Read, *, repeat: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        read()
    with CaptureQueriesContext(connection) as queries:
        rows = read()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        read()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "p50_ms": round(_rank(timings, 50), 2),
        "p95_ms": round(_rank(timings, 95), 2),
        "max_ms": round(timings[-1], 2),
        "queries": len(queries.captured_queries),
        "rows": rows,
    }


def _rank(ordered: list[float], percent: int) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


def _query(**values: Any) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in values.items():
        query[key] = value.isoformat() if isinstance(value, date) else str(value)
    return query


def _reads(owner: User, product_id: int | None, today: date) -> tuple[list[tuple[str, Read]], dict[str, Any]]:
    card_start = today - timedelta(days=365)
    at = today - timedelta(days=200)
    valued = (today - timedelta(days=100)).replace(day=15)
    month = today.replace(day=1)
    for _ in range(11):
        month = (month - timedelta(days=1)).replace(day=1)
    params = {
        "stock_overview": {"grain": "warehouse", "page": 1, "per_page": PER_PAGE},
        "stock_card": {"product": product_id, "start": card_start.isoformat(), "end": today.isoformat()},
        "balance_at": {"product": product_id, "at": at.isoformat()},
        "valuation": {"date": valued.isoformat()},
        "ageing": {"account": Account.RECEIVABLE.value, "as_of": today.isoformat()},
        "sales_by_month": {"group": "month", "start": month.isoformat(), "end": today.isoformat()},
    }
    reads: list[tuple[str, Read]] = [
        ("stock_overview", lambda: _stock_overview(owner)),
        ("stock_card", lambda: _stock_card(owner, _query(product=product_id, start=card_start, end=today))),
        ("balance_at", lambda: _balance_at(owner, _query(product=product_id, at=at))),
        ("valuation", lambda: _valuation(owner, _query(date=valued))),
        ("ageing", lambda: _ageing(QueryDict())),
        ("sales_by_month", lambda: _sales_by_month(owner, _query(group="month", start=month, end=today))),
    ]
    if product_id is None:  # no moves at all: nothing to show on a stock card
        reads = [(name, read) for name, read in reads if name not in {"stock_card", "balance_at"}]
    return reads, params


def _stock_overview(owner: User) -> int:
    """`stock_overview_view` without parameters: grain product × warehouse, sorted by SKU, first page, totals."""
    form = StockFilterForm(None, user=owner)
    filters = form.filters()
    grain = filters["grain"]
    show_cost = can_view_cost(owner)
    columns = visible_columns(overview_columns(grain), owner)
    queryset = overview_queryset(user=owner, **filters)
    ordered, _sort = overview_ordered(queryset, grain=grain, sort="sku")
    page = Paginator(ordered, PER_PAGE).get_page(None)
    warehouse_ids = visible_warehouse_ids(user=owner, warehouse_id=filters["warehouse_id"])
    page.object_list = overview_rows(page.object_list, grain=grain, with_cost=show_cost, warehouse_ids=warehouse_ids)
    totals = overview_totals(
        queryset,
        grain=grain,
        with_cost=show_cost,
        user=owner,
        warehouse_id=filters["warehouse_id"],
        q=filters["q"],
        category_id=filters["category_id"],
    )
    card_url = reverse("inventory:stock_card")
    rows = table_rows(
        page.object_list,
        columns,
        link=lambda row: (
            f"{card_url}?product={row.product.pk}"
            + (f"&warehouse={row.warehouse.pk}" if row.warehouse is not None else "")
        ),
    )
    totals_cells(
        columns,
        {"on_hand": totals.on_hand, "reserved": totals.reserved, "available": totals.available, "value": totals.value},
    )
    return len(rows)


def _card_product(owner: User, query: QueryDict) -> tuple[Any, dict[str, Any], list[int]]:
    form = StockCardForm(query, user=owner)
    form.is_valid()
    data = form.cleaned_data
    product, _candidates = find_product(q=data.get("q") or "", product_id=data.get("product"))
    warehouse_ids = visible_warehouse_ids(user=owner, warehouse_id=data.get("warehouse"))
    return product, data, warehouse_ids


def _stock_card(owner: User, query: QueryDict) -> int:
    """`stock_card_view` for one product and a date range: the first page of the card's lines as table rows, linked
    to documents, with the range's totals."""
    product, data, _warehouse_ids = _card_product(owner, query)
    card = stock_card(
        user=owner,
        product=product,
        start=data["start"],
        end=data["end"],
        warehouse_id=None,
        page=1,
        page_size=CARD_PAGE_SIZE,
    )
    columns = visible_columns(CARD_COLUMNS, owner)
    cache: dict[str, type[Model] | None] = {}
    lines = card_lines(card)
    rows = table_rows(
        lines, columns, link=lambda line: source_url(line.source_type, line.source_id, cache), link_key="number"
    )
    return len(rows)


def _balance_at(owner: User, query: QueryDict) -> int:
    """The stock card page's "balance at" (its htmx partial): the product's quantity and value at the end of a day."""
    product, _data, warehouse_ids = _card_product(owner, query)
    at_form = BalanceAtForm(query)
    at_form.is_valid()
    quantity, _value = balance_at(product=product, warehouse_ids=warehouse_ids, day=at_form.cleaned_data["at"])
    return 1 if quantity else 0


def _valuation(owner: User, query: QueryDict) -> int:
    """`valuation_view` at a date: every row valued (the total is over all of them), the first page as table rows."""
    form = ValuationFilterForm(query, user=owner)
    rows, columns = valuation_rows(owner, form.filters())
    page = Paginator(rows, PER_PAGE).get_page(None)
    card_url = reverse("inventory:stock_card")
    table_rows(page.object_list, columns, link=lambda r: f"{card_url}?product={r.product.pk}")
    totals_cells(columns, {"value": sum((r.value for r in rows), Decimal(0))})
    return len(rows)


def _ageing(query: QueryDict) -> int:
    """`ageing_page` with its defaults (receivables, as of today): a row per customer, its cells as the template
    formats them."""
    form = AgeingForm(query or None, initial={"as_of": timezone.localdate()})
    account, as_of = form.chosen()
    result = ageing(account=account, as_of=as_of)
    for row in [*result.rows, result.totals]:
        for column in AGEING_COLUMNS:
            cell_html(column, row)
    return len(result.rows)


def _sales_by_month(owner: User, query: QueryDict) -> int:
    """`gross_profit_view` grouped by month: the report, its first page as table rows with drill-down links, totals."""
    form = ProfitFilterForm(query, user=owner)
    group, filters = form.filters()
    report = gross_profit(group=group, filters=filters)
    columns = profit_columns(group)
    page = Paginator(report.rows, PER_PAGE).get_page(None)
    listing = Listing(page=page, columns=columns, sort="", query=query)
    profit_table_rows(page.object_list, columns, link=_drill(listing, group))
    profit_totals_cells(columns, _totals(report))
    return len(report.rows)
