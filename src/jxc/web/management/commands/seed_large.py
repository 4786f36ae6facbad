"""`jxc seed-large --moves 1m`: fill the configured database with a large history (see `jxc.bench.large`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jxc.bench import large


def _count(text: str) -> int:
    try:
        return large.parse_count(text)
    except ValueError as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Fill the configured (empty) database with a large, realistic history of purchases, sales and payments "
        "for report benchmarks: `jxc seed-large --moves 1m`. Prints a JSON summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--moves", type=_count, required=True, help="stock moves to make, e.g. 10k, 1m, 10m")
        parser.add_argument("--products", type=_count, default=2000)
        parser.add_argument("--customers", type=_count, default=500)
        parser.add_argument("--suppliers", type=_count, default=50)
        parser.add_argument("--warehouses", type=int, default=3)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--seed", type=int, default=large.DEFAULT_SEED)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = large.seed(
                moves=options["moves"],
                products=options["products"],
                customers=options["customers"],
                suppliers=options["suppliers"],
                warehouses=options["warehouses"],
                years=options["years"],
                seed=options["seed"],
            )
        except (large.SeedRefused, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
