"""`jxc bench reports`: on a small seeded database every report read is timed, counted and finds rows, and
nothing is written."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from jxc.bench import large, reports

READS = {"stock_overview", "stock_card", "balance_at", "valuation", "ageing", "sales_by_month"}


def _table_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}


@pytest.fixture
def seeded(db: Any) -> dict[str, Any]:
    return large.seed(moves=2500, products=25, customers=6, suppliers=2, seed=3)


def test_reports_run_times_every_read_and_writes_nothing(seeded: dict[str, Any]) -> None:
    # given a seeded database and what its tables hold
    before = _table_counts()
    # when the reads are timed
    result = reports.run(repeat=2, warmup=0)
    # then every read has its figures, found rows, and nothing was written
    assert result["database"] in {"sqlite", "postgresql"}
    assert result["stock_moves"] == 2500
    assert result["busiest_product"]["id"] == seeded["busiest_product"]["id"]
    assert set(result["reads"]) == READS
    for name, read in result["reads"].items():
        assert isinstance(read["p50_ms"], float), name
        assert isinstance(read["p95_ms"], float), name
        assert 0 <= read["p50_ms"] <= read["p95_ms"] <= read["max_ms"], name
        assert read["queries"] > 0, name
        assert read["bytes"] > 0, name
    assert result["reads"]["balance_at"]["bytes"] < result["reads"]["stock_card"]["bytes"] / 5  # the htmx part
    assert _table_counts() == before


def test_reports_run_on_an_empty_ledger_skips_the_stock_card(db: Any) -> None:
    large._prepare()  # a company and its owner, no history
    result = reports.run(repeat=1, warmup=0)
    assert set(result["reads"]) == READS - {"stock_card", "balance_at"}
    assert result["stock_moves"] == 0


def test_the_command_prints_the_figures_of_the_configured_database(seeded: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("bench", "reports", "--repeat", "1", stdout=out)
    result = json.loads(out.getvalue())
    assert result["benchmark"] == "reports" and result["repeat"] == 1
    assert set(result["reads"]) == READS
    assert result["reads"]["stock_card"]["params"]["product"] == str(seeded["busiest_product"]["id"])


def test_percentiles_are_by_nearest_rank() -> None:
    timings = [float(n) for n in range(1, 21)]
    assert reports._rank(timings, 50) == 10.0
    assert reports._rank(timings, 95) == 19.0
    assert reports._rank([7.0], 95) == 7.0
