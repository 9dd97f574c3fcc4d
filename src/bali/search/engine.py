"""The search engine of one app server process: a facet index kept fresh from the change log,
text matches from the database's full-text index, masks, counts and one sorted page.

Freshness costs one small query per search: the head of the change log, the text index's
epoch and the watermark. A process applies the log entries it has not seen (several gunicorn
workers therefore agree with each other and with the database), reloads everything when the log
was rolled back or pruned past its position, forgets cached text matches when the text index
was rebuilt (a new epoch), and tracks holes in the sequence (PostgreSQL commits out of order)
for a while in case they fill. A new process starts from the snapshot on disk when it fits
(`bali.search.facet_snapshot`).
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db import connection

from bali.core.i18n import UN_LANGUAGES
from bali.search import facet_snapshot, indexer, presorted, tallies
from bali.search.facet_data import _MICROS
from bali.search.facet_index import FacetIndex

logger = logging.getLogger("bali.search")

GAP_SECONDS = 120.0
SNAPSHOT_AFTER = 50_000  # changed activities after which a process writes a new snapshot
MAX_GAPS = 10_000
ALONGSIDE_FRESH = 10_000_000  # µs: an import's indexing heartbeat counts this long
ALONGSIDE_LAG = 10_000_000  # µs of changes the watermark may trail by while it indexes
RELOAD_SHARE = 0.2  # apply the log up to this share of the rows; reload beyond
_BUILDS = itertools.count(1)


class LRU(OrderedDict[Any, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or(self, key: Any, make: Any) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = make()
        while len(self) > self.size:
            self.popitem(last=False)
        return value


@dataclass
class Head:
    seq: int
    token: int | None  # token of the newest log row
    token_at: int | None  # token of the row at the index's position
    epoch: str
    watermark: int | None
    newest: int | None
    alongside: int | None = None  # heartbeat of an import indexing alongside (database time)
    now: int | None = None  # the database's time when the head was read


class EngineState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.index: FacetIndex | None = None
        self.build = 0
        self.epoch: str | None = None
        self.unsaved = 0  # activities changed since the last snapshot
        self.matches = LRU(32)
        self.terms = LRU(64)  # rows of a term per field (`bali.search.matching`)
        self.counts = LRU(64)
        self.masks = LRU(8)
        self.facets = LRU(64)
        self.labels = LRU(8)  # facet value labels per language

    def forget_answers(self) -> None:
        for cache in (self.matches, self.terms, self.counts, self.masks, self.facets, self.labels):
            cache.clear()


_STATES: dict[tuple[str, str], EngineState] = {}


def state() -> EngineState:
    key = (connection.alias, str(connection.settings_dict.get("NAME")))
    return _STATES.setdefault(key, EngineState())


def reset() -> None:
    """Forget every process-level index (tests that swap databases)."""
    _STATES.clear()


def _read_head(position: int) -> Head:
    newest = _MICROS[connection.vendor].format(col="updated_at")
    sql = (
        "SELECT (SELECT MAX(seq) FROM search_indexchange), "
        "(SELECT token FROM search_indexchange ORDER BY seq DESC LIMIT 1), "
        "(SELECT token FROM search_indexchange WHERE seq = %s), "
        "(SELECT value FROM search_indexstate WHERE key = 'epoch'), "
        "(SELECT value FROM search_indexstate WHERE key = 'watermark'), "
        f"(SELECT {newest} FROM activities_activity ORDER BY updated_at DESC LIMIT 1), "
        f"(SELECT value FROM search_indexstate WHERE key = '{indexer.ALONGSIDE_KEY}'), "
        f"{indexer.DATABASE_NOW[connection.vendor]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [position])
        seq, token, token_at, epoch, watermark, newest_value, alongside, now = cursor.fetchone()
    return Head(
        int(seq or 0),
        token,
        token_at,
        epoch or "",
        int(watermark) if watermark is not None else None,
        int(newest_value) if newest_value is not None else None,
        int(alongside) if alongside is not None else None,
        int(now) if now is not None else None,
    )


def _behind(head: Head) -> bool:
    """Was an activity changed after the watermark (written without telling the index)?

    Not while an import indexes alongside (`indexer.indexing_alongside`: its heartbeat is
    recent) and the watermark trails the newest change by less than `ALONGSIDE_LAG`: the
    import's thread is about to index those batches, and catching them up before each search
    would only do its work twice. A change it will not index (a script's, meanwhile) stops
    the watermark, so the lag grows past that and the catch-up takes it."""
    if head.newest is None or (head.watermark is not None and head.newest <= head.watermark):
        return False
    return not (
        head.alongside is not None
        and head.now is not None
        and head.watermark is not None
        and head.now - head.alongside < ALONGSIDE_FRESH
        and head.newest - head.watermark < ALONGSIDE_LAG
    )


def _consistent(index: FacetIndex, head: Head) -> bool:
    """Does the log still hold the entry this index last applied, unchanged? An index read
    while the log was empty has no entry to check: it is kept only while the log stays empty
    and the newest activity is the one it saw (else it is read again, once)."""
    if index.seq == 0:
        return head.seq == 0 and head.newest == index.newest
    return head.token_at is not None and head.token_at == index.token


def _install(current: EngineState, index: FacetIndex) -> FacetIndex:
    current.index, current.build, current.unsaved = index, next(_BUILDS), 0
    current.forget_answers()
    return index


def load_index(head: Head) -> FacetIndex:
    # Not one transaction (on SQLite that would lock writers out for the whole load): what
    # changes meanwhile is logged after `head.seq` and applied on the next search.
    index = FacetIndex.load()
    index.seq, index.token, index.newest = head.seq, head.token, head.newest
    return index


def _full_load(current: EngineState, head: Head) -> FacetIndex:
    index = _install(current, load_index(head))
    _save_snapshot(index)
    return index


def _save_snapshot(index: FacetIndex) -> None:
    try:
        facet_snapshot.save(index)
    except OSError:
        logger.exception("search: could not write the facet index snapshot")


def _open(current: EngineState, head: Head) -> FacetIndex:
    """The snapshot on disk when it still fits the database's change log, else a full load."""
    snapshot = facet_snapshot.load()
    if snapshot is not None:
        check = _read_head(snapshot.seq)
        if _consistent(snapshot, check):
            index = _install(current, snapshot)
            if check.seq > index.seq:
                index = _apply_log(current, index, check)
            return index
    return _full_load(current, head)


def _apply_log(current: EngineState, index: FacetIndex, head: Head) -> FacetIndex:
    gaps = sorted(index.gaps)
    sql = "SELECT seq, activity_id, token FROM search_indexchange WHERE seq > %s"
    params: list[Any] = [index.seq]
    if gaps:
        sql += f" OR seq IN ({', '.join(['%s'] * len(gaps))})"
        params += gaps
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY seq", params)
        entries = cursor.fetchall()
    if not entries:
        _expire_gaps(index, set())
        return index
    ids = {int(entry[1]) for entry in entries}
    if len(ids) > RELOAD_SHARE * max(index.n, 1) and len(ids) > 1000:
        return _full_load(current, head)
    version_before = index.version
    tallies.follow(index, version_before, index.apply(sorted(ids)))
    current.unsaved += len(ids)
    if current.unsaved > max(SNAPSHOT_AFTER, index.n // 20):
        current.unsaved = 0
        _save_snapshot(index)
    seen = {int(entry[0]) for entry in entries}
    last_seq, last_token = int(entries[-1][0]), entries[-1][2]
    if last_seq > index.seq:
        now = time.monotonic()
        for missing in set(range(index.seq + 1, last_seq)) - seen:
            index.gaps[missing] = now
        index.seq, index.token = last_seq, last_token
    _expire_gaps(index, seen)
    return index


def _expire_gaps(index: FacetIndex, filled: set[int]) -> None:
    limit = time.monotonic() - GAP_SECONDS
    index.gaps = {
        seq: since for seq, since in index.gaps.items() if seq not in filled and since > limit
    }
    if len(index.gaps) > MAX_GAPS:
        index.gaps = dict(sorted(index.gaps.items())[-MAX_GAPS:])


def current_index() -> tuple[FacetIndex, EngineState]:
    """The process's facet index, brought up to date with the database."""
    current = state()
    with current.lock:
        index = current.index
        head = _read_head(index.seq if index else 0)
        if _behind(head) and indexer.catch_up():
            head = _read_head(index.seq if index else 0)
        if index is None:
            index = _open(current, head)
        elif not _consistent(index, head):
            index = _full_load(current, head)
        elif head.seq > index.seq or index.gaps:
            index = _apply_log(current, index, head)
        if head.epoch != current.epoch:  # the text index was rebuilt: forget its answers
            current.epoch = head.epoch
            current.forget_answers()
        return index, current


def ensure_text_index() -> None:
    """Index what was written without a signal, before a query reads the text index."""
    if _behind(_read_head(0)):
        indexer.catch_up()


def write_snapshot() -> Any:
    """Load the facet index from the database, with the title sort keys of the six languages,
    and write it as the snapshot new processes start from (after `bali search-index
    --rebuild`); returns its folder or None (too few activities to need one)."""
    index = load_index(_read_head(0))
    if index.n >= facet_snapshot.MIN_ROWS:
        for lang in UN_LANGUAGES:
            index.ensure_title_keys(lang)
        presorted.order(index, "newest", "")  # the order of a search without text
        tallies.totals(index)  # the counts of a search without text
    return facet_snapshot.save(index)
