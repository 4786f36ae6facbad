"""`jxc setup`: everything a first start needs, safe to run on every start."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from jxc.accounts.services.company import company_setup
from jxc.web.demo import demo_load


class Command(BaseCommand):
    help = "Migrate the database, collect static files, create the company and owner, load demo data once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="do not load demo data (also JXC_DEMO=0)")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        first = company_setup()
        if first.owner is not None:
            self.stdout.write(self.style.SUCCESS(f"Created the company “{first.company.name}” and its owner account."))
            if first.password and not os.environ.get("JXC_OWNER_PASSWORD"):
                login = f"{first.owner.username} / {first.password}"
                self.stdout.write(self.style.WARNING(f"  Owner login: {login}  (shown once: change it after login)"))
            else:
                self.stdout.write(f"  Owner login: {first.owner.username} (password from JXC_OWNER_PASSWORD)")
        load_demo = not options["no_demo"] and os.environ.get("JXC_DEMO", "1") not in {"0", "false", "no"}
        if load_demo and first.company.demo_loaded_at is None:
            result = demo_load(actor=first.owner, password=os.environ.get("JXC_DEMO_PASSWORD") or first.password)
            if result.users:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Loaded demo data: {result.products} products, {result.suppliers} suppliers, "
                        f"{result.customers} customers, {result.warehouses} warehouses."
                    )
                )
                self.stdout.write(f"  Demo users {', '.join(result.users)} share the password: {result.password}")
