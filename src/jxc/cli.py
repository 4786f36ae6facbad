"""The `jxc` command: Django's management commands under friendlier names."""

from __future__ import annotations

import os
import sys

ALIASES = {"check": "jxc_check", "audit-verify": "audit_verify"}
HELP = """JXC 进销存 — usage: jxc <command> [options]

  serve         set up (migrate, company, demo once) and serve on http://127.0.0.1:8000
  setup         migrate, collect static files, create company and owner, load demo once
  migrate       apply database migrations
  demo          load the demo data (once)
  createuser    add a user: jxc createuser NAME --role sales
  check         verify the ledgers' invariants (exit 1 on a violation)
  audit-verify  verify the audit log's hash chain
  help          list every command (Django's included)

DATABASE_URL=postgres://… switches to PostgreSQL; see README.md.
"""


def main(argv: list[str] | None = None) -> None:
    """Run a command; `jxc` alone prints the list of commands."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jxc.config.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(HELP)
        return
    command = ALIASES.get(args[0], args[0].replace("-", "_"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jxc", command, *args[1:]])


if __name__ == "__main__":
    main()
