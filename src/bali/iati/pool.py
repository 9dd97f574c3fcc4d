"""The importing process's side of the reader processes (`bali import-iati --jobs N`).

This process takes the files in their order, and each file's messages in theirs (lights,
batches, end), so a run with readers decides and writes exactly what a run without them does.

While it waits for the reader of the current file, it also answers the readers of later files,
early, for the batches in which nothing has to be written (every activity unchanged, or kept
local): they go on reading instead of waiting for their turn, which is what makes a re-import
with several readers fast. Early answers go out in each reader's order (it takes decisions in
the order it sent its batches) and stop at the first batch that has something to write, whose
rows would otherwise pile up here. At most `EARLY_BATCHES` per reader are held ahead.

An early answer may go stale: an earlier file of the same run can write one of its activities
in between (the same identifier in two files). The writer checks such batches again at their
turn when anything was written since (`BatchWriter.recheck`); the activities whose answer no
longer holds are read again from their file and imported then, at the same point of the run.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from bali.iati.prepare import WRITE
from bali.iati.sources import Source
from bali.iati.store import BatchWriter, Decision
from bali.iati.workers import ReaderFailed, ReaderTask, load_reference_data, reader_main

POLL_SECONDS = 1.0
EARLY_BATCHES = 20  # light batches of later files answered ahead, per reader


@dataclass
class Received:
    message: tuple[Any, ...]
    early: Decision | None = None  # answered when it arrived, not at its turn
    epoch: int = 0  # the writer's count of written batches then


@dataclass
class Channel:
    """One reader: its process, its pipes, and what it sent that is not yet taken."""

    process: BaseProcess
    inbox: Connection
    outbox: Connection
    held: deque[Received] = field(default_factory=deque)
    answering: bool = True  # its lights held here have all been answered so far
    failure: ReaderFailed | None = None

    def stopped(self) -> ReaderFailed:
        return ReaderFailed(f"IATI reader process {self.process.pid} stopped")

    def take(self) -> tuple[Any, ...]:
        """The next message (ready, or the reader stopped)."""
        try:
            message = self.inbox.recv()
        except (EOFError, OSError) as exc:
            raise self.stopped() from exc
        if message[0] == "crash":
            raise ReaderFailed(message[1])
        return message  # type: ignore[no-any-return]

    def decide(self, codes: str) -> None:
        # A reader that stopped cannot take it: what it sent before is still written, then
        # `take` reports that it stopped.
        with suppress(OSError):
            self.outbox.send(codes)


class ReaderPool:
    """`count` reader processes sharing the sources (reader i takes every count-th file)."""

    def __init__(
        self,
        sources: list[Source],
        limits: list[int | None],
        count: int,
        options: Any,
        writer: BatchWriter,
    ) -> None:
        load_reference_data()
        self.sources = sources
        self.writer = writer
        self.count = max(1, min(count, len(sources)))
        self.channels: list[Channel] = []
        for number in range(self.count):
            picked = list(range(number, len(sources), self.count))
            task = ReaderTask(
                [(i, sources[i]) for i in picked],
                options.publisher,
                [limits[i] for i in picked],
                options.batch_size,
                alone=self.count == 1,
            )
            self.channels.append(self._start(task))

    def _start(self, task: ReaderTask) -> Channel:
        context = multiprocessing.get_context("fork")
        inbox, their_out = context.Pipe(duplex=False)
        their_in, outbox = context.Pipe(duplex=False)
        # The reader closes this process's ends of every pipe, so that when this process
        # stops, its reads and writes fail instead of waiting forever.
        ours = [inbox, outbox, *(end for c in self.channels for end in (c.inbox, c.outbox))]
        process = context.Process(
            target=reader_main, args=(task, their_out, their_in, ours), daemon=True
        )
        process.start()
        their_out.close()
        their_in.close()
        return Channel(process, inbox, outbox)

    def channel(self, index: int) -> Channel:
        return self.channels[index % self.count]

    def messages(self, index: int) -> Iterator[Received]:
        """The messages about source `index`, up to and including its "end"."""
        channel = self.channel(index)
        while True:
            item = channel.held.popleft() if channel.held else self._wait_for(channel)
            yield item
            if item.message[0] == "end":
                if item.message[1] != index:
                    raise ReaderFailed(f"reader sent source {item.message[1]} for {index}")
                channel.answering = True  # its next file is a later one again
                return

    def _wait_for(self, current: Channel) -> Received:
        """The current reader's next message; meanwhile, the other readers are answered."""
        if current.failure is not None:
            raise current.failure
        current.answering = False  # its lights are answered at their turn from now on
        while True:
            listening = [c.inbox for c in self.channels if c.failure is None]
            ready = wait(listening, POLL_SECONDS)
            for channel in self.channels:
                if channel is not current and channel.inbox in ready:
                    self._hold(channel)
            if current.inbox in ready:
                return Received(current.take())
            if not ready and not current.process.is_alive() and not current.inbox.poll():
                raise current.stopped()

    def _hold(self, channel: Channel) -> None:
        """Keep a later file's message for its turn; answer its light now if allowed."""
        try:
            received = Received(channel.take())
        except ReaderFailed as exc:
            channel.failure = exc  # raised at its turn, after what it sent before
            return
        channel.held.append(received)
        message = received.message
        if message[0] != "light" or not channel.answering:
            return
        if sum(1 for item in channel.held if item.early) >= EARLY_BATCHES:
            channel.answering = False
            return
        decision = self.writer.decide(message[2], self.sources[message[1]].label)
        if WRITE in decision.codes:
            channel.answering = False  # answered at its turn, and the ones after it too
            return
        channel.decide(decision.codes)
        received.early = decision
        received.epoch = self.writer.epoch

    def close(self) -> None:
        for channel in self.channels:
            if channel.process.is_alive():
                channel.process.terminate()
            channel.process.join(5)
            channel.inbox.close()
            channel.outbox.close()
