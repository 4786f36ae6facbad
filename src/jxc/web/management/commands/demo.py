"""`jxc demo`: load the demo company's data (once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jxc.accounts.services.company import company_setup
from jxc.core.errors import DomainError
from jxc.web.demo import demo_load


class Command(BaseCommand):
    help = "Load demo data: ~200 products, 10 suppliers, 50 customers, 2 warehouses, a user per role. Runs once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=None, help="password for the demo users (default: generated)")

    def handle(self, *args: Any, **options: Any) -> None:
        first = company_setup()
        try:
            result = demo_load(actor=first.owner, password=options["password"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.text}") from error
        if not result.users:
            self.stdout.write("Demo data was loaded before; nothing to do.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {result.products} products, {result.suppliers} suppliers, {result.customers} customers, "
                f"{result.warehouses} warehouses."
            )
        )
        self.stdout.write(f"Demo users {', '.join(result.users)} — password (shown once): {result.password}")
