"""`jxc createuser NAME --role ROLE`: add a user from the command line (password generated or given)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jxc.accounts.roles import ROLE_BY_CODE
from jxc.accounts.services.users import UserData, user_create
from jxc.core.errors import DomainError


class Command(BaseCommand):
    help = "Create a user with one or more roles: " + ", ".join(ROLE_BY_CODE)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role", action="append", default=[], choices=list(ROLE_BY_CODE), help="repeat for several"
        )
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument("--password", default=None, help="default: generate one and print it")
        parser.add_argument("--warehouse", action="append", type=int, default=[], help="limit to these warehouse ids")

    def handle(self, *args: Any, **options: Any) -> None:
        data = UserData(
            username=options["username"],
            display_name=options["name"],
            roles=options["role"],
            all_warehouses=not options["warehouse"],
            warehouse_ids=options["warehouse"],
        )
        try:
            user, password = user_create(actor=None, data=data, password=options["password"])
        except DomainError as error:
            raise CommandError(f"{error.code}: {error.text}") from error
        self.stdout.write(self.style.SUCCESS(f"Created user {user.username} ({', '.join(data.roles) or 'no role'})"))
        if options["password"] is None:
            self.stdout.write(f"Password (shown once): {password}")
