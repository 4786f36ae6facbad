"""`jxc bench --clients N` (PostgreSQL): N client processes run the workload's sales at the same moment against
stock the purchases brought in, asking for more than there is (`demand` times the stream's sales), so they fight
over the last units. Reports throughput and latency, and proves that nothing was oversold."""

from __future__ import annotations

import multiprocessing
import resource
import time
from collections import Counter
from decimal import Decimal
from multiprocessing.synchronize import Barrier
from typing import Any

from django.db import DatabaseError, connection, connections
from django.db.models import Sum

from jxc.bench.standard import error_of, percentile
from jxc.bench.steps import Books, check_figures, master_data, owner_ready, purchase, sale
from jxc.core.errors import DomainError
from jxc.inventory.choices import PostingStatus
from jxc.purchasing.models import PurchaseReceiptLine
from jxc.sales.models import SalesShipmentLine

SHORT = "insufficient_stock"


class NeedsPostgres(RuntimeError):
    """Concurrent clients need PostgreSQL: SQLite lets one writer in at a time."""


def _client(books: Books, documents: list[dict[str, Any]], barrier: Barrier, results: Any) -> None:
    """One client: connect, wait for the others, then run its sales one after another."""
    connections.close_all()  # never share the parent's connection
    owner = books.owner  # connects and loads the user before the clock starts
    barrier.wait()
    done: list[dict[str, Any]] = []
    for document in documents:
        started = time.perf_counter()
        try:
            sale(books, owner, document)
            outcome: dict[str, Any] = {"outcome": "shipped"}
        except DomainError as error:
            outcome = {"outcome": "short" if error.code == SHORT else "refused", **error_of(document, error)}
        except DatabaseError as error:  # a deadlock or serialization failure would be a defect: report it
            outcome = {"outcome": "database_error", "document": document["number"], "message": str(error)[:200]}
        done.append({**outcome, "seconds": time.perf_counter() - started})
    connections.close_all()
    results.put(done)


def _demand(documents: list[dict[str, Any]], demand: int) -> list[dict[str, Any]]:
    """The stream's sales `demand` times over, each copy numbered apart."""
    sales = [d for d in documents if d["kind"] == "sale"]
    return [{**d, "number": f"{d['number']}-{copy}"} for copy in range(1, demand + 1) for d in sales]


def oversold() -> list[dict[str, str]]:
    """Products whose shipped quantity exceeds what was received, from the posted documents' lines."""
    received = dict(
        PurchaseReceiptLine.objects.filter(receipt__status=PostingStatus.POSTED)
        .values_list("product__sku")
        .annotate(q=Sum("quantity"))
    )
    shipped = (
        SalesShipmentLine.objects.filter(shipment__status=PostingStatus.POSTED)
        .values_list("product__sku")
        .annotate(q=Sum("quantity"))
    )
    return [
        {"product": sku, "shipped": f"{q:f}", "received": f"{received.get(sku, Decimal(0)):f}"}
        for sku, q in shipped
        if q > received.get(sku, Decimal(0))
    ]


def run(scenario: dict[str, Any], *, clients: int, demand: int = 2, check: bool = True) -> dict[str, Any]:
    """Purchases first (one client), then every client's share of the sales at once; figures and proofs."""
    if connection.vendor != "postgresql":
        raise NeedsPostgres("jxc bench --clients needs PostgreSQL: set DATABASE_URL=postgres://…")
    owner = owner_ready()
    books = master_data(scenario, owner)
    for document in scenario["documents"]:
        if document["kind"] == "purchase":
            purchase(books, owner, document)
    sales = _demand(scenario["documents"], demand)
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(clients + 1)
    results = context.Queue()
    connections.close_all()
    workers = [
        context.Process(target=_client, args=(books, sales[i::clients], barrier, results)) for i in range(clients)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    done = [item for _ in workers for item in results.get()]
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.join()
    outcomes = Counter(item["outcome"] for item in done)
    shipped = [item["seconds"] for item in done if item["outcome"] == "shipped"]
    every = [item["seconds"] for item in done]
    result: dict[str, Any] = {
        "benchmark": "clients",
        "database": connection.vendor,
        "clients": clients,
        "demand": demand,
        "attempts": len(done),
        "outcomes": dict(outcomes),
        "seconds": round(seconds, 3),
        "sales_per_second": round(len(shipped) / seconds, 1) if seconds else 0.0,
        "attempts_per_second": round(len(done) / seconds, 1) if seconds else 0.0,
        "latency_ms": {
            "p50": percentile(shipped, 0.5),
            "p95": percentile(shipped, 0.95),
            "p99": percentile(shipped, 0.99),
        },
        "attempt_latency_ms": {"p50": percentile(every, 0.5), "p95": percentile(every, 0.95)},
        "failures": [item for item in done if item["outcome"] not in {"shipped", "short"}][:20],
        "peak_memory_mb": round(
            max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024,
            1,
        ),
        "oversold": oversold(),
    }
    if check:
        result["check"] = check_figures()
    return result


def failed(result: dict[str, Any]) -> bool:
    """A run fails on any oversold product, a broken invariant, or a failure other than a stock shortfall."""
    return bool(result["oversold"] or result["failures"] or result.get("check", {}).get("violations"))
