"""`jxc check`: verify the invariants of every ledger; exit status 1 on any violation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jxc.core.invariants import invariants_check


class Command(BaseCommand):
    help = "Verify the ledgers' invariants (stock, partners, audit chain). Exit 1 on any violation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("checks", nargs="*", help="only these checks (default: all)")

    def handle(self, *args: Any, **options: Any) -> None:
        ran, violations = invariants_check(only=options["checks"])
        for violation in violations:
            self.stderr.write(str(violation))
        if violations:
            raise CommandError(f"{len(violations)} violation(s) in {len(ran)} checks")
        self.stdout.write(self.style.SUCCESS(f"OK: {len(ran)} checks passed ({', '.join(ran)})"))
