"""`jxc audit-verify`: walk the audit hash chain and report any edited or deleted entry."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jxc.accounts.selectors import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain: detects edited, deleted or reordered entries."

    def handle(self, *args: Any, **options: Any) -> None:
        count, problems = audit_verify()
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {count} entries")
        self.stdout.write(self.style.SUCCESS(f"OK: {count} audit entries verified"))
