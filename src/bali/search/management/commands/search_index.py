"""`bali search-index [--rebuild]`: bring the search index up to date, or rebuild it whole."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from bali.search import engine, indexer
from bali.search.backends import get_backend


class Command(BaseCommand):
    help = (
        "Index the activities changed without the search index hearing of it; with --rebuild, "
        "rebuild the whole full-text index (into a new table, swapped in at the end) and write "
        "the facet index snapshot (--snapshot writes it without a rebuild)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild", action="store_true", help="rebuild the whole index from the activities"
        )
        parser.add_argument(
            "--batch", type=int, default=5000, help="activities per batch (with --rebuild)"
        )
        parser.add_argument(
            "--snapshot",
            action="store_true",
            help="also write the facet index snapshot app server processes start from",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            done = indexer.rebuild(self._progress, batch=max(100, options["batch"]))
            if self._tty():
                self.stdout.write("")
            self.stdout.write(f"search index rebuilt: {done} activities")
            self._snapshot()
            return
        caught = 0
        while True:
            found = indexer.catch_up(limit=5000)
            caught += found
            if found < 5000:
                break
        documents = get_backend().document_count()
        self.stdout.write(f"search index: {caught} activities indexed, {documents} in the index")
        if options["snapshot"]:
            self._snapshot()

    def _snapshot(self) -> None:
        snapshot = engine.write_snapshot()
        if snapshot is not None:
            self.stdout.write(f"facet index snapshot written to {snapshot}")

    def _tty(self) -> bool:
        return bool(self.stdout.isatty())

    def _progress(self, done: int, total: int, seconds: float) -> None:
        rate = done / seconds if seconds else 0.0
        share = 100.0 * done / total if total else 100.0
        line = f"  {done}/{total} activities ({share:.0f}%), {rate:,.0f}/s"
        if self._tty():
            self.stdout.write("\r" + line, ending="")
            self.stdout.flush()
        elif done == total or done % 100_000 < 5000:
            self.stdout.write(line)
