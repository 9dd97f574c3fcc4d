"""What `bali import-iati` shows while it works: a one-line progress bar on a terminal
(files, activities, rate), and the warnings and errors, each with file, line and identifier.

Hand-made rather than a dependency: one line rewritten with `\\r`, at most ten times a second,
and nothing at all when standard error is not a terminal (logs and pipes stay clean).
"""

from __future__ import annotations

import time
from typing import Any, TextIO

from django.utils.translation import gettext as _

from bali.iati.issues import Issue
from bali.iati.service import FileReport, ImportReport
from bali.iati.sources import Source

WARNINGS_SHOWN_PER_FILE = 100


class TerminalProgress:
    def __init__(self, stream: TextIO, total_bytes: int) -> None:
        self.stream = stream
        self.total_bytes = total_bytes
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.files = (0, 0)
        self.label = ""

    def _bar(self, fraction: float, width: int = 20) -> str:
        filled = int(width * min(max(fraction, 0.0), 1.0))
        return "[" + "#" * filled + "-" * (width - filled) + "]"

    def draw(self, activities: int, bytes_done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        rate = activities / max(now - self.started, 1e-6)
        fraction = bytes_done / self.total_bytes if self.total_bytes else 0.0
        line = _(
            "%(bar)s files %(done)d/%(total)d, %(activities)d activities, %(rate)d/s %(file)s"
        ) % {
            "bar": self._bar(fraction),
            "done": self.files[0],
            "total": self.files[1],
            "activities": activities,
            "rate": rate,
            "file": self.label[-40:],
        }
        self.stream.write("\r" + line[:150].ljust(150))
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r" + " " * 150 + "\r")
        self.stream.flush()

    def file_started(self, index: int, total: int, source: Source) -> None:
        self.files = (index, total)
        self.label = source.label

    def batch_done(self, report: ImportReport, bytes_done: int) -> None:
        self.draw(report.totals.activities, bytes_done)

    def issues(self, issues: list[Issue]) -> None:
        pass

    def file_finished(self, file_report: FileReport) -> None:
        self.files = (self.files[0] + 1, self.files[1])


class IssuePrinter:
    """Prints issues as `file:line: identifier: reason` (errors always; warnings up to a cap
    per file at verbosity 1, all of them at verbosity 2)."""

    def __init__(self, stream: Any, verbosity: int, progress: TerminalProgress | None) -> None:
        self.stream = stream
        self.verbosity = verbosity
        self.progress = progress
        self.shown = 0
        self.hidden = 0

    def file_started(self, index: int, total: int, source: Source) -> None:
        self.shown = self.hidden = 0

    def batch_done(self, report: ImportReport, bytes_done: int) -> None:
        pass

    def issues(self, issues: list[Issue]) -> None:
        if self.verbosity < 1:
            return
        for issue in issues:
            if issue.level == "warning" and self.verbosity < 2:
                if self.shown >= WARNINGS_SHOWN_PER_FILE:
                    self.hidden += 1
                    continue
                self.shown += 1
            if self.progress is not None:
                self.progress.clear()
            label = _("error") if issue.level == "error" else _("warning")
            self.stream.write(f"{issue.where()}: {label}: {issue.text()}\n")

    def file_finished(self, file_report: FileReport) -> None:
        if self.hidden and self.verbosity >= 1:
            message = _("%(source)s: %(count)d more warnings not shown (use -v 2 to see all)") % {
                "source": file_report.source,
                "count": self.hidden,
            }
            self.stream.write(message + "\n")
