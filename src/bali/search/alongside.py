"""A thread that does a bulk writer's indexing on its own database connection.

An import writes a batch, commits, and indexes it. Inline, the writer stands idle while the
database builds the text index's entries, and the database stands idle while the writer
tokenizes. On PostgreSQL a second connection lets the two overlap: the writer hands batch k's
indexing to this thread and goes on with batch k+1. Batches are indexed in the order given,
one at a time, and the writer waits when two are already queued, so memory stays bounded.
The thread starts with the first batch, after the import has forked its readers (a fork copies
only the forking thread, and a lock another thread held at that moment stays locked).

Not for SQLite, which takes one writer at a time: the two would only wait for each other.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from django.db import connections

QUEUED = 2  # batches waiting at most; the writer waits beyond that
WAIT = 1.0  # seconds between checks that the thread is still alive while the writer waits


class Alongside:
    """Runs `work(*args)` for each `submit`ted item on one thread, in order.

    `settings`: a context manager entered on the thread's connection for its whole life (the
    import's database settings). A failure of `work` that escapes it stops the thread; the
    next `submit` or `close` raises it in the writer's thread.
    """

    def __init__(
        self,
        work: Callable[..., None],
        settings: Callable[[], AbstractContextManager[Any]] | None = None,
    ) -> None:
        self.work = work
        self.settings = settings or nullcontext
        self.items: queue.Queue[tuple[Any, ...] | None] = queue.Queue(maxsize=QUEUED)
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bali-index-alongside", daemon=True)
        self.started = False  # started by the first item: a process forked before has no thread

    def _run(self) -> None:
        try:
            with self.settings():
                while (item := self.items.get()) is not None:
                    self.work(*item)
        except BaseException as exc:  # handed to the writer's thread, which raises it
            self.failure = exc
        finally:
            connections.close_all()  # this thread's connections only

    def submit(self, *args: Any) -> None:
        if not self.started:
            self.started = True
            self.thread.start()
        self._put(args)

    def close(self) -> None:
        """Wait until every submitted item is done; raise the thread's failure, if any."""
        if self.thread.is_alive():
            self._put(None)
            self.thread.join()
        if self.failure is not None:
            raise self.failure

    def _put(self, item: tuple[Any, ...] | None) -> None:
        while True:
            if self.failure is not None or not self.thread.is_alive():
                self.thread.join()
                raise self.failure or RuntimeError("the indexing thread stopped")
            try:
                self.items.put(item, timeout=WAIT)
                return
            except queue.Full:
                continue
