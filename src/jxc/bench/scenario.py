"""The standard benchmark workload (bench/SCENARIO.md): reading and checking a scenario file, and replaying its
stream by hand — the end state a correct system must reach, to the cent."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jxc.core.numbers import ZERO, round_money

KINDS = ("purchase", "sale")
FOUR_PLACES = Decimal("0.0001")


class ScenarioInvalid(ValueError):
    """A scenario file that does not follow the format; the message names the place."""


def _money(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ScenarioInvalid(f"{where}: {value!r} is not a decimal amount") from None
    if not amount.is_finite() or amount < 0 or amount != round_money(amount):
        raise ScenarioInvalid(f"{where}: {value!r} is not an amount in cents of at least 0")
    return amount


def _codes(rows: Any, section: str, keys: tuple[str, ...]) -> set[str]:
    if not isinstance(rows, list) or not rows:
        raise ScenarioInvalid(f"{section}: a non-empty list is required")
    seen: set[str] = set()
    for i, row in enumerate(rows):
        missing = [k for k in keys if not isinstance(row, dict) or not str(row.get(k, "")).strip()]
        if missing:
            raise ScenarioInvalid(f"{section}[{i}]: {', '.join(missing)} required")
        if row["code"] in seen:
            raise ScenarioInvalid(f"{section}[{i}]: code {row['code']} appears twice")
        seen.add(row["code"])
    return seen


def scenario_check(scenario: Any) -> dict[str, Any]:
    """The scenario if it follows the format; otherwise ScenarioInvalid naming the first problem."""
    if not isinstance(scenario, dict):
        raise ScenarioInvalid("the file must hold one JSON object")
    if not str(scenario.get("warehouse", "")).strip():
        raise ScenarioInvalid("warehouse: a code is required")
    products = _codes(scenario.get("products"), "products", ("code", "name", "list_price", "standard_cost"))
    for i, p in enumerate(scenario["products"]):
        _money(p["list_price"], f"products[{i}].list_price")
        _money(p["standard_cost"], f"products[{i}].standard_cost")
    parties = {
        "purchase": _codes(scenario.get("suppliers"), "suppliers", ("code", "name")),
        "sale": _codes(scenario.get("customers"), "customers", ("code", "name")),
    }
    if parties["purchase"] & parties["sale"]:
        raise ScenarioInvalid("suppliers and customers share a code")
    documents = scenario.get("documents")
    if not isinstance(documents, list):
        raise ScenarioInvalid("documents: a list is required")
    for i, doc in enumerate(documents):
        where = f"documents[{i}]"
        if not isinstance(doc, dict) or doc.get("kind") not in KINDS:
            raise ScenarioInvalid(f"{where}.kind: one of {', '.join(KINDS)} is required")
        if doc.get("party") not in parties[doc["kind"]]:
            raise ScenarioInvalid(f"{where}.party: {doc.get('party')!r} is not a known {doc['kind']} party")
        lines = doc.get("lines")
        if not isinstance(lines, list) or not lines:
            raise ScenarioInvalid(f"{where}.lines: at least one line is required")
        for j, line in enumerate(lines):
            if not isinstance(line, dict) or line.get("product") not in products:
                raise ScenarioInvalid(f"{where}.lines[{j}].product: unknown product")
            quantity = line.get("quantity")
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
                raise ScenarioInvalid(f"{where}.lines[{j}].quantity: a whole number above 0 is required")
            _money(line.get("unit_price"), f"{where}.lines[{j}].unit_price")
    return scenario


def scenario_load(path: str | Path) -> dict[str, Any]:
    """Read and check a scenario file."""
    try:
        scenario = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise ScenarioInvalid(f"{path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ScenarioInvalid(f"{path}: not JSON ({error})") from None
    return scenario_check(scenario)


@dataclass
class Replay:
    """The end state of a stream replayed by hand: on hand and moving-average value per product, revenue."""

    on_hand: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    value: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    revenue: Decimal = ZERO
    short: list[str] = field(default_factory=list)

    @property
    def stock_value(self) -> Decimal:
        return sum(self.value.values(), ZERO)

    def apply(self, document: dict[str, Any]) -> None:
        """One document: stock in at the line price, or out at the average (V·q/Q to the cent, all of V at q = Q)."""
        for line in document["lines"]:
            code, quantity = line["product"], line["quantity"]
            amount = Decimal(line["unit_price"]) * quantity
            if document["kind"] == "purchase":
                self.on_hand[code] += quantity
                self.value[code] += amount
                continue
            held = self.on_hand[code]
            if quantity > held:
                self.short.append(f"{document.get('number', '?')}: {code} needs {quantity}, holds {held}")
            out = self.value[code] if quantity == held else round_money(self.value[code] * quantity / held)
            self.on_hand[code] -= quantity
            self.value[code] -= out
            self.revenue += amount


def replay(scenario: dict[str, Any]) -> Replay:
    """The stream replayed document by document, as a system with exact moving-average cost ends up."""
    result = Replay()
    for code in (p["code"] for p in scenario["products"]):
        result.on_hand[code] += 0
        result.value[code] += ZERO
    for document in scenario["documents"]:
        result.apply(document)
    return result


def expected_of(scenario: dict[str, Any]) -> dict[str, Any]:
    """The `expected` block of a scenario file: totals, with the stock value from unit costs kept to 4 places."""
    quantity: dict[str, int] = defaultdict(int)
    unit_cost: dict[str, Decimal] = defaultdict(Decimal)
    revenue = ZERO
    for document in scenario["documents"]:
        for line in document["lines"]:
            code, q, price = line["product"], line["quantity"], Decimal(line["unit_price"])
            if document["kind"] == "purchase":
                total = quantity[code] * unit_cost[code] + q * price
                quantity[code] += q
                unit_cost[code] = (total / quantity[code]).quantize(FOUR_PLACES, rounding=ROUND_HALF_UP)
            else:
                quantity[code] -= q
                revenue += q * price
    stock_value = round_money(sum((quantity[c] * unit_cost[c] for c in quantity), ZERO))
    return {
        "on_hand_total": sum(quantity.values()),
        "stock_value": f"{stock_value:.2f}",
        "revenue": f"{revenue:.2f}",
        "products": len(scenario["products"]),
    }
