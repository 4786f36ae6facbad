"""`jxc bench --scenario`: the standard workload replays through the real services into a fresh database and its end
state matches a hand replay; mismatches and bad files fail the command; `--generate` is deterministic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jxc.bench.generate import Counts, scenario_generate
from jxc.bench.scenario import ScenarioInvalid, expected_of, replay, scenario_check, scenario_load
from jxc.bench.standard import mismatches_of
from jxc.inventory.models import StockMove

SMALL = Path(__file__).resolve().parents[2] / "bench" / "scenario-small.json"
TINY = Counts(products=6, suppliers=2, customers=3, purchases=2, sales=5, rounds=2, seed=7)


def jxc(*args: str, tmp_path: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, JXC_VAR_DIR=str(tmp_path))
    command = [str(Path(sys.executable).with_name("jxc")), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, check=False)


def test_the_small_scenario_replays_through_the_services_with_no_mismatch(db: Any, tmp_path: Path) -> None:
    moves_before = StockMove.objects.count()
    done = jxc("bench", "--scenario", str(SMALL), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["mismatches"] == 0, result["mismatch_details"]
    assert result["error_count"] == 0, result["errors"]
    assert result["check"]["violations"] == 0, result["check"]["details"]
    assert result["end_state"]["on_hand_total"] == 5792
    assert result["end_state"]["revenue"] == "1270351.60"
    assert result["end_state"]["stock_value"] == result["replay"]["stock_value"] == "1564958.57"
    assert result["expected"]["stock_value"] == "1564958.61"  # the file keeps unit costs to 4 places only
    assert Decimal(result["end_state"]["cogs"]) > 0
    phases = result["phases"]
    assert (phases["master_data"]["documents"], phases["purchases"]["documents"], phases["sales"]["documents"]) == (
        260,
        50,
        200,
    )
    assert all(phases[p]["documents_per_second"] > 0 for p in phases)
    assert result["peak_memory_mb"] > 0
    assert StockMove.objects.count() == moves_before  # it ran in a database of its own


def test_a_mismatch_fails_the_command(tmp_path: Path) -> None:
    scenario = scenario_generate(TINY)
    scenario["expected"]["revenue"] = str(Decimal(scenario["expected"]["revenue"]) + Decimal("0.01"))
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    done = jxc("bench", "--scenario", str(path), "--no-check", tmp_path=tmp_path)
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["mismatches"] == 1
    assert result["mismatch_details"][0]["what"] == "expected.revenue"
    assert "mismatch" in done.stderr


def test_a_bad_scenario_file_is_refused_before_a_database_is_made(tmp_path: Path) -> None:
    scenario = scenario_generate(TINY)
    scenario["documents"][0]["lines"][0]["quantity"] = -3
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    done = jxc("bench", "--scenario", str(path), tmp_path=tmp_path, timeout=60)
    assert done.returncode == 1
    assert "documents[0].lines[0].quantity" in done.stderr
    assert done.stdout == ""


@pytest.mark.parametrize(
    ("change", "place"),
    [
        (lambda s: s["documents"][1].update(party="NOPE"), "documents[1].party"),
        (lambda s: s["documents"][0]["lines"][0].update(product="P99999"), "documents[0].lines[0].product"),
        (lambda s: s["documents"][0]["lines"][0].update(unit_price="1.234"), "unit_price"),
        (lambda s: s["products"].append(dict(s["products"][0])), "appears twice"),
        (lambda s: s["documents"][0].update(kind="transfer"), "documents[0].kind"),
    ],
)
def test_scenario_check_names_the_first_problem(change: Any, place: str) -> None:
    scenario = scenario_generate(TINY)
    change(scenario)
    with pytest.raises(ScenarioInvalid, match=place.replace("[", r"\[").replace("]", r"\]")):
        scenario_check(scenario)


def test_the_shipped_file_reads_and_its_expectations_are_reproduced() -> None:
    scenario = scenario_load(SMALL)
    assert expected_of(scenario) == scenario["expected"]
    hand = replay(scenario)
    assert hand.short == []
    assert sum(hand.on_hand.values()) == 5792
    assert hand.revenue == Decimal("1270351.60")


def test_generate_is_deterministic_and_follows_the_counts() -> None:
    counts = Counts(products=40, suppliers=4, customers=9, purchases=10, sales=30, rounds=3, seed=11)
    first, again = scenario_generate(counts), scenario_generate(counts)
    assert json.dumps(first) == json.dumps(again)
    assert json.dumps(first) != json.dumps(scenario_generate(Counts(**{**vars(counts), "seed": 12})))
    scenario_check(first)
    kinds = [d["kind"] for d in first["documents"]]
    assert (kinds.count("purchase"), kinds.count("sale")) == (10, 30)
    assert kinds[0] == "purchase"
    assert (len(first["products"]), len(first["suppliers"]), len(first["customers"])) == (40, 4, 9)
    assert first["params"] == {**vars(counts)}
    assert first["expected"] == expected_of(first)
    assert replay(first).short == []  # sales only ever sell what earlier purchases brought in


def test_generate_writes_a_file_and_refuses_unusable_counts(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    done = jxc("bench", "--generate", "--products", "6", "--sales", "5", "--output", str(path), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    written = scenario_load(path)
    assert written["params"]["products"] == 6
    assert written == scenario_generate(Counts(products=6, sales=5))
    refused = jxc("bench", "--generate", "--purchases", "2", "--rounds", "3", tmp_path=tmp_path)
    assert refused.returncode == 1
    assert "rounds cannot exceed purchases" in refused.stderr


def test_mismatches_name_the_product_and_the_figure() -> None:
    scenario = scenario_generate(TINY)
    hand = replay(scenario)
    state = {
        "on_hand": {code: Decimal(q) for code, q in hand.on_hand.items()},
        "value": dict(hand.value),
        "revenue": hand.revenue,
    }
    assert mismatches_of(state, hand, scenario["expected"]) == []
    code = sorted(hand.on_hand)[0]
    state["on_hand"][code] += 1
    state["value"][code] += Decimal("0.01")
    found = mismatches_of(state, hand, None)
    assert [(m["what"], m["product"]) for m in found] == [("on_hand", code), ("stock_value", code)]
