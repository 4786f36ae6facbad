"""`jxc classify-customers`: compute every customer's class (new, regular, key, dormant) and record the changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jxc.core.errors import DomainError
from jxc.sales.services.customers import customer_classes_refresh


class Command(BaseCommand):
    help = "Classify customers by recency, frequency and value (see docs/sales.md); records the classes that changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", default=None, help="the day to classify on, YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--on: {error}") from error
        try:
            refresh = customer_classes_refresh(actor=None, on=on)
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.text}") from error
        classes = ", ".join(f"{name} {count}" for name, count in refresh.classes.items()) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Classified {refresh.customers} customers on {on.isoformat()}: {refresh.changed} changed ({classes})."
            )
        )
        for move, count in refresh.moves.items():
            self.stdout.write(f"  {move}: {count}")
