"""`jxc bench ledger`: benchmarks through the real services, in a fresh database of their own; prints JSON."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jxc.bench import ledger
from jxc.bench.fresh import CHILD, in_fresh_database


def _sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        factor = 1_000_000 if part.endswith("m") else 1_000 if part.endswith("k") else 1
        sizes.append(int(float(part.rstrip("mk")) * factor))
    return sizes


class Command(BaseCommand):
    help = "Benchmarks. `jxc bench ledger --existing 10k,1m`: posting throughput with that many existing moves."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workload", choices=["ledger"])
        parser.add_argument("--existing", default="0,10k", help="ledger sizes to measure at, e.g. 10k,1m")
        parser.add_argument("--documents", type=int, default=300, help="documents posted per measurement")
        parser.add_argument("--products", type=int, default=200)
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--no-check", action="store_true", help="skip `jxc check` at the end")

    def handle(self, *args: Any, **options: Any) -> None:
        if not os.environ.get(CHILD):
            status = in_fresh_database(sys.argv[1:])
            if status:
                raise CommandError(f"the benchmark failed (exit status {status})")
            return
        result = ledger.run(
            existing=_sizes(options["existing"]),
            documents=options["documents"],
            products=options["products"],
            seed=options["seed"],
            check=not options["no_check"],
        )
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        if result.get("check", {}).get("violations"):
            raise CommandError("jxc check found violations after the benchmark")
