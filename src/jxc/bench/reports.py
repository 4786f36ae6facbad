"""`jxc bench reports`: how long the report pages take on the configured database.

Each read is the page itself — its view called with a GET request as the owner, the template rendered — at the
page's defaults but for the date range:

- stock_overview: the stock overview (库存查询), first page and totals;
- stock_card: the busiest product's stock card (库存台账) over the last 365 days, its first page and totals;
- balance_at: the stock card's "balance at" (its htmx part) for that product about 200 days ago;
- valuation: inventory valuation at the middle of the month about 100 days ago;
- ageing: the ageing of receivables (账龄) as of today;
- sales_by_month: gross profit (毛利) grouped by month over the last 12 months.

Read only: a GET writes nothing (and no session is made). Timings are wall-clock per read after `warmup` untimed
runs; percentiles by nearest rank. Queries are counted once per read, in a run of their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from jxc.accounts.models import User
from jxc.inventory.models import StockMove

Read = Callable[[], int]


def run(*, repeat: int = 20, warmup: int = 2) -> dict[str, Any]:
    """Time each report page `repeat` times on the configured database; a JSON-able dict of the figures."""
    if repeat < 1 or warmup < 0:
        raise ValueError("repeat must be at least 1 and warmup at least 0")
    owner = _owner()
    today = timezone.localdate()
    busiest = StockMove.objects.values("product_id").annotate(n=Count("pk")).order_by("-n", "product_id").first() or {}
    product_id = busiest.get("product_id")
    figures = {
        name: _measure(_page(owner, url, params), repeat=repeat, warmup=warmup) | {"params": params}
        for name, url, params in _reads(product_id, today)
    }
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


def _reads(product_id: int | None, today: date) -> list[tuple[str, str, dict[str, str]]]:
    """(name, URL name, query) of each read; no stock card without a move."""
    month = today.replace(day=1)
    for _ in range(11):
        month = (month - timedelta(days=1)).replace(day=1)
    card = {"product": str(product_id), "start": (today - timedelta(days=365)).isoformat(), "end": today.isoformat()}
    reads = [
        ("stock_overview", "inventory:stock_overview", {}),
        ("stock_card", "inventory:stock_card", card),
        ("balance_at", "inventory:stock_card", {"product": str(product_id), "at": str(today - timedelta(days=200))}),
        ("valuation", "inventory:valuation", {"date": ((today - timedelta(days=100)).replace(day=15)).isoformat()}),
        ("ageing", "finance:ageing", {}),
        ("sales_by_month", "reports:gross_profit", {"group": "month", "start": str(month), "end": str(today)}),
    ]
    return [r for r in reads if product_id is not None or r[0] not in {"stock_card", "balance_at"}]


def _page(owner: User, url_name: str, params: dict[str, str]) -> Read:
    """The page as a read: its view called with the request a browser sends (htmx for "balance at"); the size of
    the rendered page in bytes."""
    path = reverse(url_name)
    view = resolve(path).func
    headers = {"HX-Request": "true", "HX-Target": "balance-at"} if "at" in params else {}
    factory = RequestFactory()

    def read() -> int:
        request = factory.get(path, params, headers=headers)
        request.user = owner
        request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]  # as HtmxMiddleware sets it
        response = view(request)
        if hasattr(response, "render"):
            response.render()
        if response.status_code != 200:
            raise RuntimeError(f"{url_name} answered {response.status_code}")
        return len(response.content)

    return read


def _measure(read: Read, *, repeat: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        read()
    with CaptureQueriesContext(connection) as queries:
        size = read()
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
        "bytes": size,
    }


def _rank(ordered: list[float], percent: int) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]
