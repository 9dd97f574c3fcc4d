"""Keeping the text index in step with the activities, and rebuilding it.

Every write path ends here: the activity services, the admin and the IATI importer send
`activities_changed` after commit, and `on_activities_changed` indexes the whole batch at once.
Each indexed batch is also written to the change log (`IndexChange`), which app server processes
read to update their in-memory facet index.

A safety net catches writes that sent no signal (a script, a test whose transaction never
commits): the watermark is the newest `Activity.updated_at` known to be indexed, and the search
engine indexes anything newer before it answers (`catch_up`).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Max, Min, QuerySet

from bali.activities.models import Activity
from bali.search.alongside import Alongside
from bali.search.backends import get_backend
from bali.search.documents import (
    OrgInfo,
    Written,
    documents_between,
    documents_for,
    documents_for_written,
    stored_stamps,
)
from bali.search.models import IndexChange, IndexState

logger = logging.getLogger("bali.search")
_local = threading.local()  # `alongside`: the worker of `indexing_alongside` in this thread

BATCH = 1000
CATCH_UP_LIMIT = 2000
KEEP_CHANGES = 200_000  # change-log rows kept; a process further behind reloads everything
EPOCH_1970 = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ALONGSIDE_KEY = "alongside"  # state: heartbeat of an import indexing alongside
DATABASE_NOW = {  # the database's clock in µs since 1970
    "postgresql": "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000 AS BIGINT)",
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)",
}


def micros(moment: dt.datetime) -> int:
    """Microseconds since 1970 (what the facet index and the watermark hold)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    delta = moment - EPOCH_1970
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int) -> dt.datetime:
    return EPOCH_1970 + dt.timedelta(microseconds=value)


def get_state(key: str) -> str | None:
    return IndexState.objects.filter(key=key).values_list("value", flat=True).first()


def set_state(key: str, value: str) -> None:
    IndexState.objects.update_or_create(key=key, defaults={"value": value})


