"""Facet counts as vectors (one count per value index), at a cost that follows the smaller of
the selected rows and the rows left out.

Counts are sums over rows, so the counts of a selection are the counts of every live row minus
the counts of the live rows it leaves out. The totals of every live row are computed once per
version of the facet index; a selection of most of the index (a search without text, a broad
word) is then counted through the few rows it leaves out. A small selection is counted through
its own rows: each row's pairs for a multi-valued facet (`PairColumn.offsets`), its code for a
single-valued one. Only a selection near half of the index scans every pair.

Vectors: pair and code facets by value index (`index.vocab[name]`), `gender` by marker + 1 (so
-1, none, is slot 0), `year` the number of activities running in each year from `FIRST_YEAR`
to `LAST_YEAR` (an open-ended activity runs to `LAST_YEAR`; the year facet cuts the list at
`FacetIndex.year_horizon`).
"""

from __future__ import annotations

import numpy as np

from bali.search import pair_table, row_records
from bali.search.facet_index import (
    CODE_FACETS,
    FIRST_YEAR,
    LAST_YEAR,
    NO_YEAR,
    PAIR_FACETS,
    Change,
    FacetIndex,
    PairColumn,
)

YEARS = LAST_YEAR - FIRST_YEAR + 1
GENDER_SLOTS = 4  # none, 0, 1, 2
SCAN_SHARE = 5  # a pair scan costs about as much as following the pairs of a fifth of the rows
BLOCK_SHARE = 8  # records are read for a shared selection of at most an eighth of the rows


def size_of(index: FacetIndex, name: str) -> int:
    if name == "year":
        return YEARS
    if name == "gender":
        return GENDER_SLOTS
    return len(index.vocab[name])


def _pairs_of_rows(column: PairColumn, rows: np.ndarray, size: int) -> np.ndarray:
    """Counts over the pairs of these rows: through the column's table when it has one, else
    the first pair of every row, then the second of those that have one, and so on."""
    if column.table is not None:
        return pair_table.counts(column.table, column.values, column.offsets, rows, size)
    counts = np.zeros(size, np.int64)
    starts = column.offsets[rows]
    ends = column.offsets[rows + 1]
    keep = starts < ends
    starts, ends = starts[keep], ends[keep]
    while len(starts):
        counts += np.bincount(column.values[starts], minlength=size)
        starts = starts + 1
        keep = starts < ends
        starts, ends = starts[keep], ends[keep]
    return counts


