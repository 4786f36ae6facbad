"""Run a benchmark in a fresh database of its own, so figures never mix with (or damage) real data."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

CHILD = "JXC_BENCH_CHILD"


def in_fresh_database(argv: list[str]) -> int:
    """Re-run `jxc <argv>` against a new empty database: a temporary SQLite file, or a new PostgreSQL database
    next to the one DATABASE_URL names (dropped afterwards). Returns the child's exit status."""
    env = dict(os.environ, **{CHILD: "1"})
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="jxc-bench-") as tmp:
        if url.startswith(("postgres://", "postgresql://")):
            name = f"jxc_bench_{uuid.uuid4().hex[:8]}"
            admin = url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
            try:
                return _run(argv, env)
            finally:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        env["JXC_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        env["JXC_VAR_DIR"] = os.environ.get("JXC_VAR_DIR", str(Path(tmp)))
        return _run(argv, env)


def _run(argv: list[str], env: dict[str, str]) -> int:
    jxc = Path(sys.executable).with_name("jxc")
    command = [str(jxc)] if jxc.exists() else [sys.executable, "-m", "jxc.cli"]
    return subprocess.run([*command, *argv], env=env, check=False).returncode
