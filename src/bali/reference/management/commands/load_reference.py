"""`bali load-reference`: load or refresh countries, regions, divisions, taxonomy, MEAs and
IATI codelists from the files shipped in the package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from bali.reference.loading import load_reference


class Command(BaseCommand):
    help = "Load the shipped reference data (idempotent: safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, summary in load_reference().items():
            self.stdout.write(
                f"{name}: {summary.created} created, {summary.updated} updated, "
                f"{summary.unchanged} unchanged"
            )
