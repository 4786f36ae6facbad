"""`jxc bench --clients N` on PostgreSQL: clients selling at once over more than there is in stock ship what there
is and are refused the rest — no oversell, no deadlock, every invariant holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.bench.test_scenario import jxc


@pytest.mark.postgres
def test_concurrent_clients_never_oversell(tmp_path: Path) -> None:
    counts = ["--products", "4", "--customers", "3", "--purchases", "2", "--sales", "10", "--rounds", "1"]
    done = jxc("bench", "--clients", "3", "--demand", "4", *counts, tmp_path=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["clients"] == 3
    assert result["attempts"] == 40
    assert result["failures"] == []  # no deadlock, no error other than a stock shortfall
    assert result["outcomes"]["shipped"] > 0
    assert result["outcomes"]["shipped"] + result["outcomes"].get("short", 0) == 40
    assert result["outcomes"].get("short", 0) > 0  # four times the sales cannot all fit
    assert result["oversold"] == []
    assert result["check"]["violations"] == 0
    assert result["latency_ms"]["p95"] >= result["latency_ms"]["p50"] > 0


def test_clients_need_postgres(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    done = jxc(
        "bench",
        "--clients",
        "2",
        "--products",
        "3",
        "--sales",
        "2",
        "--purchases",
        "1",
        "--rounds",
        "1",
        tmp_path=tmp_path,
    )
    assert done.returncode == 1
    assert "needs PostgreSQL" in done.stderr
