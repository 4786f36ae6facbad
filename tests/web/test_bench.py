"""`jxc bench ledger` runs in a database of its own, through the real services, and leaves a ledger that checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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
    assert result["check"] == {"violations": 0, "seconds": result["check"]["seconds"]}
    assert StockMove.objects.count() == moves_before  # the test database was not touched
