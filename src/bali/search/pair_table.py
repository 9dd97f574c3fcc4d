"""A multi-valued facet's values row by row in a fixed-width table, for counting a selection of
rows with one gather and one `bincount`.

A pair column lists (row, value) pairs in row order, and a row has a few values (one to three
countries, a handful of themes and sectors). Counting a selection through `offsets` costs a
round of numpy calls per value position; the table (one row per facet-index row, `width`
columns of value indexes, `EMPTY` where a row has fewer values) answers in one step. The width
covers 99 % of the rows (at most `MAX_WIDTH`); the values of the rare rows with more are
counted through `offsets` (`overflow` lists those rows). Values are `uint16`: a facet with
65,535 values or more has no table and is counted through `offsets` only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EMPTY = np.iinfo(np.uint16).max
MAX_WIDTH = 8


@dataclass
class PairTable:
    table: np.ndarray  # (rows, width) uint16
    overflow: np.ndarray  # int64, sorted: rows with more values than `width`

    @property
    def width(self) -> int:
        return int(self.table.shape[1])


def _padded(
    values: np.ndarray, offsets: np.ndarray, first: int, last: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    starts = offsets[first:last]
    lengths = offsets[first + 1 : last + 1] - starts
    table = np.full((last - first, width), EMPTY, np.uint16)
    for column in range(width):
        chosen = np.flatnonzero(lengths > column)
        table[chosen, column] = values[starts[chosen] + column]
    return table, np.flatnonzero(lengths > width).astype(np.int64) + first


def build(values: np.ndarray, offsets: np.ndarray, size: int) -> PairTable | None:
    """The table of a column (`offsets[r]:offsets[r + 1]` are row r's pairs); None when the
    facet has too many values for uint16."""
    if size >= EMPTY:
        return None
    lengths = np.diff(offsets)
    width = 1
    if len(lengths):
        width = int(min(MAX_WIDTH, max(1, np.ceil(np.percentile(lengths, 99)))))
    table, overflow = _padded(values, offsets, 0, len(lengths), width)
    return PairTable(table, overflow)


def extend(
    found: PairTable | None, values: np.ndarray, offsets: np.ndarray, first: int, size: int
) -> PairTable | None:
    """The table with rows first.. (just appended) added; None when values outgrew uint16."""
    if found is None or size >= EMPTY:
        return None
    rows = len(offsets) - 1
    added, overflow = _padded(values, offsets, first, rows, found.width)
    return PairTable(
        np.concatenate([found.table[:first], added]),
        np.concatenate([found.overflow[found.overflow < first], overflow]),
    )


def counts(
    found: PairTable, values: np.ndarray, offsets: np.ndarray, rows: np.ndarray, size: int
) -> np.ndarray:
    """Counts of each value over these rows (sorted row numbers)."""
    result = np.bincount(found.table[rows].ravel(), minlength=EMPTY + 1)[:size].astype(np.int64)
    if len(found.overflow) and len(rows):
        places = np.minimum(np.searchsorted(rows, found.overflow), len(rows) - 1)
        extra = found.overflow[rows[places] == found.overflow]
        result += np.bincount(values[_beyond(offsets, extra, found.width)], minlength=size)[:size]
    return result


def _beyond(offsets: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
    """Positions of the pairs of these rows after their first `width`."""
    starts = offsets[rows] + width
    lengths = offsets[rows + 1] - starts
    total = int(lengths.sum())
    return np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
