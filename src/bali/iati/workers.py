"""Reader processes for `bali import-iati --jobs N`: what runs in them (`pool.py` starts them
and talks to them from the importing process).

Each reader takes every (N-1)th file, in order. For each batch it sends the light facts of its
activities (`prepare.light_batch`), receives the writer's decision, reads the activities to
write in full and sends their rows (`prepare.Payload`). It runs one batch ahead: while the
writer stores batch k, the reader reads batch k+1 and parses batch k+2.

Readers never touch the database: they are forked after the reference data the reading rules
need is loaded, and a guard makes any query in them fail loudly. Their messages are pickled
plain values (lists of strings and numbers), cheap to pass.
"""

from __future__ import annotations

import gc
import os
import traceback
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from django.db import connections

from bali.iati import codes
from bali.iati.issues import ERROR, Issue
from bali.iati.parser import ActivityStream, FileError, Pending
from bali.iati.prepare import BatchReader, Provenance, light_batch
from bali.iati.sources import Source, SourceError, open_source

LOOKAHEAD = 1  # batches light-passed ahead of the one being read
# Reading allocates many short-lived objects and few cycles: collect the youngest generation
# less often (the default, 700, spends a tenth of a reader's time in the collector).
GC_THRESHOLDS = (20_000, 50, 50)
POLL_SECONDS = 1.0
CODELISTS = (
    "ActivityDateType",
    "ActivityScope",
    "ActivityStatus",
    "AidType",
    "BudgetStatus",
    "BudgetType",
    "CollaborationType",
    "Currency",
    "DescriptionType",
    "DocumentCategory",
    "FinanceType",
    "FlowType",
    "IndicatorMeasure",
    "OrganisationRole",
    "OrganisationType",
    "PolicyMarker",
    "PolicyMarkerVocabulary",
    "PolicySignificance",
    "RegionVocabulary",
    "RelatedActivityType",
    "ResultType",
    "SectorVocabulary",
    "TiedStatus",
    "TransactionType",
)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """For the length of an import: objects alive at its start are left out of garbage
    collection, and the youngest generation is collected less often; restored afterwards."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


_writer_pid = 0  # in a reader process: the process it reads for


class ReaderFailed(RuntimeError):
    """A reader process stopped without finishing its file (a bug, or it was killed)."""


@dataclass
class ReaderTask:
    sources: list[tuple[int, Source]]
    publisher: str
    limits: list[int | None]  # size limit of each source, in the order of `sources`
    batch_size: int
    alone: bool = False  # the only reader: each of its files' turn follows its previous one


def load_reference_data() -> None:
    """Load, in this process, every cached piece of reference data the reader uses, so that
    forked readers find it in memory and never query the database."""
    from bali.reference import lookups

    for name in CODELISTS:
        codes.table(name)
    for label in ("Country", "Theme", "MEA", "Division"):
        lookups.reference_codes(label)
    lookups.sector_theme_map()
    lookups.marker_theme_map()


class QueryInReader(BaseException):
    """A reader process tried to query the database: a bug that concerns every activity, so
    not caught with the reading errors that cost one activity (`Exception`)."""


def _forbid_queries(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    raise QueryInReader("an IATI reader process must not query the database")


def reader_main(
    task: ReaderTask, out: Connection, decisions: Connection, inherited: list[Connection]
) -> None:
    """Entry point of a reader process (forked: inherits the loaded reference data).

    The writer's ends of the pipes are closed here, so that when the writer stops (killed),
    this reader's reads and writes fail at once and it ends instead of waiting forever."""
    global _writer_pid
    _writer_pid = os.getppid()
    for end in inherited:
        end.close()
    gc.freeze()  # the inherited objects are never garbage: the collector need not scan them
    gc.set_threshold(*GC_THRESHOLDS)
    for database in connections.all(initialized_only=True):
        database.execute_wrappers.append(_forbid_queries)  # the parent's connections
    try:
        for (index, source), limit in zip(task.sources, task.limits, strict=True):
            _read_source(index, source, limit, task, out, decisions)
    except BaseException:
        out.send(("crash", traceback.format_exc()))
    finally:
        out.close()


def _read_source(
    index: int,
    source: Source,
    limit: int | None,
    task: ReaderTask,
    out: Connection,
    decisions: Connection,
) -> None:
    """Send the messages of one source: lights and batches, then its "end" (with the error
    that stopped it, if any: what was read before the error is still imported)."""
    reader = BatchReader(Provenance(source.label, task.publisher))
    parsed: ActivityStream | None = None
    count = 0
    error: FileError | SourceError | None = None
    try:
        with open_source(source, limit) as (stream, counter):
            parsed = ActivityStream(stream, source.label, task.batch_size)
            waiting: deque[tuple[list[Pending], list[Pending]]] = deque()
            # The first batch of a file waits for its answer, which comes at the file's turn
            # (or early): a reader waiting for its turn holds one batch, not two. A lone
            # reader's next file is always the writer's next one, so it need not wait.
            first = not task.alone
            try:
                for batch in parsed.batches(release=False):
                    light, kept = light_batch(batch)
                    out.send(("light", index, light, parsed.info.version, _take(parsed)))
                    waiting.append((batch, kept))
                    if first or len(waiting) > LOOKAHEAD:
                        _finish(waiting.popleft(), reader, parsed, counter.count, out, decisions)
                        first = False
            except (FileError, SourceError) as exc:
                error = exc
            while waiting:
                _finish(waiting.popleft(), reader, parsed, counter.count, out, decisions)
            count = counter.count
    except (FileError, SourceError) as exc:
        error = exc
    problem = None
    if error is not None:
        line = getattr(error, "line", None)
        problem = Issue(ERROR, source.label, line, "", error.message, error.params)
    version = parsed.info.version if parsed is not None else ""
    issues = _take(parsed) if parsed is not None else []
    out.send(("end", index, version, issues, problem, count))


def _take(parsed: ActivityStream) -> list[Issue]:
    issues, parsed.info.issues = parsed.info.issues, []
    return issues


def _finish(
    item: tuple[list[Pending], list[Pending]],
    reader: BatchReader,
    parsed: ActivityStream,
    bytes_done: int,
    out: Connection,
    decisions: Connection,
) -> None:
    batch, kept = item
    while not decisions.poll(POLL_SECONDS):
        if os.getppid() != _writer_pid:  # the writer is gone: nobody will read what follows
            raise ReaderFailed("the importing process stopped")
    codes_ = decisions.recv()
    payload = reader.prepare(kept, codes_, parsed.info)
    out.send(("batch", payload, bytes_done, _take(parsed)))
    ActivityStream.release(batch)
