"""`jxc bench --scenario FILE`: the standard workload through the real services, timed per phase, and the end
state read back from the system and held against a hand replay of the stream (bench/SCENARIO.md)."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection

from jxc.accounts.models import User
from jxc.bench.scenario import Replay, replay
from jxc.bench.steps import Books, check_figures, master_data, owner_ready, purchase, sale
from jxc.core.errors import DomainError
from jxc.core.numbers import ZERO
from jxc.inventory.models import StockBalance
from jxc.inventory.selectors import valuation_at
from jxc.reports.selectors.profit import ProfitFilters, gross_profit

STOCK_VALUE_TOLERANCE_PER_PRODUCT = Decimal("0.05")  # the file's figure keeps unit costs to 4 places only


def percentile(timings: list[float], share: float) -> float:
    """Nearest-rank percentile of timings in seconds, in milliseconds (0 without timings)."""
    if not timings:
        return 0.0
    ordered = sorted(timings)
    rank = max(1, -(-len(ordered) * share // 1))
    return round(ordered[int(rank) - 1] * 1000, 2)


def phase_figures(seconds: float, timings: list[float]) -> dict[str, Any]:
    """Seconds, documents, documents per second and latency percentiles of one phase."""
    return {
        "seconds": round(seconds, 3),
        "documents": len(timings),
        "documents_per_second": round(len(timings) / seconds, 1) if seconds else 0.0,
        "p50_ms": percentile(timings, 0.5),
        "p95_ms": percentile(timings, 0.95),
    }


def error_of(document: dict[str, Any], error: DomainError) -> dict[str, Any]:
    """A refused document as the report lists it: its number and the domain error's code and message."""
    return {"document": document.get("number", ""), "code": error.code, "message": error.text}


def _post_all(books: Books, owner: User, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """Every document in stream order; the time of each kind, and the documents a service refused."""
    steps: dict[str, Callable[[Books, User, dict[str, Any]], Any]] = {"purchase": purchase, "sale": sale}
    timings: dict[str, list[float]] = {"purchase": [], "sale": []}
    errors = []
    for document in documents:
        started = time.perf_counter()
        try:
            steps[document["kind"]](books, owner, document)
        except DomainError as error:
            errors.append(error_of(document, error))
        timings[document["kind"]].append(time.perf_counter() - started)
    return {"timings": timings, "errors": errors}


def end_state(books: Books) -> dict[str, Any]:
    """What the system holds after the run: on hand per product (the balances availability reads), value per
    product (the valuation report) and revenue and cost of goods sold (the gross-profit report)."""
    codes = {pk: code for code, pk in books.products.items()}
    on_hand = {code: Decimal(0) for code in books.products}
    for product_id, quantity in StockBalance.objects.filter(warehouse_id=books.warehouse_id).values_list(
        "product_id", "on_hand"
    ):
        on_hand[codes[product_id]] += quantity
    value = dict.fromkeys(books.products, ZERO)
    for row in valuation_at(day=books.day):
        value[codes[row.product_id]] += row.value
    profit = gross_profit(group="product", filters=ProfitFilters(start=books.day, end=books.day))
    return {"on_hand": on_hand, "value": value, "revenue": profit.revenue, "cogs": profit.cogs}


def mismatches_of(state: dict[str, Any], hand: Replay, expected: dict[str, Any] | None) -> list[dict[str, str]]:
    """Every difference that counts: on hand per product and revenue exactly, stock value to the cent (against
    the replay), and the file's own totals (its stock value within a few cents per product)."""
    found = []
    for code, quantity in sorted(state["on_hand"].items()):
        if quantity != hand.on_hand[code]:
            found.append(
                {"what": "on_hand", "product": code, "system": f"{quantity:f}", "replay": f"{hand.on_hand[code]}"}
            )
        value = state["value"][code]
        if value != hand.value[code]:
            found.append(
                {"what": "stock_value", "product": code, "system": f"{value}", "replay": f"{hand.value[code]}"}
            )
    if state["revenue"] != hand.revenue:
        found.append({"what": "revenue", "system": f"{state['revenue']}", "replay": f"{hand.revenue}"})
    if expected:
        on_hand_total = sum(state["on_hand"].values(), Decimal(0))
        stock_value = sum(state["value"].values(), ZERO)
        checks = [
            ("expected.on_hand_total", on_hand_total == expected["on_hand_total"], on_hand_total),
            ("expected.revenue", state["revenue"] == Decimal(expected["revenue"]), state["revenue"]),
            ("expected.products", len(state["on_hand"]) == expected["products"], len(state["on_hand"])),
            (
                "expected.stock_value",
                abs(stock_value - Decimal(expected["stock_value"]))
                <= STOCK_VALUE_TOLERANCE_PER_PRODUCT * expected["products"],
                stock_value,
            ),
        ]
        for what, equal, system in checks:
            if not equal:
                found.append({"what": what, "system": f"{system}", "expected": f"{expected[what.split('.')[1]]}"})
    return found


def run(scenario: dict[str, Any], *, name: str = "", check: bool = True) -> dict[str, Any]:
    """Replay the scenario into this (fresh) database and report figures, end state and mismatches."""
    owner = owner_ready()
    started = time.perf_counter()
    books = master_data(scenario, owner)
    master_seconds = time.perf_counter() - started
    posted = _post_all(books, owner, scenario["documents"])
    total_seconds = time.perf_counter() - started
    purchases = phase_figures(sum(posted["timings"]["purchase"]), posted["timings"]["purchase"])
    sales = phase_figures(sum(posted["timings"]["sale"]), posted["timings"]["sale"])
    masters = len(scenario["products"]) + len(scenario["suppliers"]) + len(scenario["customers"])
    documents = purchases["documents"] + sales["documents"]
    hand = replay(scenario)
    state = end_state(books)
    mismatches = mismatches_of(state, hand, scenario.get("expected"))
    stock_value = sum(state["value"].values(), ZERO)
    result: dict[str, Any] = {
        "benchmark": "scenario",
        "scenario": name,
        "params": scenario.get("params", {}),
        "database": connection.vendor,
        "phases": {
            "master_data": {
                "seconds": round(master_seconds, 3),
                "documents": masters,
                "documents_per_second": round(masters / master_seconds, 1) if master_seconds else 0.0,
            },
            "purchases": purchases,
            "sales": sales,
        },
        "total_seconds": round(total_seconds, 3),
        "documents_per_second": round(documents / (purchases["seconds"] + sales["seconds"]), 1) if documents else 0,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "end_state": {
            "on_hand_total": int(sum(state["on_hand"].values(), Decimal(0))),
            "stock_value": f"{stock_value}",
            "revenue": f"{state['revenue']}",
            "cogs": f"{state['cogs']}",
            "products": len(state["on_hand"]),
        },
        "replay": {
            "on_hand_total": sum(hand.on_hand.values()),
            "stock_value": f"{hand.stock_value}",
            "revenue": f"{hand.revenue}",
        },
        "expected": scenario.get("expected"),
        "mismatches": len(mismatches),
        "mismatch_details": mismatches[:50],
        "errors": posted["errors"][:50],
        "error_count": len(posted["errors"]),
    }
    if check:
        result["check"] = check_figures()
    return result


def failed(result: dict[str, Any]) -> bool:
    """Whether a run must exit with failure: a mismatch, a refused document, or a broken invariant."""
    return bool(result["mismatches"] or result["error_count"] or result.get("check", {}).get("violations"))