def log_changes(ids: Iterable[int]) -> None:
    """One change-log row per activity (plain SQL: an import logs every batch it writes, and
    building model instances for them cost more than the insert)."""
    token = secrets.randbits(62)
    table = connection.ops.quote_name(IndexChange._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement, not one per row
            cursor.execute(
                f"INSERT INTO {table} (activity_id, token) SELECT unnest(%s::bigint[]), %s",
                [list(ids), token],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (activity_id, token) VALUES (%s, %s)",
                [(pk, token) for pk in ids],
            )


def index_activities(ids: Iterable[int], written: Written | None = None) -> dict[int, dt.datetime]:
    """(Re)index these activities; those that no longer exist leave the index. `written`:
    what the writer of these activities holds of them (their documents are then built from it
    instead of read back, where no one changed them since).

    Returns the change time (`updated_at`) of each indexed activity as read before its
    document was built: what `advance_watermark` may count as indexed (a change made after
    that read is newer, so the watermark stays below it)."""
    ids = sorted({int(pk) for pk in ids})
    backend = get_backend()
    indexed: dict[int, dt.datetime] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        with transaction.atomic():
            stored = stored_stamps(chunk)
            if written is None:
                found = documents_for([pk for pk in chunk if pk in stored])
            else:
                found = documents_for_written(chunk, written, stored)
            present = {doc.activity_id for doc in found}
            gone = [pk for pk in chunk if pk not in present]
            if found:
                backend.write(found)
            if gone:
                backend.delete(gone)
            log_changes(chunk)
        indexed.update((pk, stored[pk][1]) for pk in present)
    _prune_log()
    return indexed


def remove_activities(ids: Iterable[int]) -> None:
    ids = sorted({int(pk) for pk in ids})
    with transaction.atomic():
        get_backend().delete(ids)
        log_changes(ids)


def _prune_log() -> None:
    newest = IndexChange.objects.aggregate(seq=Max("seq"))["seq"] or 0
    if newest % 10_000 < BATCH:  # now and then, not on every batch
        IndexChange.objects.filter(seq__lte=newest - KEEP_CHANGES).delete()


def on_activities_changed(
    sender: Any,
    ids: Iterable[int] = (),
    deleted: bool = False,
    written: Written | None = None,
    **kwargs: Any,
) -> None:
    """Receiver of `activities_changed` (sent after commit): index or remove the batch
    (`written`: what the sender holds of the activities, see `index_activities`). Inside
    `indexing_alongside`, a batch to index is handed to its thread.

    A failure is logged, not raised: the activity is already saved, and the catch-up (or
    `bali search-index`) indexes it later.
    """
    ids = list(ids)
    worker: Alongside | None = getattr(_local, "alongside", None)
    if worker is not None and not deleted:
        worker.submit(ids, written)
        return
    _index_or_remove(ids, deleted, written)


def _index_or_remove(ids: list[int], deleted: bool, written: Written | None) -> None:
    try:
        if deleted:
            remove_activities(ids)
        else:
            advance_watermark(index_activities(ids, written))
    except Exception:
        logger.exception("search index: could not index activities %s", ids[:20])


@contextmanager
def indexing_alongside(
    settings: Callable[[], AbstractContextManager[Any]] | None = None,
) -> Iterator[None]:
    """While a bulk writer runs in this thread, index the batches it signals on a second
    connection, so that its writes and the index's overlap (see `alongside.py`). Returns once
    every batch is indexed. `settings`: entered on the second connection (the writer's own
    session settings, which that connection does not share).

    PostgreSQL only, and only outside a transaction: inside one, a second connection would not
    see the writes (there the batches are indexed inline, as without it).
    """
    if (
        connection.vendor != "postgresql"
        or connection.in_atomic_block
        or getattr(_local, "alongside", None) is not None
    ):
        yield
        return
    worker = Alongside(_index_or_remove_written, settings)
    _local.alongside = worker
    try:
        yield
    finally:
        _local.alongside = None
        worker.close()
        if worker.started:
            IndexState.objects.filter(key=ALONGSIDE_KEY).delete()


def _index_or_remove_written(ids: list[int], written: Written | None) -> None:
    _index_or_remove(ids, False, written)
    try:
        _beat()
    except DatabaseError:
        logger.exception("search index: could not write the indexing heartbeat")


def _beat() -> None:
    """Tell searching processes that an import is indexing alongside, as of now (the
    database's clock, which they compare with their own reading of it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {DATABASE_NOW[connection.vendor]}")
        now = cursor.fetchone()[0]
    set_state(ALONGSIDE_KEY, str(now))


def _watermark() -> dt.datetime | None:
    value = get_state("watermark")
    return from_micros(int(value)) if value is not None else None


def _after(floor: dt.datetime | None) -> QuerySet[Activity]:
    """Activities changed after `floor` (all of them when there is none)."""
    queryset = Activity.objects.all()
    return queryset if floor is None else queryset.filter(updated_at__gt=floor)


def _newer_than_watermark(limit: int) -> list[tuple[int, dt.datetime]]:
    queryset = _after(_watermark()).order_by("updated_at", "pk")
    return list(queryset.values_list("pk", "updated_at")[:limit])


def advance_watermark(indexed: dict[int, dt.datetime]) -> None:
    """Move the watermark up to the newest of these just-indexed activities (id → change time
    as indexed, from `index_activities`) when every activity changed between the two is
    among them, indexed at its current change time.

    Activities changed later do not hold it back: an import indexing batch k while batch k+1
    is already committed (`indexing_alongside`) still moves it past batch k. An activity
    changed again after it was read for indexing has a newer change time, so the watermark
    stays below it and the catch-up indexes it. Reads at most one row more than `indexed`
    holds, whatever the number of activities behind.
    """
    floor = _watermark()
    times = [moment for moment in indexed.values() if floor is None or moment > floor]
    if not times:
        return  # none of them is newer than the watermark
    newest = max(times)
    between = _after(floor).filter(updated_at__lte=newest).values_list("pk", "updated_at")
    if all(indexed.get(pk) == moment for pk, moment in between[: len(indexed) + 1]):
        set_state("watermark", str(micros(newest)))


def catch_up(limit: int = CATCH_UP_LIMIT) -> int:
    """Index activities changed after the watermark (writes that sent no signal)."""
    newer = _newer_than_watermark(limit + 1)
    if not newer:
        return 0
    if len(newer) > limit:
        logger.warning(
            "search index: more than %d activities are not indexed; run `bali search-index`",
            limit,
        )
        boundary = newer[limit][1]  # stop before it, so no activity with that time is skipped
        newer = [item for item in newer[:limit] if item[1] < boundary] or newer[:limit]
    index_activities(pk for pk, _ in newer)
    set_state("watermark", str(micros(newer[-1][1])))
    return len(newer)


def bump_epoch() -> None:
    set_state("epoch", secrets.token_hex(8))


def rebuild(progress: Callable[[int, int, float], None] | None = None, batch: int = 5000) -> int:
    """Rebuild the whole text index into a new table and swap it in.

    Writes made meanwhile go to the live table and the change log; those logged after the
    start are indexed again into the new table before the swap.
    """
    backend = get_backend()
    started = time.monotonic()
    start_seq = IndexChange.objects.aggregate(seq=Max("seq"))["seq"] or 0
    bounds = Activity.objects.aggregate(low=Min("pk"), high=Max("pk"), newest=Max("updated_at"))
    total = Activity.objects.count()
    shadow = backend.start_rebuild()
    done = 0
    org_cache: dict[int, OrgInfo] = {}
    low = bounds["low"] or 0
    while bounds["high"] is not None and low <= bounds["high"]:
        high = low + batch - 1
        documents = documents_between(low, high, org_cache)
        with transaction.atomic():
            backend.bulk_load(documents, shadow)
        done += len(documents)
        low = high + 1
        if progress:
            progress(done, total, time.monotonic() - started)
    _finish_rebuild(backend, shadow, start_seq, bounds["newest"])
    return done


def _finish_rebuild(backend: Any, shadow: str, start_seq: int, newest: Any) -> None:
    with transaction.atomic():
        backend.optimize(shadow)
    with transaction.atomic():
        changed = list(
            IndexChange.objects.filter(seq__gt=start_seq).values_list("activity_id", flat=True)
        )
        backend.finish_rebuild(shadow)
        if newest is not None:
            set_state("watermark", str(micros(newest)))
        bump_epoch()
    if changed:
        index_activities(changed)
