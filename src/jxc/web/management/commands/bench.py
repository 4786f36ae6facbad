"""`jxc bench`: benchmarks through the real services, each in a fresh database of its own (but `reports`, which
reads the configured one); every one prints one JSON object and exits with failure when what it checks is wrong.

  jxc bench --scenario FILE          the standard workload (bench/SCENARIO.md), end state checked
  jxc bench --generate [counts]      write such a scenario from counts and a seed
  jxc bench --clients N [--scenario] N concurrent clients selling at once (PostgreSQL), oversell checked
  jxc bench ledger --existing 0,1m   posting throughput with that many moves already in the ledger
  jxc bench ledger --in-place        posting throughput on the configured database as it is (after seed-large)
  jxc bench reports [--repeat 20]    p50/p95 of the main report reads on the configured database (after seed-large)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jxc.bench import clients, large, ledger, reports, standard
from jxc.bench.fresh import CHILD, in_fresh_database
from jxc.bench.generate import Counts, scenario_generate
from jxc.bench.scenario import ScenarioInvalid, scenario_load


def sizes(text: str) -> list[int]:
    """Counts written for people: 10k, 1m, 2_000 → integers."""
    found = []
    for part in text.split(","):
        try:
            found.append(0 if part.strip() == "0" else large.parse_count(part))
        except ValueError:
            raise CommandError(f"{part.strip()!r} is not a count (examples: 500, 10k, 1m)") from None
    return found


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workload", nargs="?", choices=["ledger", "reports"])
        parser.add_argument("--scenario", help="a scenario file (bench/SCENARIO.md format)")
        parser.add_argument("--generate", action="store_true", help="write a scenario from the counts below")
        parser.add_argument("--output", help="with --generate: the file to write (default: standard output)")
        parser.add_argument("--clients", type=int, help="concurrent clients selling at once (PostgreSQL)")
        parser.add_argument("--demand", type=int, default=2, help="with --clients: the sales this many times over")
        for name, default in vars(Counts()).items():
            if name != "seed":
                parser.add_argument(f"--{name}", type=int, help=f"with --generate or --clients (default {default})")
        parser.add_argument("--seed", type=int)
        parser.add_argument("--existing", default="0,10k", help="ledger: sizes to measure at, e.g. 10k,1m")
        parser.add_argument("--documents", type=int, default=300, help="ledger: documents posted per measurement")
        parser.add_argument(
            "--in-place", action="store_true", help="ledger: post into the configured database instead of a fresh one"
        )
        parser.add_argument("--repeat", type=int, default=20, help="reports: timed runs of each read")
        parser.add_argument("--no-check", action="store_true", help="skip `jxc check` at the end")

    def handle(self, *args: Any, **options: Any) -> None:
        modes = [bool(options["workload"]), options["generate"], options["clients"] is not None]
        if sum(modes) > 1 or not (any(modes) or options["scenario"]):
            raise CommandError("choose one: --scenario FILE, --generate, --clients N, `ledger` or `reports`")
        if options["generate"]:
            self._generate(options)
        elif options["workload"] == "reports":
            self._reports(options["repeat"])
        elif options["workload"] == "ledger" and options["in_place"]:
            result = ledger.run_in_place(
                documents=options["documents"],
                products=options["products"] or 200,
                seed=options["seed"] or 20261123,
                check=not options["no_check"],
            )
            self._emit(result, failed=bool(result.get("check", {}).get("violations")))
        elif not os.environ.get(CHILD):
            if options["scenario"]:
                self._scenario(options["scenario"])  # a bad file is refused before a database is made
            status = in_fresh_database(sys.argv[1:])
            if status:
                raise CommandError(f"the benchmark failed (exit status {status})")
        elif options["workload"] == "ledger":
            result = ledger.run(
                existing=sizes(options["existing"]),
                documents=options["documents"],
                products=options["products"] or 200,
                seed=options["seed"] or 20261123,
                check=not options["no_check"],
            )
            self._emit(result, failed=bool(result.get("check", {}).get("violations")))
        elif options["clients"] is not None:
            if options["clients"] < 1 or options["demand"] < 1:
                raise CommandError("--clients and --demand must be at least 1")
            scenario = self._scenario(options["scenario"]) if options["scenario"] else self._counts(options)
            try:
                result = clients.run(
                    scenario, clients=options["clients"], demand=options["demand"], check=not options["no_check"]
                )
            except clients.NeedsPostgres as error:
                raise CommandError(str(error)) from None
            self._emit(result, failed=clients.failed(result))
        else:
            result = standard.run(
                self._scenario(options["scenario"]),
                name=Path(options["scenario"]).name,
                check=not options["no_check"],
            )
            self._emit(result, failed=standard.failed(result))

    def _reports(self, repeat: int) -> None:
        if not settings.DEBUG:  # the pages are rendered as served: their static files collected, as `jxc setup` does
            call_command("collectstatic", interactive=False, verbosity=0)
        try:
            result = reports.run(repeat=repeat)
        except (ValueError, LookupError) as error:
            raise CommandError(str(error)) from None
        self._emit(result, failed=False)

    def _scenario(self, path: str) -> dict[str, Any]:
        try:
            return scenario_load(path)
        except ScenarioInvalid as error:
            raise CommandError(f"invalid scenario: {error}") from None

    def _counts(self, options: dict[str, Any]) -> dict[str, Any]:
        given = {name: options[name] for name in vars(Counts()) if options.get(name) is not None}
        counts = Counts(**given)
        if problems := counts.problems():
            raise CommandError("; ".join(problems))
        return scenario_generate(counts)

    def _generate(self, options: dict[str, Any]) -> None:
        text = json.dumps(self._counts(options), ensure_ascii=False, indent=1)
        if options["output"]:
            Path(options["output"]).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)

    def _emit(self, result: dict[str, Any], *, failed: bool) -> None:
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        if failed:
            raise CommandError("the benchmark found a mismatch, a refused document or a broken invariant (see above)")
