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

from bali.search import pair_table
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


def _year_tally(index: FacetIndex, rows: np.ndarray) -> np.ndarray:
    start = index.start_year[rows].astype(np.int64)
    end = index.end_year[rows].astype(np.int64)
    keep = (start != NO_YEAR) & (end >= start) & (end >= FIRST_YEAR) & (start <= LAST_YEAR)
    first = np.maximum(start[keep], FIRST_YEAR) - FIRST_YEAR
    after = np.minimum(end[keep], LAST_YEAR) + 1 - FIRST_YEAR
    delta = np.bincount(first, minlength=YEARS + 1) - np.bincount(after, minlength=YEARS + 1)
    return np.cumsum(delta)[:YEARS]


def tally(index: FacetIndex, name: str, rows: np.ndarray) -> np.ndarray:
    """Counts of one facet over these rows (sorted row numbers), following the rows."""
    size = size_of(index, name)
    if name in PAIR_FACETS:
        return _pairs_of_rows(index.pairs[name], rows, size)
    if name == "year":
        return _year_tally(index, rows)
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
    """Rows chosen by a mask (a subset of the live rows), counted the cheapest way."""

    def __init__(self, index: FacetIndex, mask: np.ndarray) -> None:
        self.index = index
        self.mask = mask
        self.count = int(np.count_nonzero(mask))
        self.live = index.live_count()
        self._rows: np.ndarray | None = None
        self._rest: np.ndarray | None = None

    def _work(self, name: str) -> float:
        """Units of pairs (or rows) a scan of the whole facet would read."""
        if name in PAIR_FACETS:
            return len(self.index.pairs[name].rows) / SCAN_SHARE
        return self.index.n / SCAN_SHARE

    def counts(self, name: str) -> np.ndarray:
        left_out = self.live - self.count
        scan = self._work(name)
        if self.count <= left_out and self.count <= scan:
            if self._rows is None:
                self._rows = np.flatnonzero(self.mask)
            return tally(self.index, name, self._rows)
        if left_out < self.count and left_out <= scan:
            if self._rest is None:
                self._rest = np.flatnonzero(self.index.alive & ~self.mask)
            return totals(self.index)[name] - tally(self.index, name, self._rest)
        return _scan(self.index, name, self.mask)
