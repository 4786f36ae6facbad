"""`jxc bench --generate`: a scenario in the standard format made from counts and a seed — the same counts and
seed always give the same file, so a workload can be scaled up and still compared."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jxc.bench.scenario import expected_of
from jxc.core.numbers import round_money

MAX_LINES = 5


@dataclass(frozen=True)
class Counts:
    """How big a scenario to make."""

    products: int = 200
    suppliers: int = 10
    customers: int = 50
    purchases: int = 50
    sales: int = 200
    rounds: int = 4
    seed: int = 20240601

    def problems(self) -> list[str]:
        """What makes these counts unusable (empty when they are fine)."""
        found = [f"{name} must be at least 1" for name, value in vars(self).items() if name != "seed" and value < 1]
        if self.rounds > self.purchases:
            found.append("rounds cannot exceed purchases (every round starts with a purchase)")
        return found


def _price(rng: random.Random, low: float, high: float) -> Decimal:
    return round_money(Decimal(str(rng.uniform(low, high))))


def _share(total: int, rounds: int, index: int) -> int:
    """Documents of round `index` when `total` are spread over `rounds`, the first rounds taking the remainder."""
    return total // rounds + (1 if index < total % rounds else 0)


def scenario_generate(counts: Counts) -> dict[str, Any]:
    """Products, parties and documents in rounds (purchases, then the sales they make possible), with expectations.
    Sales sell only what earlier purchases brought in, so the stream never needs negative stock."""
    rng = random.Random(counts.seed)
    products = []
    for i in range(1, counts.products + 1):
        list_price = _price(rng, 10, 1000)
        cost = round_money(list_price * Decimal(str(rng.uniform(0.5, 0.83))))
        products.append(
            {"code": f"P{i:05d}", "name": f"Product {i:05d}", "list_price": f"{list_price}", "standard_cost": f"{cost}"}
        )
    suppliers = [{"code": f"S{i:04d}", "name": f"Supplier {i:04d}"} for i in range(1, counts.suppliers + 1)]
    customers = [{"code": f"C{i:04d}", "name": f"Customer {i:04d}"} for i in range(1, counts.customers + 1)]
    by_code = {p["code"]: p for p in products}
    stock: dict[str, int] = {}
    documents: list[dict[str, Any]] = []
    numbers = {"purchase": 0, "sale": 0}

    def document(kind: str, party: str, lines: list[dict[str, Any]]) -> None:
        numbers[kind] += 1
        prefix = "PO" if kind == "purchase" else "SO"
        documents.append({"kind": kind, "number": f"{prefix}{numbers[kind]:06d}", "party": party, "lines": lines})

    for round_index in range(counts.rounds):
        for _ in range(_share(counts.purchases, counts.rounds, round_index)):
            lines = []
            for product in rng.sample(products, min(rng.randint(1, MAX_LINES), len(products))):
                quantity = rng.randint(10, 100)
                price = round_money(Decimal(product["standard_cost"]) * Decimal(str(rng.uniform(0.85, 1.15))))
                stock[product["code"]] = stock.get(product["code"], 0) + quantity
                lines.append({"product": product["code"], "quantity": quantity, "unit_price": f"{price}"})
            document("purchase", rng.choice(suppliers)["code"], lines)
        for _ in range(_share(counts.sales, counts.rounds, round_index)):
            in_stock = sorted(code for code, held in stock.items() if held > 0)
            if not in_stock:
                break
            lines = []
            for code in rng.sample(in_stock, min(rng.randint(1, MAX_LINES), len(in_stock))):
                quantity = rng.randint(1, min(10, stock[code]))
                stock[code] -= quantity
                lines.append({"product": code, "quantity": quantity, "unit_price": by_code[code]["list_price"]})
            document("sale", rng.choice(customers)["code"], lines)
    scenario: dict[str, Any] = {
        "params": {
            "products": counts.products,
            "suppliers": counts.suppliers,
            "customers": counts.customers,
            "purchases": counts.purchases,
            "sales": counts.sales,
            "rounds": counts.rounds,
            "seed": counts.seed,
        },
        "warehouse": "WH",
        "products": products,
        "suppliers": suppliers,
        "customers": customers,
        "documents": documents,
    }
    scenario["expected"] = expected_of(scenario)
    return scenario
