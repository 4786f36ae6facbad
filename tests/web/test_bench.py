"""`jxc bench ledger` runs in a database of its own, through the real services, and leaves a ledger that checks."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from jxc.inventory.models import StockMove


def test_bench_ledger_runs_in_a_fresh_database_and_prints_json(db, tmp_path):
    moves_before = StockMove.objects.count()
    jxc = Path(sys.executable).with_name("jxc")
    env = dict(os.environ, JXC_VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [str(jxc), "bench", "ledger", "--existing", "0,300", "--documents", "4", "--products", "12"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["benchmark"] == "ledger"
    assert [p["existing_moves"] for p in result["phases"]] == [0, 300 + result["phases"][0]["moves"]]
    for phase in result["phases"]:
        assert phase["documents"] == 4
        assert phase["documents_per_second"] > 0
    assert (result["check"]["violations"], result["check"]["details"]) == (0, [])
    assert StockMove.objects.count() == moves_before  # the test database was not touched


def test_bench_ledger_in_place_posts_into_the_configured_database_and_again(db):
    # given a ledger that already has moves (an earlier run's)
    call_command("bench", "ledger", "--in-place", "--documents", "4", "--products", "6", stdout=io.StringIO())
    before = StockMove.objects.count()
    # when it runs again on the same database
    out = io.StringIO()
    call_command("bench", "ledger", "--in-place", "--documents", "4", "--products", "6", stdout=out)
    result = json.loads(out.getvalue())
    # then it counted what was there, posted its documents beside it and the ledger still checks
    (phase,) = result["phases"]
    assert result["in_place"] and phase["existing_moves"] == before > 0
    assert phase["documents"] == 4 and StockMove.objects.count() == before + phase["moves"]
    assert result["check"]["violations"] == 0
