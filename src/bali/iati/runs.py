"""Import runs: recording progress in `ImportRun`, and running an uploaded file outside the
request.

The web upload saves the file, creates a queued run and starts `python -m bali import-iati
--run <id>` as a detached process (its own session, so it outlives the request and the worker
that started it, under gunicorn as under the development server; no queue service to run). The
process writes its progress into the run row after every batch; the import page reads the row.
A run that was killed can be started again with the same command: finished batches are found
unchanged, so the run completes the job.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import F
from django.utils import timezone

from bali.iati.issues import Issue
from bali.iati.models import MESSAGE_LIMIT, ImportMessage, ImportRun, RunOrigin, RunStatus
from bali.iati.service import FileReport, ImportReport
from bali.iati.sources import Source, expand_sources

logger = logging.getLogger("bali.iati")

# Seconds between two writes of a run's progress: the import page reads it every few seconds,
# and a write after every batch (five a second) cost the import about 3 % of its time.
PROGRESS_SECONDS = 1.0


class RunRecorder:
    """A service listener that keeps an `ImportRun` row up to date: its progress at most every
    `PROGRESS_SECONDS` and at the end of every file, its messages with the progress."""

    def __init__(self, run: ImportRun, clock: Callable[[], float] = time.monotonic) -> None:
        self.run = run
        self.stored_messages = run.messages.count()
        self.pending: list[ImportMessage] = []
        self.clock = clock
        self.written_at = clock()
        self.unwritten: tuple[ImportReport, int] | None = None  # progress not written yet

    def file_started(self, index: int, total: int, source: Source) -> None:
        ImportRun.objects.filter(pk=self.run.pk).update(
            current_file=source.label[:1000], files_done=index, heartbeat_at=timezone.now()
        )

    def batch_done(self, report: ImportReport, bytes_done: int) -> None:
        self.unwritten = (report, bytes_done)
        if self.clock() - self.written_at >= PROGRESS_SECONDS:
            self._progress(report, bytes_done)

    def _progress(self, report: ImportReport, bytes_done: int) -> None:
        self.written_at = self.clock()
        self.unwritten = None
        self._flush()
        totals = report.totals
        ImportRun.objects.filter(pk=self.run.pk).update(
            activities=totals.activities,
            created=totals.created,
            updated=totals.updated,
            unchanged=totals.unchanged,
            skipped=totals.skipped,
            warnings=totals.warnings,
            errors=totals.errors,
            bytes_done=bytes_done,
            heartbeat_at=timezone.now(),
        )

    def issues(self, issues: list[Issue]) -> None:
        room = MESSAGE_LIMIT - self.stored_messages - len(self.pending)
        for issue in issues[: max(room, 0)]:
            self.pending.append(
                ImportMessage(
                    run_id=self.run.pk,
                    level=issue.level,
                    file=issue.file[:1000],
                    line=issue.line,
                    identifier=issue.identifier[:255],
                    message=issue.message[:300],
                    params=issue.params,
                )
            )

    def _flush(self) -> None:
        if self.pending:
            ImportMessage.objects.bulk_create(self.pending)
            self.stored_messages += len(self.pending)
            self.pending = []

    def finish(self) -> None:
        """Write the progress and messages held back, at the end of a run (also of one that
        crashed: its row then shows how far it got); a database error is logged."""
        try:
            self._write_held()
        except DatabaseError:
            logger.exception("import run %s: could not write its last progress", self.run.pk)

    def _write_held(self) -> None:
        if self.unwritten is not None:
            self._progress(*self.unwritten)
        self._flush()

    def file_finished(self, file_report: FileReport) -> None:
        self._write_held()
        ImportRun.objects.filter(pk=self.run.pk).update(
            files_done=F("files_done") + 1,
            files_failed=F("files_failed") + int(file_report.failed),
            heartbeat_at=timezone.now(),
        )


def begin_run(run: ImportRun, sources: list[Source]) -> None:
    sizes = [source.size or 0 for source in sources]
    ImportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        pid=os.getpid(),
        files_total=len(sources),
        files_done=0,
        files_failed=0,
        bytes_total=sum(sizes),
        bytes_done=0,
    )
    run.refresh_from_db()


def end_run(run: ImportRun, report: ImportReport | None, crash: str = "") -> None:
    if report is None:
        status = RunStatus.CRASHED
        summary: dict[str, Any] = {"crash": crash[:2000]}
    else:
        status = RunStatus.FAILED if report.failed_files else RunStatus.FINISHED
        summary = report.as_dict()
        summary["per_file"] = summary["per_file"][:200]
        summary.pop("messages")  # kept as ImportMessage rows
    totals = report.totals if report is not None else None
    fields: dict[str, Any] = {
        "status": status,
        "finished_at": timezone.now(),
        "summary": summary,
        "current_file": "",
    }
    if totals is not None:
        fields.update(
            activities=totals.activities,
            created=totals.created,
            updated=totals.updated,
            unchanged=totals.unchanged,
            skipped=totals.skipped,
            warnings=totals.warnings,
            errors=totals.errors,
            files_done=len(report.files),  # type: ignore[union-attr]
            files_failed=report.failed_files,  # type: ignore[union-attr]
        )
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    run.refresh_from_db()


def run_sources(run: ImportRun) -> list[Source]:
    """The sources of a run: as named on the command line, or the uploaded file under the
    name it was uploaded with (messages and provenance show that name, not the stored path)."""
    if run.origin == RunOrigin.COMMAND:
        return expand_sources(run.sources)
    return [Source(label=run.label, path=Path(path)) for path in run.sources]


def remove_uploads(run: ImportRun) -> None:
    """Delete a finished run's uploaded file (a crashed run keeps it, to be run again)."""
    if run.origin == RunOrigin.COMMAND or run.status == RunStatus.CRASHED:
        return
    folder = upload_dir().resolve()
    for name in run.sources:
        path = Path(name).resolve()
        if path.parent == folder:
            path.unlink(missing_ok=True)


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "iati-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def spawn(run: ImportRun) -> int:
    """Start the detached import process for a queued run; returns its process id."""
    log = (upload_dir() / f"run-{run.pk}.log").open("ab")
    env = {**os.environ}
    env.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
    process = subprocess.Popen(
        [sys.executable, "-m", "bali", "import-iati", "--run", str(run.pk), "-v", "0"],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        env=env,
        start_new_session=True,
        close_fds=True,
    )
    log.close()
    ImportRun.objects.filter(pk=run.pk).update(pid=process.pid)
    return process.pid
