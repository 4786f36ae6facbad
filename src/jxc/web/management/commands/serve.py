"""`jxc serve`: set up if needed, then serve the app with Waitress (a production WSGI server)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.core.wsgi import get_wsgi_application
from waitress import serve


class Command(BaseCommand):
    help = "Serve JXC on http://127.0.0.1:8000 (set up the database first unless --no-setup)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("JXC_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("JXC_PORT", "8000")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("JXC_THREADS", "8")))
        parser.add_argument("--no-setup", action="store_true")
        parser.add_argument("--no-demo", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_setup"]:
            call_command("setup", no_demo=options["no_demo"], stdout=self.stdout)
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(self.style.SUCCESS(f"JXC is running on {url}  (API docs: {url}/api/v1/docs; Ctrl+C stops)"))
        self.stdout.flush()
        serve(
            get_wsgi_application(), host=options["host"], port=options["port"], threads=options["threads"], ident="jxc"
        )