def _years(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    keep = (start != NO_YEAR) & (end >= start) & (end >= FIRST_YEAR) & (start <= LAST_YEAR)
    first = np.maximum(start[keep], FIRST_YEAR) - FIRST_YEAR
    after = np.minimum(end[keep], LAST_YEAR) + 1 - FIRST_YEAR
    delta = np.bincount(first, minlength=YEARS + 1) - np.bincount(after, minlength=YEARS + 1)
    return np.cumsum(delta)[:YEARS]


def _in_records(index: FacetIndex, name: str) -> bool:
    records = index.records
    column = "start_year" if name == "year" else name
    return records is not None and column in records.spans


def from_block(index: FacetIndex, name: str, block: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Counts of one facet over `rows` (sorted), whose records (`index.records`) are `block`."""
    records = index.records
    assert records is not None
    size = size_of(index, name)
    if name in PAIR_FACETS:
        column = index.pairs[name]
        return row_records.pair_counts(
            records, block, rows, name, (column.values, column.offsets, size)
        )
    if name == "year":
        start = row_records.column(records, block, "start_year")
        return _years(start, row_records.column(records, block, "end_year"))
    if name == "gender":
        return np.bincount(row_records.column(records, block, name) + 1, minlength=size)
    return np.bincount(row_records.column(records, block, name), minlength=size)


def tally(index: FacetIndex, name: str, rows: np.ndarray) -> np.ndarray:
    """Counts of one facet over these rows (sorted row numbers), reading that facet's own
    arrays."""
    size = size_of(index, name)
    if name in PAIR_FACETS:
        return _pairs_of_rows(index.pairs[name], rows, size)
    if name == "year":
        start = index.start_year[rows].astype(np.int64)
        return _years(start, index.end_year[rows].astype(np.int64))
    if name == "gender":
        return np.bincount(index.gender[rows].astype(np.int64) + 1, minlength=size)
    return np.bincount(index.codes[name][rows], minlength=size).astype(np.int64)


def _scan(index: FacetIndex, name: str, mask: np.ndarray) -> np.ndarray:
    """Counts of one facet over the rows of `mask`, scanning every pair or row."""
    size = size_of(index, name)
    if name in PAIR_FACETS:
        column = index.pairs[name]
        return np.bincount(column.values[mask[column.rows]], minlength=size)
    return tally(index, name, np.flatnonzero(mask))


def totals(index: FacetIndex) -> dict[str, np.ndarray]:
    """Counts of every facet over all live rows, computed once per version of the index."""
    cached = index.totals
    if cached is None or cached[0] != index.version:
        every = (*PAIR_FACETS, *CODE_FACETS, "gender", "year")
        cached = (index.version, {name: _scan(index, name, index.alive) for name in every})
        index.totals = cached
    return cached[1]


def follow(index: FacetIndex, version_before: int, change: Change) -> None:
    """Carry the totals computed before `FacetIndex.apply` over to its new version: minus the
    rows that died, plus those added (a few rows instead of every live row again)."""
    cached = index.totals
    if cached is None or cached[0] != version_before or change.renumbered:
        return
    updated: dict[str, np.ndarray] = {}
    for name, vector in cached[1].items():
        size = size_of(index, name)
        grown = np.zeros(size, np.int64)  # the vocabulary may have grown
        grown[: len(vector)] = vector
        updated[name] = grown - tally(index, name, change.dead) + tally(index, name, change.added)
    index.totals = (index.version, updated)


class Selection:
    """Rows chosen by a mask (a subset of the live rows), counted the cheapest way: through
    their own rows, through the live rows they leave out (from the totals), or, near half of
    the index, by scanning every pair. A `shared` selection is counted for several facets:
    when it is small (scattered rows, where each read is a cache miss), its rows' records are
    read once for all of them (`bali.search.row_records`); otherwise each facet reads its own
    arrays (less memory to read when most rows are read anyway)."""

    def __init__(self, index: FacetIndex, mask: np.ndarray, shared: bool = False) -> None:
        # `mask` holds live rows only (every search's mask starts from `FacetIndex.visible`)
        self.index = index
        self.mask = mask
        self.shared = shared
        self.count = int(np.count_nonzero(mask))
        self.live = index.live_count()
        self._rows: tuple[np.ndarray, np.ndarray | None] | None = None
        self._rest: tuple[np.ndarray, np.ndarray | None] | None = None

    def _work(self, name: str) -> float:
        """Units of pairs (or rows) a scan of the whole facet would read."""
        if name in PAIR_FACETS:
            return len(self.index.pairs[name].rows) / SCAN_SHARE
        return self.index.n / SCAN_SHARE

    def _gathered(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """The rows, and their records when reading those once for every facet pays."""
        records = self.index.records
        if not self.shared or records is None or len(rows) * BLOCK_SHARE > self.index.n:
            return rows, None
        return rows, records.records[rows]

    def _tally(self, name: str, rows: np.ndarray, block: np.ndarray | None) -> np.ndarray:
        if block is not None and _in_records(self.index, name):
            return from_block(self.index, name, block, rows)
        return tally(self.index, name, rows)

    def counts(self, name: str) -> np.ndarray:
        left_out = self.live - self.count
        scan = self._work(name)
        if self.count <= left_out and self.count <= scan:
            if self._rows is None:
                self._rows = self._gathered(np.flatnonzero(self.mask))
            return self._tally(name, *self._rows)
        if left_out < self.count and left_out <= scan:
            if self._rest is None:
                self._rest = self._gathered(np.flatnonzero(self.index.alive & ~self.mask))
            return totals(self.index)[name] - self._tally(name, *self._rest)
        return _scan(self.index, name, self.mask)
