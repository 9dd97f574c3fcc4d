"""A thread that does a bulk writer's indexing on its own database connection.

An import writes a batch, commits, and indexes it. Inline, the writer stands idle while the
database builds the text index's entries, and the database stands idle while the writer
tokenizes. On PostgreSQL a second connection lets the two overlap: the writer hands batch k's
indexing to this thread and goes on with batch k+1. Batches are indexed in the order given,
one at a time, and the writer waits when two are already queued, so memory stays bounded.
The thread starts with the first batch, after the import has forked its readers (a fork copies
only the forking thread, and a lock another thread held at that moment stays locked).

If the thread cannot work (its connection cannot be opened, say), the writer does the work
itself, as without the thread: indexing never stops an import.

Not for SQLite, which takes one writer at a time: the two would only wait for each other.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.db import connections

logger = logging.getLogger("bali.search")

QUEUED = 2  # batches waiting at most; the writer waits beyond that
WAIT = 1.0  # seconds between checks that the thread is still alive while the writer waits
# While the thread runs: when the writer's database call returns and the thread holds the
# interpreter, the writer waits up to this long for it (Python's default, 5 ms, cost a
# PostgreSQL import about 3 % of its time over its ~20 calls per batch).
SWITCH_SECONDS = 0.001


class Alongside:
    """Runs `work(*args)` for each `submit`ted item on one thread, in order.

    `settings`: a context manager entered on the thread's connection for its whole life (the
    import's database settings). An item that fails is logged and the next one taken. Should
    the thread itself stop (its settings cannot be entered: no connection), that is logged,
    and the items it did not take, and those submitted later, are worked in the writer's
    thread.
    """

    def __init__(
        self,
        work: Callable[..., None],
        settings: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.work = work
        self.settings = settings or nullcontext
        self.items: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=QUEUED)
        self.failed = False
        self.thread = threading.Thread(target=self._run, name="bali-index-alongside", daemon=True)
        self.started = False  # started by the first item: a process forked before has no thread
        self.interval = sys.getswitchinterval()

    def _run(self) -> None:
        try:
            with self.settings():
                while (item := self.items.get()) is not None:
                    self._work(item)
        except Exception:
            self.failed = True
            logger.exception("search index: the indexing thread stopped; indexing inline")
        finally:
            connections.close_all()  # this thread's connections only

    def _work(self, item: tuple[Any, ...]) -> None:
        """One item; its failure is logged and the next is taken (as inline: the catch-up
        indexes what was missed)."""
        try:
            self.work(*item)
        except Exception:
            logger.exception("search index: a batch could not be indexed")

    def submit(self, *args: Any) -> None:
        if not self.started:
            self.started = True
            sys.setswitchinterval(SWITCH_SECONDS)
            self.thread.start()
        if not self._put(args):
            self._work_left()
            self._work(args)

    def close(self) -> None:
        """Return once every submitted item is done."""
        if self.started:
            self._put(None)
            self.thread.join()
            sys.setswitchinterval(self.interval)
        self._work_left()

    def _put(self, item: tuple[Any, ...] | None) -> bool:
        """Queue the item; False when the thread has stopped."""
        while self.thread.is_alive() and not self.failed:
            try:
                self.items.put(item, timeout=WAIT)
                return True
            except queue.Full:
                continue
        return False

    def _work_left(self) -> None:
        """Work, in this thread, the items a stopped thread did not take."""
        while True:
            try:
                item = self.items.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                self._work(item)
