"""`bali serve [ADDR:PORT] [--prod]`: the development server, or gunicorn for production."""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Serve the clearinghouse: Django's development server, or gunicorn with --prod."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "addrport",
            nargs="?",
            default="127.0.0.1:8000",
            help="address and port, default 127.0.0.1:8000",
        )
        parser.add_argument("--prod", action="store_true", help="run gunicorn instead")
        parser.add_argument(
            "--workers",
            type=int,
            default=(os.cpu_count() or 1) + 1,
            help="gunicorn worker processes (with --prod)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=4,
            help="threads per worker (with --prod); a long export holds one thread, not a worker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        addrport: str = options["addrport"]
        if ":" not in addrport:
            addrport = f"127.0.0.1:{addrport}" if addrport.isdigit() else f"{addrport}:8000"
        if not options["prod"]:
            call_command("runserver", addrport, use_reloader=False)
            return
        gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or shutil.which(
            "gunicorn"
        )
        if gunicorn is None:
            raise CommandError("gunicorn is not installed; install the package's dependencies")
        os.execv(
            gunicorn,
            [
                gunicorn,
                "bali.config.wsgi:application",
                "--bind",
                addrport,
                "--workers",
                str(options["workers"]),
                # Threaded workers: a streamed export of a million activities takes minutes, and
                # a sync worker would be killed by the timeout in the middle of it.
                "--worker-class",
                "gthread",
                "--threads",
                str(options["threads"]),
                "--access-logfile",
                "-",
                "--timeout",
                "120",
            ],
        )
