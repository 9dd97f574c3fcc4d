"""`bali demo`: load the demonstration data set (users of each role, organisations, a few
hundred activities, and what the other apps add). Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from bali.core.demo import run_demo


class Command(BaseCommand):
    help = "Load a deterministic demonstration data set (skips what already exists)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds activities",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from bali.activities.models import Activity

        if options["if_empty"] and Activity.objects.exists():
            self.stdout.write("The database holds activities; demo data not loaded.")
            return
        call_command("load_reference", stdout=self.stdout)
        results = run_demo(lambda message: self.stdout.write(message))
        for name, created in results.items():
            self.stdout.write(f"demo {name}: {created} created")
