"""Importing IATI sources: files one after the other, batches within a file, a summary at the end.

Listeners follow the work (the terminal progress bar, the `ImportRun` row that the import page
reads); the service itself neither prints nor knows where it runs. A file that cannot be read is
an error for that file only: the others are imported, and the summary says which failed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from bali.iati import bulk, workers
from bali.iati.importer import Importer
from bali.iati.issues import ERROR, WARNING, Issue
from bali.iati.parser import ActivityStream, FileError
from bali.iati.pool import ReaderPool
from bali.iati.prepare import Light, LightBatch, Provenance
from bali.iati.sources import Source, SourceError, open_source
from bali.iati.store import BatchResult, Decision
from bali.search import indexer


@dataclass
class Counts:
    activities: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    warnings: int = 0
    errors: int = 0

    def add_batch(self, batch: BatchResult, size: int) -> None:
        self.activities += size
        self.created += len(batch.created) + batch.would_create
        self.updated += len(batch.updated) + batch.would_update
        self.unchanged += batch.unchanged
        self.skipped += batch.skipped

    def add_issue(self, issue: Issue) -> None:
        if issue.level == ERROR:
            self.errors += 1
        elif issue.level == WARNING:
            self.warnings += 1

    def add(self, other: Counts) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


@dataclass
class FileReport:
    source: str
    version: str = ""
    counts: Counts = field(default_factory=Counts)
    failed: bool = False
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "version": self.version,
            **asdict(self.counts),
            "failed": self.failed,
            "error": self.error or None,
        }


ISSUES_KEPT = 1000


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    totals: Counts = field(default_factory=Counts)
    dry_run: bool = False
    run: int | None = None
    issues: list[Issue] = field(default_factory=list)  # the first ISSUES_KEPT

    @property
    def failed_files(self) -> int:
        return sum(1 for report in self.files if report.failed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "dry_run": self.dry_run,
            "files": len(self.files),
            "files_failed": self.failed_files,
            **asdict(self.totals),
            "per_file": [report.as_dict() for report in self.files],
            "messages": [issue.as_dict() for issue in self.issues],
        }


class Listener(Protocol):
    def file_started(self, index: int, total: int, source: Source) -> None: ...
    def batch_done(self, report: ImportReport, bytes_done: int) -> None: ...
    def issues(self, issues: list[Issue]) -> None: ...
    def file_finished(self, file_report: FileReport) -> None: ...


@dataclass
class ImportOptions:
    dry_run: bool = False
    publisher: str = ""
    url_limit: int | None = None  # bytes, for URL downloads
    source_limit: int | None = None  # bytes, for every source (uploads)
    actor_id: int | None = None
    actor_label: str = ""
    batch_size: int = 500
    jobs: int = 1  # processes: with N > 1, N - 1 reader processes and this one writing


def _limit_for(source: Source, options: ImportOptions) -> int | None:
    if options.source_limit is not None:
        return options.source_limit
    return options.url_limit if source.url else None


def _file_issue(source: Source, exc: FileError | SourceError) -> Issue:
    return Issue(ERROR, source.label, getattr(exc, "line", None), "", exc.message, exc.params)


class ImportService:
    def __init__(self, options: ImportOptions, listeners: Iterable[Listener] = ()) -> None:
        self.options = options
        self.listeners = list(listeners)
        self.importer = Importer(dry_run=options.dry_run)
        self.report = ImportReport(dry_run=options.dry_run)
        self.bytes_before = 0  # bytes of the files already finished

    def _issues(self, file_report: FileReport, issues: list[Issue]) -> None:
        for issue in issues:
            file_report.counts.add_issue(issue)
            self.report.totals.add_issue(issue)
        room = ISSUES_KEPT - len(self.report.issues)
        if room > 0:
            self.report.issues.extend(issues[:room])
        if issues:
            for listener in self.listeners:
                listener.issues(issues)

    def _origin(self, source: Source) -> Provenance:
        return Provenance(
            source_file=source.label,
            publisher=self.options.publisher,
            actor_id=self.options.actor_id,
            actor_label=self.options.actor_label,
        )

    def _batch_done(
        self, file_report: FileReport, result: BatchResult, size: int, bytes_done: int
    ) -> None:
        file_report.counts.add_batch(result, size)
        self.report.totals.add_batch(result, size)
        self._issues(file_report, result.issues)
        for listener in self.listeners:
            listener.batch_done(self.report, self.bytes_before + bytes_done)

    def _read_file(self, source: Source, file_report: FileReport) -> None:
        """Read, decide and write the batches of one file in this process."""
        origin = self._origin(source)
        with open_source(source, _limit_for(source, self.options)) as (stream, counter):
            parsed = ActivityStream(stream, source.label, self.options.batch_size)
            try:
                for batch in parsed.batches():
                    file_report.version = parsed.info.version
                    self._issues(file_report, parsed.info.issues)
                    parsed.info.issues = []
                    result = self.importer.import_batch(batch, parsed.info, origin)
                    self._batch_done(file_report, result, len(batch), counter.count)
            finally:
                self._issues(file_report, parsed.info.issues)
                self.bytes_before += counter.count

    def _read_from(
        self, pool: ReaderPool, index: int, source: Source, file_report: FileReport
    ) -> None:
        """Decide and write the batches of one file that a reader process reads."""
        origin = self._origin(source)
        writer = self.importer.writer
        waiting: deque[tuple[LightBatch, Decision, int | None]] = deque()
        for item in pool.messages(index):
            message = item.message
            if message[0] == "light":
                _kind, _index, light, file_report.version, issues = message
                self._issues(file_report, issues)
                if item.early is None:
                    decision = writer.decide(light, source.label)
                    pool.channel(index).decide(decision.codes)
                    waiting.append((light, decision, None))
                else:
                    waiting.append((light, item.early, item.epoch))
            elif message[0] == "batch":
                _kind, payload, bytes_done, issues = message
                self._issues(file_report, issues)
                light, decision, epoch = waiting.popleft()
                again = []
                if epoch is not None and epoch != writer.epoch:
                    again = writer.recheck(light, decision, source.label)
                result = writer.write(light, decision, payload, origin)
                self._batch_done(file_report, result, light.size, bytes_done)
                if again:
                    self._read_again(source, file_report, again)
            else:
                _kind, _index, version, issues, problem, bytes_done = message
                file_report.version = version or file_report.version
                self._issues(file_report, issues)
                self.bytes_before += bytes_done
                if problem is not None:
                    self._failed(file_report, problem)

    def _read_again(self, source: Source, file_report: FileReport, lights: list[Light]) -> None:
        """Import, in this process, activities of a file whose early decision no longer holds
        (`pool.py`): found again by identifier and line, and decided, read and written now."""
        wanted = {(light.identifier, light.line) for light in lights}
        origin = self._origin(source)
        with open_source(source, _limit_for(source, self.options)) as (stream, _counter):
            parsed = ActivityStream(stream, source.label, self.options.batch_size)
            for batch in parsed.batches():
                found = [p for p in batch if (p.identifier, p.line) in wanted]
                for pending in found:
                    pending.issues.issues = []  # reported with the batch already
                if found:
                    result = self.importer.import_batch(found, parsed.info, origin)
                    self._batch_done(file_report, result, 0, 0)
                    wanted -= {(p.identifier, p.line) for p in found}
                if not wanted:
                    break

    def _failed(self, file_report: FileReport, issue: Issue) -> None:
        file_report.failed = True
        file_report.error = issue.text()
        self._issues(file_report, [issue])

    def import_source(
        self, index: int, total: int, source: Source, pool: ReaderPool | None = None
    ) -> FileReport:
        file_report = FileReport(source.label)
        self.report.files.append(file_report)
        for listener in self.listeners:
            listener.file_started(index, total, source)
        try:
            if pool is None:
                self._read_file(source, file_report)
            else:
                self._read_from(pool, index, source, file_report)
        except (FileError, SourceError) as exc:
            self._failed(file_report, _file_issue(source, exc))
        for listener in self.listeners:
            listener.file_finished(file_report)
        return file_report

    def run(self, sources: list[Source]) -> ImportReport:
        with workers.fewer_collections(), bulk.import_settings():
            return self._run(sources)

    def _run(self, sources: list[Source]) -> ImportReport:
        pool = None
        if self.options.jobs > 1 and sources:
            limits = [_limit_for(source, self.options) for source in sources]
            readers = self.options.jobs - 1
            pool = ReaderPool(sources, limits, readers, self.options, self.importer.writer)
        try:
            # The search index is written alongside (`bali.search.alongside`), on a thread
            # started after the readers are forked.
            with indexer.indexing_alongside(bulk.import_settings):
                for index, source in enumerate(sources):
                    self.import_source(index, len(sources), source, pool)
        finally:
            if pool is not None:
                pool.close()
        return self.report


def import_sources(
    sources: list[Source], options: ImportOptions, listeners: Iterable[Listener] = ()
) -> ImportReport:
    """Import every source; returns the summary (files, activities, warnings, errors)."""
    return ImportService(options, listeners).run(sources)
